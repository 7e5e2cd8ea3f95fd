/**
 * Tests of `handleReload()` (`reload.ts`), the `Type=notify-reload` protocol,
 * against a datagram receiver standing in for systemd's notify socket. The
 * end-to-end tests under systemd 262 are in `tests/e2e/systemd_upgrade_test.ts`.
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertLessOrEqual,
  assertMatch,
  assertRejects,
  assertThrows,
} from "@std/assert";
import { bindLibc } from "../_ffi.ts";
import { ListenFdsError } from "../_errors.ts";
import { monotonicMicroseconds } from "../_notify/notify.ts";
import { errnoOf, handleReload } from "../_notify/reload.ts";
import { NotifyReceiver } from "./support/notify_receiver.ts";

bindLibc();

function receiver(): NotifyReceiver {
  return NotifyReceiver.bind(`@listen-fds-reload-test-${crypto.randomUUID()}`);
}

Deno.test("handleReload() sends RELOADING=1 with MONOTONIC_USEC= of now, runs the callback, then READY=1", async () => {
  using socket = receiver();
  const seen: string[] = [];
  using handler = handleReload(() => {
    seen.push(...socket.drain().map((d) => d.text));
  }, { notify: { env: { NOTIFY_SOCKET: socket.address } } });
  const before = monotonicMicroseconds();
  await handler.reload();
  const after = monotonicMicroseconds();
  // RELOADING=1 arrived before the callback ran.
  assertEquals(seen.length, 1);
  const match = /^RELOADING=1\nMONOTONIC_USEC=(\d+)$/.exec(seen[0]!);
  assert(match, seen[0]);
  assertGreaterOrEqual(BigInt(match[1]!), before);
  assertLessOrEqual(BigInt(match[1]!), after);
  assertEquals(socket.drain().map((d) => d.text), ["READY=1"]);
});

Deno.test("handleReload() reports a failed reload with STATUS=, ERRNO= and READY=1, rejects, and clears STATUS= after the next success", async () => {
  using socket = receiver();
  let fail = true;
  const errors: unknown[] = [];
  using handler = handleReload(async () => {
    if (fail) await Deno.readTextFile("/nonexistent/listen-fds/config.json");
  }, {
    notify: { env: { NOTIFY_SOCKET: socket.address } },
    onError: (error) => errors.push(error),
  });
  await assertRejects(() => handler.reload(), Deno.errors.NotFound);
  const sent = socket.drain().map((d) => d.text);
  assertMatch(sent[0]!, /^RELOADING=1\nMONOTONIC_USEC=\d+$/);
  assertMatch(
    sent[1]!,
    /^STATUS=Reload failed: No such file or directory.*\nERRNO=2\nREADY=1$/,
  );
  assertEquals(errors.length, 1);
  fail = false;
  await handler.reload();
  assertEquals(socket.drain().map((d) => d.text).slice(1), [
    "STATUS=\nREADY=1",
  ]);
});

Deno.test("handleReload() runs on its signal, and requests during a reload make one more reload after it", async () => {
  using socket = receiver();
  let runs = 0;
  let release: () => void = () => {};
  using handler = handleReload(async () => {
    runs++;
    if (runs === 1) await new Promise<void>((resolve) => release = resolve);
  }, { signal: "SIGUSR2", notify: { env: { NOTIFY_SOCKET: socket.address } } });
  Deno.kill(Deno.pid, "SIGUSR2");
  await socket.receive();
  assertEquals(runs, 1);
  const second = handler.reload();
  const third = handler.reload();
  assertEquals(second, third);
  release();
  await second;
  assertEquals(runs, 2);
  const sent = socket.drain().map((d) => d.text.split("\n")[0]);
  assertEquals(sent, ["READY=1", "RELOADING=1", "READY=1"]);
});

Deno.test("handleReload() rejects a callback that is not a function", () => {
  const error = assertThrows(
    () => handleReload(undefined as unknown as () => void),
    ListenFdsError,
    "Cannot handle reloads: the reload callback is not a function",
  );
  assertEquals(error.code, "INVALID_ARGUMENT");
});

Deno.test("errnoOf() takes a ListenFdsError's errno, a Deno error's usual number, or none", () => {
  assertEquals(
    errnoOf(new ListenFdsError("x", { code: "SYSCALL_FAILED", errno: 24 })),
    24,
  );
  assertEquals(errnoOf(new Deno.errors.PermissionDenied("x")), 13);
  assertEquals(errnoOf(new Error("x")), undefined);
});

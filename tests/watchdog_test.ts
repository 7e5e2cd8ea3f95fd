import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertObjectMatch,
  assertThrows,
} from "@std/assert";
import { FakeTime } from "@std/testing/time";
import { ListenFdsError } from "../_errors.ts";
import { startWatchdog, watchdogInterval } from "../_notify/watchdog.ts";
import { NotifyReceiver } from "./support/notify_receiver.ts";

function errorOf(fn: () => unknown): ListenFdsError {
  const error = assertThrows(fn);
  assertInstanceOf(error, ListenFdsError);
  return error;
}

function receiver(): NotifyReceiver {
  return NotifyReceiver.bind(`@listen-fds-watchdog-${crypto.randomUUID()}`);
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("watchdogInterval() follows libsystemd's W1-W4", () => {
  assertEquals(watchdogInterval({ env: {} }), undefined); // W1
  assertEquals(
    watchdogInterval({ env: { WATCHDOG_USEC: "3000000" } }),
    3000,
  ); // W2
  assertEquals(
    watchdogInterval({
      env: { WATCHDOG_USEC: "3000000", WATCHDOG_PID: "4242" },
      pid: 4242,
    }),
    3000,
  ); // W3
  assertEquals(
    watchdogInterval({
      env: { WATCHDOG_USEC: "3000000", WATCHDOG_PID: "1" },
      pid: 4242,
    }),
    undefined,
  ); // W4
  assertEquals(
    watchdogInterval({
      env: { WATCHDOG_USEC: "3000000", WATCHDOG_PID: String(Deno.pid) },
    }),
    3000,
  );
  assertEquals(watchdogInterval({ env: { WATCHDOG_USEC: "1500" } }), 1.5);
  assertEquals(
    watchdogInterval({ env: { WATCHDOG_USEC: "18446744073709551614" } }),
    18446744073709551.614,
  );
});

Deno.test("watchdogInterval() rejects 0, infinity and non-canonical WATCHDOG_USEC (W5-W7)", () => {
  const cases: [string, string][] = [
    ["0", `Cannot use WATCHDOG_USEC: value "0" is 0`],
    [
      "18446744073709551615",
      `Cannot use WATCHDOG_USEC: value "18446744073709551615" is larger than 18446744073709551614`,
    ],
    [
      "abc",
      `Cannot use WATCHDOG_USEC: value "abc" is not a canonical decimal number`,
    ],
    [
      "",
      `Cannot use WATCHDOG_USEC: value "" is not a canonical decimal number`,
    ],
    [
      "01000",
      `Cannot use WATCHDOG_USEC: value "01000" is not a canonical decimal number`,
    ],
    [
      "+1000",
      `Cannot use WATCHDOG_USEC: value "+1000" is not a canonical decimal number`,
    ],
    [
      " 1000",
      `Cannot use WATCHDOG_USEC: value " 1000" is not a canonical decimal number`,
    ],
    [
      "1000 ",
      `Cannot use WATCHDOG_USEC: value "1000 " is not a canonical decimal number`,
    ],
    [
      "0x10",
      `Cannot use WATCHDOG_USEC: value "0x10" is not a canonical decimal number`,
    ],
  ];
  for (const [value, message] of cases) {
    const error = errorOf(() =>
      watchdogInterval({ env: { WATCHDOG_USEC: value } })
    );
    assertObjectMatch(error, {
      code: "INVALID_WATCHDOG_USEC",
      variable: "WATCHDOG_USEC",
      value,
    });
    assertEquals(error.message, message);
  }
});

Deno.test("watchdogInterval() rejects a non-canonical WATCHDOG_PID (W8)", () => {
  for (const value of ["x", "0", "-1", "012", " 12", "2147483648", ""]) {
    const error = errorOf(() =>
      watchdogInterval({ env: { WATCHDOG_USEC: "1000", WATCHDOG_PID: value } })
    );
    assertObjectMatch(error, {
      code: "INVALID_WATCHDOG_PID",
      variable: "WATCHDOG_PID",
      value,
    });
    assertEquals(
      error.message,
      `Cannot use WATCHDOG_PID: value "${value}" is not a canonical decimal in 1 … 2147483647`,
    );
  }
});

Deno.test("watchdogInterval() with unsetEnvironment removes both variables, also on error", () => {
  const saved = [Deno.env.get("WATCHDOG_USEC"), Deno.env.get("WATCHDOG_PID")];
  try {
    Deno.env.set("WATCHDOG_USEC", "2000000");
    Deno.env.set("WATCHDOG_PID", String(Deno.pid));
    assertEquals(watchdogInterval(), 2000);
    assertEquals(Deno.env.get("WATCHDOG_USEC"), "2000000");
    assertEquals(watchdogInterval({ unsetEnvironment: true }), 2000);
    assertEquals(Deno.env.get("WATCHDOG_USEC"), undefined);
    assertEquals(Deno.env.get("WATCHDOG_PID"), undefined);

    Deno.env.set("WATCHDOG_USEC", "bad");
    assertThrows(() => watchdogInterval({ unsetEnvironment: true }));
    assertEquals(Deno.env.get("WATCHDOG_USEC"), undefined);
  } finally {
    for (const [i, name] of ["WATCHDOG_USEC", "WATCHDOG_PID"].entries()) {
      if (saved[i] === undefined) Deno.env.delete(name);
      else Deno.env.set(name, saved[i]!);
    }
  }
});

Deno.test("startWatchdog() pings at once and every half interval until stopped", () => {
  using r = receiver();
  using time = new FakeTime();
  const texts = (): string[] => r.drain().map((d) => d.text);
  const watchdog = startWatchdog({
    env: { NOTIFY_SOCKET: r.address, WATCHDOG_USEC: "100000" },
  });
  assertEquals(watchdog.interval, 100);
  assertEquals(watchdog.running, true);
  assertEquals(texts(), ["WATCHDOG=1"]); // at once
  time.tick(49);
  assertEquals(texts(), []);
  time.tick(1);
  assertEquals(texts(), ["WATCHDOG=1"]); // 50 ms: half the interval
  time.tick(50);
  assertEquals(texts(), ["WATCHDOG=1"]);
  time.tick(500);
  assertEquals(texts().length, 10);
  watchdog.stop();
  assertFalse(watchdog.running);
  time.tick(1000);
  assertEquals(texts(), []);
  watchdog.stop(); // idempotent
  assertFalse(watchdog.running);
});

Deno.test("startWatchdog() does nothing when the watchdog is off", () => {
  using r = receiver();
  using time = new FakeTime();
  for (
    const env of [
      { NOTIFY_SOCKET: r.address },
      { NOTIFY_SOCKET: r.address, WATCHDOG_USEC: "100000", WATCHDOG_PID: "1" },
      { WATCHDOG_USEC: "100000" },
    ]
  ) {
    const watchdog = startWatchdog({ env });
    assertFalse(watchdog.running);
    time.tick(1000);
    watchdog.stop();
  }
  assertEquals(r.drain().length, 0);
});

Deno.test("startWatchdog() takes an explicit interval and rejects a bad one", () => {
  using r = receiver();
  using time = new FakeTime();
  {
    using watchdog = startWatchdog({
      env: { NOTIFY_SOCKET: r.address },
      interval: 60,
    });
    assertEquals(watchdog.interval, 60);
    time.tick(30);
    assertEquals(r.drain().map((d) => d.text), ["WATCHDOG=1", "WATCHDOG=1"]);
  }
  // Disposing stopped it.
  time.tick(300);
  assertEquals(r.drain().length, 0);
  for (const interval of [0, -1, NaN, Infinity]) {
    assertEquals(
      errorOf(() => startWatchdog({ env: {}, interval })).code,
      "INVALID_ARGUMENT",
    );
  }
});

Deno.test("startWatchdog() reports failed pings to onError and keeps trying", () => {
  using time = new FakeTime();
  const errors: unknown[] = [];
  const watchdog = startWatchdog({
    env: { NOTIFY_SOCKET: "/nonexistent/notify.sock" },
    interval: 40,
    onError: (error) => errors.push(error),
  });
  try {
    assertEquals(errors.length, 1); // the first ping, at once
    time.tick(100); // and one every 20 ms
    assertEquals(errors.length, 6);
  } finally {
    watchdog.stop();
  }
  for (const error of errors) {
    assertInstanceOf(error, ListenFdsError);
    assertEquals(error.code, "NOTIFY_FAILED");
  }
});

Deno.test("startWatchdog() does not keep the process alive", async () => {
  // A child starts a watchdog pinging every 5 ms, works on a ref'd timer for
  // a while, says DONE and has nothing left to do but the watchdog. With an
  // unref'd timer it exits; a ref'd one would keep it pinging forever, which
  // the 20 pings counted after DONE detect without a clock.
  using r = receiver();
  const script = `
    import { startWatchdog } from ${
    JSON.stringify(new URL("../_notify/watchdog.ts", import.meta.url).href)
  };
    import { notify } from ${
    JSON.stringify(new URL("../notify.ts", import.meta.url).href)
  };
    const env = { NOTIFY_SOCKET: ${JSON.stringify(r.address)} };
    const watchdog = startWatchdog({ env, interval: 10 });
    globalThis.addEventListener("unload", () => {
      console.log(JSON.stringify({ runningAtExit: watchdog.running }));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    notify("DONE=1", { env });
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-lock", script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let exited = false;
  const output = child.output().finally(() => exited = true);
  let done = false;
  let pingsAfterDone = 0;
  while (!exited && pingsAfterDone < 20) {
    for (const { text } of r.drain()) {
      if (text === "DONE=1") done = true;
      else if (done && text === "WATCHDOG=1") pingsAfterDone++;
    }
    await sleep(5);
  }
  if (!exited) child.kill("SIGKILL");
  const { code, stdout, stderr } = await output;
  assert(
    exited && pingsAfterDone < 20,
    `The child kept running and pinging after its work was done: the watchdog timer keeps the process alive (${pingsAfterDone} pings after DONE)`,
  );
  assertEquals(new TextDecoder().decode(stderr), "");
  assertEquals(code, 0);
  assertEquals(JSON.parse(new TextDecoder().decode(stdout)), {
    runningAtExit: true,
  });
});

import {
  assertEquals,
  assertInstanceOf,
  assertObjectMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeTime } from "@std/testing/time";
import { ListenFdsError } from "../_errors.ts";
import { handleShutdown } from "../_notify/shutdown.ts";
import { NotifyReceiver } from "./support/notify_receiver.ts";
import { waitFor } from "./support/helpers.ts";

function receiver(): NotifyReceiver {
  return NotifyReceiver.bind(`@listen-fds-shutdown-${crypto.randomUUID()}`);
}

Deno.test("handleShutdown() on SIGTERM sends STOPPING=1, waits for shutdown() and reports graceful", async () => {
  using r = receiver();
  const calls: string[] = [];
  let release = (): void => {};
  const server = {
    shutdown: (): Promise<void> => {
      calls.push("shutdown");
      return new Promise<void>((resolve) => release = resolve);
    },
  };
  const outcomes: string[] = [];
  using handler = handleShutdown(server, {
    exit: false,
    signals: ["SIGUSR2"],
    notify: { env: { NOTIFY_SOCKET: r.address } },
    onShutdown: (outcome) => {
      outcomes.push(outcome);
    },
  });
  Deno.kill(Deno.pid, "SIGUSR2");
  assertEquals((await r.receive()).text, "STOPPING=1");
  assertEquals(calls, ["shutdown"]);
  assertEquals(outcomes, []); // still waiting for in-flight requests
  release();
  assertEquals(await handler.shutdown(), "graceful");
  assertEquals(outcomes, ["graceful"]);
  assertEquals(calls, ["shutdown"]); // once only
});

Deno.test("handleShutdown() gives up after the timeout", async () => {
  using time = new FakeTime();
  const server = { shutdown: () => new Promise<void>(() => {}) };
  using handler = handleShutdown(server, {
    exit: false,
    signals: [],
    notify: false,
    timeout: 50,
  });
  let outcome: string | undefined;
  const done = handler.shutdown().then((o) => outcome = o);
  await time.tickAsync(49);
  assertEquals(outcome, undefined);
  await time.tickAsync(1);
  await done;
  assertEquals(outcome, "timeout");
});

Deno.test("handleShutdown() closes a node:http server and lets the in-flight request finish", async () => {
  const inFlight = Promise.withResolvers<() => void>();
  const server = createServer((_req, res) => {
    inFlight.resolve(() => res.end("done"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  using handler = handleShutdown(server, {
    exit: false,
    signals: [],
    notify: false,
    timeout: 5000,
  });
  const response = fetch(`http://127.0.0.1:${port}/`);
  const respond = await inFlight.promise;
  const outcome = handler.shutdown();
  // New connections are refused while the in-flight one finishes.
  await waitFor(async () => {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return false;
    } catch {
      return true;
    }
  }, { what: "new connections to be refused" });
  respond();
  assertEquals(await (await response).text(), "done");
  assertEquals(await outcome, "graceful");
});

Deno.test("handleShutdown() stops a Deno.serve() server with shutdown()", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen(): void {} },
    () => new Response("ok"),
  );
  using handler = handleShutdown(server, {
    exit: false,
    signals: [],
    notify: false,
  });
  assertEquals(await handler.shutdown(), "graceful");
  await server.finished;
});

Deno.test("handleShutdown() exits the process: 0 when graceful", async () => {
  const script = `
    import { handleShutdown } from ${
    JSON.stringify(new URL("../_notify/shutdown.ts", import.meta.url).href)
  };
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(): void {} }, () => new Response("ok"));
    handleShutdown(server, { onShutdown: (o) => console.log("outcome", o) });
    console.log("listening");
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-lock", script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("listening")) text += (await reader.read()).value ?? "";
  child.kill("SIGTERM");
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const status = await child.status;
  await child.stderr.cancel();
  assertStringIncludes(text, "outcome graceful");
  assertEquals(status.code, 0);
});

Deno.test("handleShutdown() reports a rejected shutdown() as failed, with the error", async () => {
  const failure = new Error("cannot stop");
  const seen: unknown[] = [];
  using handler = handleShutdown({ shutdown: () => Promise.reject(failure) }, {
    exit: false,
    signals: [],
    notify: false,
    onShutdown: (outcome, error) => {
      seen.push(outcome, error);
    },
  });
  assertEquals(await handler.shutdown(), "failed");
  assertEquals(seen, ["failed", failure]);
});

Deno.test("handleShutdown() reports a close() that fails as failed", async () => {
  // node:http calls back with ERR_SERVER_NOT_RUNNING: it never listened.
  using handler = handleShutdown(createServer(), {
    exit: false,
    signals: [],
    notify: false,
  });
  assertEquals(await handler.shutdown(), "failed");
  using throwing = handleShutdown({
    close(): void {
      throw new Error("boom");
    },
  }, { exit: false, signals: [], notify: false });
  assertEquals(await throwing.shutdown(), "failed");
});

/** Runs a child with handleShutdown(); `release` lets its shutdown finish. */
function drainingChild(options: string): {
  next(line: string): Promise<void>;
  signal(name: Deno.Signal): void;
  release(): Promise<void>;
  finish(): Promise<{ status: Deno.CommandStatus; text: string }>;
} {
  const script = `
    import { handleShutdown } from ${
    JSON.stringify(new URL("../_notify/shutdown.ts", import.meta.url).href)
  };
    let release;
    const released = new Promise((resolve) => release = resolve);
    const server = { shutdown: () => { console.log("draining"); return released; } };
    handleShutdown(server, { notify: false, ...${options}, onShutdown: (o) => console.log("outcome", o) });
    (async () => {
      for await (const chunk of Deno.stdin.readable) release();
    })();
    console.log("listening");
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-lock", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const writer = child.stdin.getWriter();
  let text = "";
  return {
    async next(line: string): Promise<void> {
      while (!text.includes(line)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`no "${line}" in ${JSON.stringify(text)}`);
        text += value;
      }
    },
    signal(name: Deno.Signal): void {
      child.kill(name);
    },
    async release(): Promise<void> {
      await writer.write(new Uint8Array([10]));
    },
    async finish(): Promise<{ status: Deno.CommandStatus; text: string }> {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      const status = await child.status;
      await writer.close().catch(() => {});
      await child.stderr.cancel();
      return { status, text };
    },
  };
}

Deno.test("handleShutdown() lets a second signal during the drain pass", async () => {
  const child = drainingChild("{}");
  await child.next("listening");
  child.signal("SIGINT");
  await child.next("draining");
  child.signal("SIGINT");
  child.signal("SIGTERM");
  // Long enough for a signal's default action to end the process.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await child.release();
  const { status, text } = await child.finish();
  assertStringIncludes(text, "outcome graceful");
  assertEquals([status.code, status.signal], [0, null]);
});

Deno.test("handleShutdown() with repeatedSignal: exit ends the drain on a second signal with 128 + its number", async () => {
  const child = drainingChild(`{ repeatedSignal: "exit" }`);
  await child.next("listening");
  child.signal("SIGINT");
  await child.next("draining");
  child.signal("SIGINT");
  const { status, text } = await child.finish();
  assertEquals(text.includes("outcome"), false);
  assertEquals(status.code, 130);
});

Deno.test("handleShutdown() exits 1 when a server fails to stop", async () => {
  const script = `
    import { handleShutdown } from ${
    JSON.stringify(new URL("../_notify/shutdown.ts", import.meta.url).href)
  };
    handleShutdown({ shutdown: () => Promise.reject(new Error("x")) }, {
      notify: false,
      onShutdown: (o) => console.log("outcome", o),
    }).shutdown();
  `;
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-lock", script],
    stdout: "piped",
    stderr: "null",
  }).output();
  assertStringIncludes(new TextDecoder().decode(stdout), "outcome failed");
  assertEquals(code, 1);
});

Deno.test("handleShutdown() rejects something it cannot stop and a bad timeout", () => {
  const error = assertThrows(() =>
    handleShutdown({} as unknown as { close(): void })
  );
  assertInstanceOf(error, ListenFdsError);
  assertEquals(
    error.message,
    "Cannot handle shutdown: the server has neither shutdown() nor close()",
  );
  assertObjectMatch(
    assertThrows(() =>
      handleShutdown({ close(): void {} }, { timeout: -1, signals: [] })
    ) as ListenFdsError,
    { code: "INVALID_ARGUMENT" },
  );
  assertObjectMatch(
    assertThrows(() =>
      handleShutdown({ close(): void {} }, {
        signals: [],
        repeatedSignal: "kill" as "exit",
      })
    ) as ListenFdsError,
    { code: "INVALID_ARGUMENT", value: "kill" },
  );
});

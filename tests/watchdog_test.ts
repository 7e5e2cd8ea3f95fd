import {
  assertEquals,
  assertFalse,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertObjectMatch,
  assertThrows,
} from "@std/assert";
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

Deno.test("startWatchdog() pings at once and every half interval until stopped", async () => {
  using r = receiver();
  const watchdog = startWatchdog({
    env: { NOTIFY_SOCKET: r.address, WATCHDOG_USEC: "100000" },
  });
  try {
    assertEquals(watchdog.interval, 100);
    assertEquals(watchdog.running, true);
    assertEquals((await r.receive(1000)).text, "WATCHDOG=1");
    const pings: string[] = [];
    const until = Date.now() + 400;
    while (Date.now() < until) {
      pings.push(...r.drain().map((d) => d.text));
      await sleep(10);
    }
    // Every 50 ms over 400 ms: about 8; a loaded machine may be late.
    assertGreaterOrEqual(pings.length, 3);
    assertEquals(new Set(pings), new Set(["WATCHDOG=1"]));
  } finally {
    watchdog.stop();
  }
  assertFalse(watchdog.running);
  r.drain();
  await sleep(150);
  assertEquals(r.drain().length, 0);
  watchdog.stop(); // idempotent
});

Deno.test("startWatchdog() does nothing when the watchdog is off", async () => {
  using r = receiver();
  for (
    const env of [
      { NOTIFY_SOCKET: r.address },
      { NOTIFY_SOCKET: r.address, WATCHDOG_USEC: "100000", WATCHDOG_PID: "1" },
      { WATCHDOG_USEC: "100000" },
    ]
  ) {
    using watchdog = startWatchdog({ env });
    assertFalse(watchdog.running);
  }
  await sleep(120);
  assertEquals(r.drain().length, 0);
});

Deno.test("startWatchdog() takes an explicit interval and rejects a bad one", async () => {
  using r = receiver();
  {
    using watchdog = startWatchdog({
      env: { NOTIFY_SOCKET: r.address },
      interval: 60,
    });
    assertEquals(watchdog.interval, 60);
    await r.receive(1000);
  }
  for (const interval of [0, -1, NaN, Infinity]) {
    assertEquals(
      errorOf(() => startWatchdog({ env: {}, interval })).code,
      "INVALID_ARGUMENT",
    );
  }
});

Deno.test("startWatchdog() reports failed pings to onError and keeps trying", async () => {
  const errors: unknown[] = [];
  const watchdog = startWatchdog({
    env: { NOTIFY_SOCKET: "/nonexistent/notify.sock" },
    interval: 40,
    onError: (error) => errors.push(error),
  });
  try {
    await sleep(150);
  } finally {
    watchdog.stop();
  }
  assertGreaterOrEqual(errors.length, 2);
  assertInstanceOf(errors[0], ListenFdsError);
  assertEquals((errors[0] as ListenFdsError).code, "NOTIFY_FAILED");
});

Deno.test("startWatchdog() does not keep the process alive", async () => {
  const script = `
    import { startWatchdog } from ${
    JSON.stringify(new URL("../_notify/watchdog.ts", import.meta.url).href)
  };
    startWatchdog({ env: { NOTIFY_SOCKET: "@x-${crypto.randomUUID()}" }, interval: 50, onError() {} });
  `;
  const start = Date.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-lock", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(new TextDecoder().decode(output.stderr), "");
  assertEquals(output.code, 0);
  // It exited on its own instead of pinging forever (generous bound).
  assertEquals(Date.now() - start < 20_000, true);
});

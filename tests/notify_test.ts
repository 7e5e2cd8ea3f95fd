import {
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertMatch,
  assertObjectMatch,
  assertThrows,
} from "@std/assert";
import { join } from "@std/path";
import { ListenFdsError } from "../_errors.ts";
import { bindLibc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import {
  monotonicMicroseconds,
  notify,
  NOTIFY_MAX_FDS,
  notifyErrno,
  notifyExtendTimeout,
  notifyMainPid,
  notifyReady,
  notifyReloading,
  notifyStatus,
  notifyStopping,
  parseNotifySocket,
} from "../_notify/notify.ts";
import { NotifyReceiver } from "./support/notify_receiver.ts";
import { openFds, ROOT } from "./support/helpers.ts";

// Bound before any test: Deno 2.0.6's sanitizer counts a library opened
// inside a test as leaked.
bindLibc();

function withReceiver(
  fn: (receiver: NotifyReceiver) => Promise<void> | void,
  abstract = false,
): () => Promise<void> {
  return async () => {
    const dir = await Deno.makeTempDir({ prefix: "notify_test_" });
    const address = abstract
      ? `@listen-fds-test-${crypto.randomUUID()}`
      : join(dir, "notify.sock");
    const receiver = NotifyReceiver.bind(address);
    try {
      await fn(receiver);
    } finally {
      receiver.close();
      await Deno.remove(dir, { recursive: true });
    }
  };
}

function errorOf(fn: () => unknown): ListenFdsError {
  const error = assertThrows(fn);
  assertInstanceOf(error, ListenFdsError);
  return error;
}

Deno.test(
  "notify() returns false and sends nothing without NOTIFY_SOCKET (N1)",
  withReceiver((receiver) => {
    assertFalse(notify("READY=1", { env: {} }));
    assertEquals(receiver.tryReceive(), undefined);
  }),
);

Deno.test(
  "notify() sends the exact bytes to a path socket (N2)",
  withReceiver(async (receiver) => {
    assertEquals(
      notify("READY=1", { env: { NOTIFY_SOCKET: receiver.address } }),
      true,
    );
    const datagram = await receiver.receive();
    assertEquals(datagram.bytes, new TextEncoder().encode("READY=1"));
    assertEquals(datagram.fds, []);
  }),
);

Deno.test(
  "notify() sends to an abstract @name socket (N3)",
  withReceiver(async (receiver) => {
    const env = { NOTIFY_SOCKET: receiver.address };
    notify("READY=1\nSTATUS=hello world", { env });
    assertEquals(
      (await receiver.receive()).text,
      "READY=1\nSTATUS=hello world",
    );
  }, true),
);

Deno.test(
  "notify() joins a record's assignments with newlines in insertion order",
  withReceiver(async (receiver) => {
    const env = { NOTIFY_SOCKET: receiver.address };
    notify({ READY: 1, STATUS: "up: 3 workers", X_BIG: 2n ** 64n }, { env });
    assertEquals(
      (await receiver.receive()).text,
      "READY=1\nSTATUS=up: 3 workers\nX_BIG=18446744073709551616",
    );
  }),
);

Deno.test(
  "notify() sends an empty state as an empty datagram (N10)",
  withReceiver(async (receiver) => {
    assertEquals(
      notify("", { env: { NOTIFY_SOCKET: receiver.address } }),
      true,
    );
    const datagram = await receiver.receive();
    assertEquals(datagram.bytes.length, 0);
  }),
);

Deno.test(
  "notify() helpers send the well-known assignments",
  withReceiver(async (receiver) => {
    const env = { NOTIFY_SOCKET: receiver.address };
    notifyReady({ env });
    notifyStopping({ env });
    notifyStatus("ok: 1 client", { env });
    notifyMainPid(1234, { env });
    notifyExtendTimeout(1500, { env });
    notifyErrno(98, { env });
    const texts = [];
    for (let i = 0; i < 6; i++) texts.push((await receiver.receive()).text);
    assertEquals(texts, [
      "READY=1",
      "STOPPING=1",
      "STATUS=ok: 1 client",
      "MAINPID=1234",
      "EXTEND_TIMEOUT_USEC=1500000",
      "ERRNO=98",
    ]);
  }),
);

Deno.test(
  "notifyReloading() sends RELOADING=1 with MONOTONIC_USEC from CLOCK_MONOTONIC",
  withReceiver(async (receiver) => {
    const before = monotonicMicroseconds();
    notifyReloading({ env: { NOTIFY_SOCKET: receiver.address } });
    const after = monotonicMicroseconds();
    const match = /^RELOADING=1\nMONOTONIC_USEC=([0-9]+)$/.exec(
      (await receiver.receive()).text,
    );
    assertEquals(match !== null, true);
    const usec = BigInt(match![1]!);
    assertEquals(before <= usec && usec <= after, true);
    // CLOCK_MONOTONIC counts from boot: compare with /proc/uptime (seconds).
    const uptime = Number(
      (await Deno.readTextFile("/proc/uptime")).split(" ")[0],
    );
    assertEquals(Math.abs(Number(usec) / 1e6 - uptime) < 5, true);
  }),
);

Deno.test(
  "notify() passes fds with SCM_RIGHTS: same count, same inodes (N9)",
  withReceiver(async (receiver) => {
    const { statFd } = await import("../_fd_info.ts");
    const { createMemfd, closeFd } = await import("../_notify/fd_store.ts");
    const mine = [createMemfd("a", "1"), createMemfd("b", "2")];
    const received: number[] = [];
    try {
      notify("FDSTORE=1\nFDNAME=foo", {
        env: { NOTIFY_SOCKET: receiver.address },
        fds: mine,
      });
      const datagram = await receiver.receive();
      received.push(...datagram.fds);
      assertEquals(datagram.text, "FDSTORE=1\nFDNAME=foo");
      assertEquals(datagram.fds.length, 2);
      assertFalse(datagram.controlTruncated);
      for (const [i, fd] of datagram.fds.entries()) {
        assertEquals(mine.includes(fd), false);
        assertEquals(statFd(fd).inode, statFd(mine[i]!).inode);
      }
    } finally {
      for (const fd of [...mine, ...received]) closeFd(fd);
    }
  }),
);

Deno.test(
  "notify() sends 253 fds but rejects 254 with E2BIG before sending",
  withReceiver(async (receiver) => {
    const { createMemfd, closeFd } = await import("../_notify/fd_store.ts");
    const fd = createMemfd("many");
    const env = { NOTIFY_SOCKET: receiver.address };
    const received: number[] = [];
    try {
      notify("FDSTORE=1", { env, fds: new Array(NOTIFY_MAX_FDS).fill(fd) });
      const datagram = await receiver.receive();
      received.push(...datagram.fds);
      assertEquals(datagram.fds.length, 253);
      const error = errorOf(() =>
        notify("FDSTORE=1", { env, fds: new Array(254).fill(fd) })
      );
      assertObjectMatch(error, {
        code: "INVALID_ARGUMENT",
        errno: LINUX.E2BIG,
      });
      assertEquals(
        error.message,
        "Cannot notify: 254 fds given but one notification carries at most 253",
      );
      assertEquals(receiver.tryReceive(), undefined);
    } finally {
      for (const f of [fd, ...received]) closeFd(f);
    }
  }),
);

Deno.test("notify() rejects a relative path or empty NOTIFY_SOCKET as EPROTO (N4, N5)", () => {
  for (const value of ["relative/sock", ""]) {
    const error = errorOf(() =>
      notify("READY=1", { env: { NOTIFY_SOCKET: value } })
    );
    assertObjectMatch(error, {
      code: "INVALID_NOTIFY_SOCKET",
      variable: "NOTIFY_SOCKET",
      value,
      errno: LINUX.EPROTO,
    });
    assertEquals(
      error.message,
      `Cannot use NOTIFY_SOCKET: value "${value}" is invalid: not an absolute path, "@name" or "vsock:CID:PORT"`,
    );
  }
});

Deno.test("notify() reports a missing socket as NOTIFY_FAILED with ENOENT (N6)", () => {
  const value = `/nonexistent-${crypto.randomUUID()}/notify.sock`;
  const error = errorOf(() =>
    notify("READY=1", { env: { NOTIFY_SOCKET: value } })
  );
  assertObjectMatch(error, {
    code: "NOTIFY_FAILED",
    variable: "NOTIFY_SOCKET",
    value,
    syscall: "sendmsg",
    errno: LINUX.ENOENT,
  });
  assertMatch(
    error.message,
    /^Cannot notify through NOTIFY_SOCKET ".*": sendmsg failed with ENOENT \(No such file or directory\)$/,
  );
});

Deno.test("notify() rejects an overlong path with ENAMETOOLONG and '@' alone with EINVAL (N11)", () => {
  const long = `/${"x".repeat(108)}`;
  assertObjectMatch(errorOf(() => parseNotifySocket(long)), {
    code: "INVALID_NOTIFY_SOCKET",
    errno: LINUX.ENAMETOOLONG,
    value: long,
  });
  assertObjectMatch(errorOf(() => parseNotifySocket("@")), {
    code: "INVALID_NOTIFY_SOCKET",
    errno: LINUX.EINVAL,
  });
  assertObjectMatch(errorOf(() => parseNotifySocket(`@${"y".repeat(108)}`)), {
    code: "INVALID_NOTIFY_SOCKET",
    errno: LINUX.EINVAL,
  });
  // The longest that fits: 107 bytes plus the NUL / the leading NUL.
  assertEquals(parseNotifySocket(`/${"x".repeat(106)}`).kind, "unix");
  assertEquals(parseNotifySocket(`@${"y".repeat(107)}`).kind, "unix");
});

Deno.test("parseNotifySocket() parses vsock forms and requires a CID (N7)", () => {
  assertEquals(parseNotifySocket("vsock:2:1234"), {
    kind: "vsock",
    type: "any",
    cid: 2,
    port: 1234,
  });
  assertEquals(parseNotifySocket("vsock-stream:3:1"), {
    kind: "vsock",
    type: "stream",
    cid: 3,
    port: 1,
  });
  assertObjectMatch(parseNotifySocket("vsock-dgram:1:2"), { type: "dgram" });
  assertObjectMatch(parseNotifySocket("vsock-seqpacket:1:2"), {
    type: "seqpacket",
  });
  for (const value of ["vsock::1234", "vsock:2", "vsock:2:x", "vsock:01:2"]) {
    assertObjectMatch(errorOf(() => parseNotifySocket(value)), {
      code: "INVALID_NOTIFY_SOCKET",
      errno: LINUX.EINVAL,
      value,
    });
  }
});

Deno.test("notify() reports vsock as unsupported, naming the value", () => {
  const error = errorOf(() =>
    notify("READY=1", { env: { NOTIFY_SOCKET: "vsock:2:1234" } })
  );
  assertObjectMatch(error, { code: "NOTIFY_FAILED", value: "vsock:2:1234" });
  assertMatch(error.message, /vsock addresses are not supported/);
});

Deno.test("notify() validates keys, values and lines before sending", () => {
  const env = { NOTIFY_SOCKET: "/dev/null/never-used" };
  const cases: [Parameters<typeof notify>[0], string][] = [
    [{ STATUS: "a\nb" }, "Cannot notify: value of STATUS contains a newline"],
    [{ STATUS: "a\0b" }, "Cannot notify: value of STATUS contains a NUL byte"],
    [
      { "BAD KEY": "1" },
      `Cannot notify: key "BAD KEY" is not made of letters, digits and "_"`,
    ],
    [
      { "1X": "1" },
      `Cannot notify: key "1X" is not made of letters, digits and "_"`,
    ],
    [
      { "": "1" },
      `Cannot notify: key "" is not made of letters, digits and "_"`,
    ],
    [{ X: NaN }, "Cannot notify: X is NaN"],
    ["READY", `Cannot notify: line "READY" is not a KEY=value assignment`],
    [
      "READY=1\n\nSTATUS=x",
      `Cannot notify: line "" is not a KEY=value assignment`,
    ],
    ["=1", `Cannot notify: line "=1" is not a KEY=value assignment`],
    ["READY=1\0", "Cannot notify: message contains a NUL byte"],
  ];
  for (const [state, message] of cases) {
    const error = errorOf(() => notify(state, { env }));
    assertEquals(error.code, "INVALID_ARGUMENT");
    assertEquals(error.message, message);
  }
  assertEquals(
    errorOf(() => notifyStatus("two\nlines", { env })).code,
    "INVALID_ARGUMENT",
  );
  assertEquals(
    errorOf(() => notifyMainPid(0, { env })).code,
    "INVALID_ARGUMENT",
  );
  assertEquals(
    errorOf(() => notifyExtendTimeout(-1, { env })).code,
    "INVALID_ARGUMENT",
  );
  assertEquals(
    errorOf(() => notify("X=1", { env, fds: [-1] })).code,
    "INVALID_ARGUMENT",
  );
});

Deno.test(
  "notify() accepts a trailing newline and sends it verbatim",
  withReceiver(async (receiver) => {
    notify("READY=1\n", { env: { NOTIFY_SOCKET: receiver.address } });
    assertEquals((await receiver.receive()).text, "READY=1\n");
  }),
);

Deno.test({
  name:
    "notify() with unsetEnvironment removes NOTIFY_SOCKET, also on failure (N8)",
  fn: withReceiver(async (receiver) => {
    const saved = Deno.env.get("NOTIFY_SOCKET");
    try {
      Deno.env.set("NOTIFY_SOCKET", receiver.address);
      assertEquals(notifyStopping({ unsetEnvironment: true }), true);
      assertEquals((await receiver.receive()).text, "STOPPING=1");
      assertEquals(Deno.env.get("NOTIFY_SOCKET"), undefined);
      assertFalse(notifyReady());

      Deno.env.set("NOTIFY_SOCKET", "relative");
      assertThrows(
        () => notifyReady({ unsetEnvironment: true }),
        ListenFdsError,
      );
      assertEquals(Deno.env.get("NOTIFY_SOCKET"), undefined);

      // Without the option the variable stays.
      Deno.env.set("NOTIFY_SOCKET", receiver.address);
      notifyReady();
      assertEquals(Deno.env.get("NOTIFY_SOCKET"), receiver.address);
      receiver.drain();
    } finally {
      if (saved === undefined) Deno.env.delete("NOTIFY_SOCKET");
      else Deno.env.set("NOTIFY_SOCKET", saved);
    }
  }),
});

Deno.test("notify() names the missing permission without --allow-env", {
  permissions: { env: false, ffi: true },
}, () => {
  const error = errorOf(() => notifyReady());
  assertObjectMatch(error, {
    code: "PERMISSION_REQUIRED",
    variable: "NOTIFY_SOCKET",
  });
  assertEquals(
    error.message,
    "Cannot read NOTIFY_SOCKET: run again with --allow-env=NOTIFY_SOCKET",
  );
});

Deno.test(
  "notify() leaves no fd open behind it",
  withReceiver(async (receiver) => {
    const before = openFds("self").size;
    let received = 0;
    for (let i = 0; i < 50; i++) {
      notifyReady({ env: { NOTIFY_SOCKET: receiver.address } });
      // Drain at once: a full queue (net.unix.max_dgram_qlen) blocks sendmsg.
      received += receiver.drain().length;
      try {
        notifyReady({ env: { NOTIFY_SOCKET: "/nonexistent/x.sock" } });
      } catch {
        // expected
      }
    }
    const after = openFds("self").size;
    assertEquals(after, before);
    assertEquals(received, 50);
    await Promise.resolve();
  }),
);

/**
 * Runs `script` in a Deno whose environment has `name` set to `bytes`
 * (python3 sets the bytes and execs Deno: `Deno.Command` takes strings).
 */
async function withRawVariable(
  name: string,
  bytes: number[],
  script: string,
): Promise<string> {
  const python = [
    "import os, sys",
    `os.environb[b"${name}"] = bytes(${JSON.stringify(bytes)})`,
    "os.execv(sys.argv[1], sys.argv[1:])",
  ].join("\n");
  const { code, stdout, stderr } = await new Deno.Command("python3", {
    args: ["-c", python, Deno.execPath(), "eval", script],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assertEquals(code, 0, decoder.decode(stderr));
  return decoder.decode(stdout).trim();
}

for (
  const [name, code, call] of [
    ["NOTIFY_SOCKET", "INVALID_NOTIFY_SOCKET", "notifyReady()"],
    ["WATCHDOG_USEC", "INVALID_WATCHDOG_USEC", "watchdogInterval()"],
    ["WATCHDOG_PID", "INVALID_WATCHDOG_PID", "watchdogInterval()"],
  ] as const
) {
  Deno.test(`${call} names ${name} and its bytes when they are not UTF-8`, async () => {
    const script = `
      import { notifyReady } from "./_notify/notify.ts";
      import { watchdogInterval } from "./_notify/watchdog.ts";
      ${
      name === "WATCHDOG_PID" ? 'Deno.env.set("WATCHDOG_USEC", "1000000");' : ""
    }
      try {
        ${call};
        console.log("no error");
      } catch (e) {
        console.log(JSON.stringify({ name: e.name, code: e.code, variable: e.variable, value: e.value, message: e.message }));
      }`;
    const output = await withRawVariable(name, [0x31, 0xff, 0x32], script);
    assertEquals(JSON.parse(output), {
      name: "ListenFdsError",
      code,
      variable: name,
      value: "1\\xff2",
      message: `Cannot parse ${name}: value "1\\xff2" is not valid UTF-8`,
    });
  });
}

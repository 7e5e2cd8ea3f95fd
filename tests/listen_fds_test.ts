/**
 * ListenFds (listen_fds.ts): bookkeeping on fds made "inherited" in this process
 * (duplicated high up, left without FD_CLOEXEC, described by an injected env),
 * and fromEnv() in real child processes that inherited real fds, laid out by
 * an independent launcher (tests/fixtures/exec_with_fds.py).
 */
import {
  assert,
  assertArrayIncludes,
  assertEquals,
  assertMatch,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { ListenFds, ListenFdsError } from "../mod.ts";
import { inspectFd } from "../_fd_info.ts";
import { bindLibc, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { join } from "@std/path";
import { closedFd, DENO, openFds, ROOT } from "./support/helpers.ts";

// Bound once for the whole file: the library stays open by design, which the
// resource sanitizer of some Deno versions would report inside a test.
bindLibc();

/**
 * The first of `count` consecutive fds at or above 700 that are all closed
 * now: dup2() onto them clobbers nothing the test runner inherited.
 */
function closedRange(count: number): number {
  const open = openFds("self");
  let first = 700;
  for (let fd = first; fd < first + count; fd++) {
    if (open.has(fd)) first = fd + 1;
  }
  return first;
}

/** Duplicates fresh fds to consecutive numbers, not close-on-exec. */
function inherit(kinds: ("tcp" | "udp" | "pipe")[]): {
  firstFd: number;
  close(): void;
} {
  const c = libc();
  const firstFd = closedRange(kinds.length);
  const sources: { close(): void }[] = [];
  kinds.forEach((kind, i) => {
    let source: number;
    if (kind === "pipe") {
      const pair = new Int32Array(2);
      c.pipe2!(new Uint8Array(pair.buffer), LINUX.O_CLOEXEC);
      source = pair[0]!;
      c.close(pair[1]!);
      sources.push({ close: () => c.close(source) });
    } else {
      source = c.socket(
        LINUX.AF_INET,
        (kind === "tcp" ? LINUX.SOCK_STREAM : LINUX.SOCK_DGRAM) |
          LINUX.SOCK_CLOEXEC,
        0,
      );
      sources.push({ close: () => c.close(source) });
    }
    // dup2 leaves the copy without FD_CLOEXEC, as after an exec.
    if (c.dup2(source, firstFd + i) !== firstFd + i) throw new Error("dup2");
  });
  return {
    firstFd,
    close(): void {
      sources.forEach((s) => s.close());
      kinds.forEach((_, i) => c.close(firstFd + i));
    },
  };
}

function fdsFor(
  kinds: ("tcp" | "udp" | "pipe")[],
  names?: string,
): { fds: ListenFds; firstFd: number; close(): void } {
  const layout = inherit(kinds);
  const env: Record<string, string> = {
    LISTEN_FDS: String(kinds.length),
    LISTEN_FDS_FIRST_FD: String(layout.firstFd),
    LISTEN_PID: String(Deno.pid),
  };
  if (names !== undefined) env.LISTEN_FDNAMES = names;
  return { fds: ListenFds.fromEnv({ env }), ...layout };
}

Deno.test("ListenFds.take() hands each fd over once", () => {
  const { fds, firstFd, close } = fdsFor(["tcp", "udp"], "web:dns");
  try {
    assertEquals(fds.take(1), { fd: firstFd + 1, name: "dns" });
    assertEquals(fds.take(1), undefined);
    assertEquals(fds.take(0), { fd: firstFd, name: "web" });
    assertEquals(fds.length, 2);
    assertEquals(fds.names, ["web", "dns"]);
  } finally {
    close();
  }
});

Deno.test("ListenFds.take() returns undefined out of range", () => {
  const { fds, close } = fdsFor(["tcp"]);
  try {
    assertEquals(fds.take(-1), undefined);
    assertEquals(fds.take(1), undefined);
    assertEquals(fds.take(0.5), undefined);
    assertEquals(fds.take(Number.NaN), undefined);
    assertEquals(fds.borrow(7), undefined);
  } finally {
    close();
  }
});

Deno.test("ListenFds.borrow() leaves the fd in the set", () => {
  const { fds, firstFd, close } = fdsFor(["tcp"], "web");
  try {
    assertEquals(fds.borrow(0), { fd: firstFd, name: "web" });
    assertEquals(fds.borrow(0), { fd: firstFd, name: "web" });
    assertEquals(fds.take(0)?.fd, firstFd);
    assertEquals(fds.borrow(0), undefined);
  } finally {
    close();
  }
});

Deno.test("ListenFds.takeByName() takes every untaken fd with the name", () => {
  const { fds, firstFd, close } = fdsFor(["tcp", "udp", "tcp"], "web:dns:web");
  try {
    assertEquals(fds.indexOf("web"), 0);
    assertEquals(fds.takeByName("web"), [
      { fd: firstFd, name: "web" },
      { fd: firstFd + 2, name: "web" },
    ]);
    assertEquals(fds.takeByName("web"), []);
    assertEquals(fds.indexOf("web"), -1);
    assertEquals(fds.takeByName("nope"), []);
    assertEquals(fds.take(1)?.name, "dns");
  } finally {
    close();
  }
});

Deno.test("ListenFds.takeByName() finds unnamed fds as unknown", () => {
  const { fds, close } = fdsFor(["tcp", "tcp"]);
  try {
    assertEquals(fds.names, ["unknown", "unknown"]);
    assertEquals(fds.takeByName("unknown").length, 2);
  } finally {
    close();
  }
});

Deno.test("ListenFds.names is frozen", () => {
  const { fds, close } = fdsFor(["tcp"], "web");
  try {
    assertThrows(() => (fds.names as string[]).push("x"), TypeError);
  } finally {
    close();
  }
});

Deno.test("ListenFds.inspect() describes untaken fds only", () => {
  const { fds, firstFd, close } = fdsFor(["udp", "pipe"]);
  try {
    assertEquals(fds.inspect(0)?.socket?.type, "dgram");
    assertEquals(fds.inspect(0)?.closeOnExec, true);
    assertEquals(fds.inspect(1)?.kind, "fifo");
    fds.take(1);
    assertEquals(fds.inspect(1), undefined);
    assertEquals(inspectFd(firstFd + 1).kind, "fifo");
  } finally {
    close();
  }
});

Deno.test("ListenFds.fromEnv() with an injected env is a private set", () => {
  const a = fdsFor(["tcp"]);
  const b = fdsFor(["tcp"]);
  try {
    assertEquals(a.fds === b.fds, false);
    assertEquals(a.fds.take(0)?.fd, a.firstFd);
    assertEquals(b.fds.borrow(0)?.fd, b.firstFd);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("ListenFds.fromEnv() refuses fds a previous set made close-on-exec", () => {
  const a = fdsFor(["tcp"]);
  try {
    const error = assertThrows(
      () =>
        ListenFds.fromEnv({
          env: { LISTEN_FDS: "1", LISTEN_FDS_FIRST_FD: String(a.firstFd) },
        }),
      ListenFdsError,
      `Cannot use fd ${a.firstFd} from LISTEN_FDS: it is close-on-exec`,
    );
    assertStrictEquals(error.code, "FD_NOT_INHERITED");
  } finally {
    a.close();
  }
});

Deno.test("ListenFds.fromEnv() compares LISTEN_PID with options.pid", () => {
  const error = assertThrows(
    () =>
      ListenFds.fromEnv({
        env: { LISTEN_FDS: "1", LISTEN_PID: "5" },
        pid: 6,
      }),
    ListenFdsError,
    'Cannot use LISTEN_PID: value is "5" but this process is 6',
  );
  assertEquals(error.code, "PID_MISMATCH");
});

Deno.test("inspectFd() names a closed fd", () => {
  const fd = closedFd();
  const error = assertThrows(
    () => inspectFd(fd),
    ListenFdsError,
    `Cannot inspect fd ${fd}: fcntl failed with EBADF (Bad file descriptor)`,
  );
  assertEquals(error.code, "FD_NOT_OPEN");
  assertEquals(error.fd, fd);
});

const LAUNCHER = join(ROOT, "tests", "fixtures", "exec_with_fds.py");
const SERVICE = join(ROOT, "tests", "fixtures", "services", "report_env.ts");

interface FdState {
  open: boolean;
  cloexec?: boolean;
}

interface Report {
  pid: number;
  before: FdState[];
  after: FdState[];
  links: (string | null)[];
  inspected?: string;
  length?: number;
  names?: string[];
  verification?: { pid: string; pidfdId: string; reason?: string };
  // deno-lint-ignore no-explicit-any
  fds?: any[];
  sameSet?: boolean;
  openFdsBefore?: number;
  openFdsAfter?: number;
  takenOnce?: number;
  takenAgain?: unknown;
  error?: {
    name: string;
    code: string;
    message: string;
    variable?: string;
    value?: string;
    fd?: number;
  };
  secondCall?: string;
  env: Record<string, string | null>;
  childFds?: string[];
}

interface Layout {
  fds?: string[];
  first?: number;
  env?: Record<string, string>;
}

/** Asserts that a child of the service inherited none of these fds. */
function assertNotInherited(report: Report, links: (string | null)[]): void {
  assert(report.childFds!.length >= 3, "the child listing is empty");
  for (const link of links) {
    assert(link !== null, "the fd was not open before fromEnv()");
    for (const line of report.childFds!) {
      assert(!line.endsWith(` ${link}`), `child inherited ${line}`);
    }
  }
}

async function activate(
  layout: Layout,
  options: { args?: string[]; flags?: string[] } = {},
): Promise<Report> {
  // Where the launcher makes Unix sockets, fifos and files.
  const dir = await Deno.makeTempDir({ prefix: "listen-fds-test-" });
  const spec = {
    ...layout,
    dir,
    // Whatever the runner's own environment holds.
    unset: [
      "LISTEN_PID",
      "LISTEN_FDS",
      "LISTEN_FDNAMES",
      "LISTEN_PIDFDID",
      "LISTEN_FDS_FIRST_FD",
    ],
  };
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("python3", {
      args: [
        LAUNCHER,
        JSON.stringify(spec),
        DENO,
        "run",
        ...(options.flags ?? ["-A"]),
        SERVICE,
        ...(options.args ?? []),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const { code, stdout, stderr } = output;
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) {
    throw new Error(
      `service exited ${code}: ${text}${new TextDecoder().decode(stderr)}`,
    );
  }
  return JSON.parse(text);
}

const ALL_VARIABLES_UNSET = {
  LISTEN_PID: null,
  LISTEN_PIDFDID: null,
  LISTEN_FDS: null,
  LISTEN_FDNAMES: null,
  LISTEN_FDS_FIRST_FD: null,
};

Deno.test("ListenFds.fromEnv() returns an empty set when not activated", async () => {
  const report = await activate({});
  assertEquals(report.length, 0);
  assertEquals(report.names, []);
  assertEquals(report.verification, { pid: "absent", pidfdId: "absent" });
});

Deno.test("ListenFds.fromEnv() needs no FFI when not activated", async () => {
  const report = await activate({}, { flags: ["--allow-env", "--allow-read"] });
  assertEquals(report.length, 0);
  assertEquals(report.error, undefined);
});

Deno.test("ListenFds.fromEnv() adopts an inherited TCP listener", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "1", LISTEN_PID: "{pid}" },
  }, { args: ["--child"] });
  assertEquals(report.error, undefined);
  assertEquals(report.length, 1);
  assertEquals(report.names, ["unknown"]);
  assertEquals(report.verification?.pid, "verified");
  assertEquals(report.before, [{ open: true, cloexec: false }]);
  assertEquals(report.after, [{ open: true, cloexec: true }]);
  assertEquals(report.fds?.[0].kind, "socket");
  assertEquals(report.fds?.[0].socket.family, "inet");
  assertEquals(report.fds?.[0].socket.listening, true);
  assertEquals(report.env, ALL_VARIABLES_UNSET);
  // The child inherits none of the passed fds.
  const socket = `socket:[${report.fds?.[0].inode}]`;
  assert(report.childFds!.length >= 3, "the child listing is empty");
  for (const line of report.childFds!) {
    assert(!line.endsWith(socket), `child inherited ${line}`);
  }
});

Deno.test("ListenFds.fromEnv() names and inspects every kind of fd", async () => {
  const report = await activate({
    fds: [
      "tcp",
      "tcp6",
      "unix",
      "udp",
      "unix-dgram",
      "conn",
      "fifo",
      "file",
      "chardev",
    ],
    env: {
      LISTEN_FDS: "9",
      LISTEN_PID: "{pid}",
      LISTEN_FDNAMES: "web:web6:sock:dns:log:conn:fifo:state:null",
    },
  });
  assertEquals(report.error, undefined);
  assertEquals(report.names, [
    "web",
    "web6",
    "sock",
    "dns",
    "log",
    "conn",
    "fifo",
    "state",
    "null",
  ]);
  const fds = report.fds!;
  const summary = fds.map((info) =>
    info.socket
      ? `${info.kind}/${info.socket.family}/${info.socket.type}/${info.socket.listening}`
      : `${info.kind}/${info.access}`
  );
  assertEquals(summary, [
    "socket/inet/stream/true",
    "socket/inet6/stream/true",
    "socket/unix/stream/true",
    "socket/inet/dgram/false",
    "socket/unix/dgram/false",
    "socket/inet/stream/false",
    "fifo/read",
    "file/read-write",
    "character-device/read-write",
  ]);
  assertEquals(fds[1].socket.address.hostname, "::1");
  assertMatch(fds[2].socket.address.path, /s\d+\.sock$/);
  assertEquals(fds[5].socket.peer.hostname, "127.0.0.1");
  assert(report.after.every((s) => s.cloexec === true));
});

Deno.test("ListenFds.fromEnv() shares one set per process and takes once", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "1", LISTEN_PID: "{pid}" },
  });
  assertEquals(report.sameSet, true);
  assertEquals(report.takenOnce, 3);
  assertEquals(report.takenAgain, null);
});

Deno.test("ListenFds.fromEnv() keeps the variables with unsetEnv: false", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "1", LISTEN_PID: "{pid}", LISTEN_FDNAMES: "a" },
  }, { args: ["--keep-env"] });
  assertEquals(report.env.LISTEN_FDS, "1");
  assertEquals(report.env.LISTEN_FDNAMES, "a");
  assertEquals(report.env.LISTEN_PID, String(report.pid));
});

Deno.test("ListenFds.fromEnv() rejects another process's LISTEN_PID and leaves its fd to no child", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "1", LISTEN_PID: "{pid+1}" },
  }, { args: ["--child"] });
  assertEquals(report.error?.code, "PID_MISMATCH");
  assertEquals(report.error?.variable, "LISTEN_PID");
  assertStringIncludes(report.error!.message, "wrapper that forks");
  assertEquals(report.before, [{ open: true, cloexec: false }]);
  assertEquals(report.after, [{ open: true, cloexec: true }]);
  assertNotInherited(report, report.links);
  assertEquals(report.secondCall, "same error");
  assertEquals(report.env, ALL_VARIABLES_UNSET);
});

Deno.test("ListenFds.fromEnv() verifies LISTEN_PIDFDID", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "1", LISTEN_PID: "{pid}", LISTEN_PIDFDID: "{pidfdid}" },
  });
  assertEquals(report.error, undefined);
  assertEquals(report.verification, { pid: "verified", pidfdId: "verified" });
  // The pidfd opened for the check is closed again: no fd leaks.
  assertEquals(report.openFdsAfter, report.openFdsBefore);
});

Deno.test("ListenFds.fromEnv() rejects another process's LISTEN_PIDFDID", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: {
      LISTEN_FDS: "1",
      LISTEN_PID: "{pid}",
      LISTEN_PIDFDID: "{pidfdid+1}",
    },
  });
  assertEquals(report.error?.code, "PIDFDID_MISMATCH");
  assertEquals(report.error?.variable, "LISTEN_PIDFDID");
  assertEquals(report.after, [{ open: true, cloexec: true }]);
});

Deno.test("ListenFds.fromEnv() checks LISTEN_PIDFDID without LISTEN_PID", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "1", LISTEN_PIDFDID: "{pidfdid+1}" },
  });
  assertEquals(report.error?.code, "PIDFDID_MISMATCH");
});

Deno.test("ListenFds.fromEnv() names a closed fd in the range and leaves the others to no child", async () => {
  // Above the fds the Deno runtime opens at start-up, a gap stays closed.
  const report = await activate({
    fds: ["tcp", "closed", "tcp"],
    first: 60,
    env: { LISTEN_FDS: "3", LISTEN_PID: "{pid}", LISTEN_FDS_FIRST_FD: "60" },
  }, { args: ["--child"] });
  assertEquals(report.error?.code, "FD_NOT_OPEN");
  assertEquals(report.error?.fd, 61);
  assertEquals(report.error?.variable, "LISTEN_FDS");
  assertEquals(
    report.error?.message,
    "Cannot use fd 61 from LISTEN_FDS: it is not open: fcntl failed with EBADF (Bad file descriptor)",
  );
  assertEquals(report.before[0], { open: true, cloexec: false });
  assertEquals(report.after, [
    { open: true, cloexec: true },
    { open: false },
    { open: true, cloexec: true },
  ]);
  assertNotInherited(report, [report.links[0]!, report.links[2]!]);
});

Deno.test("ListenFds.fromEnv() refuses a closed fd that the runtime reused and leaves the others to no child", async () => {
  // A closed fd 4 is taken by Deno itself at start-up, before any module runs.
  const report = await activate({
    fds: ["tcp", "closed", "tcp"],
    env: { LISTEN_FDS: "3", LISTEN_PID: "{pid}" },
  }, { args: ["--child"] });
  assertEquals(report.error?.code, "FD_NOT_INHERITED");
  assertEquals(report.error?.fd, 4);
  assertEquals(report.error?.variable, "LISTEN_FDS");
  assertEquals(report.before[0], { open: true, cloexec: false });
  assertEquals(report.before[2], { open: true, cloexec: false });
  assertEquals(report.after[0], { open: true, cloexec: true });
  assertEquals(report.after[2], { open: true, cloexec: true });
  assertNotInherited(report, [report.links[0]!, report.links[2]!]);
});

Deno.test("ListenFds.fromEnv() refuses an fd that was not inherited", async () => {
  const report = await activate({
    fds: ["tcp", "cloexec"],
    env: { LISTEN_FDS: "2", LISTEN_PID: "{pid}" },
  });
  assertEquals(report.error?.code, "FD_NOT_INHERITED");
  assertEquals(report.error?.fd, 4);
  assertEquals(report.after, [
    { open: true, cloexec: true },
    { open: true, cloexec: true },
  ]);
});

Deno.test("ListenFds.fromEnv() blames LISTEN_FDS_FIRST_FD for a range past the last fd and leaves the fds to no child", async () => {
  const report = await activate({
    fds: ["tcp", "tcp"],
    env: {
      LISTEN_FDS: "2",
      LISTEN_PID: "{pid}",
      LISTEN_FDS_FIRST_FD: "2147483647",
      REPORT_RANGE: "3:2",
    },
  });
  assertEquals(report.error?.code, "INVALID_LISTEN_FDS_FIRST_FD");
  assertEquals(report.error?.variable, "LISTEN_FDS_FIRST_FD");
  assertEquals(report.error?.value, "2147483647");
  // The fds at 3 and 4 are not the announced range: untouched.
  assertEquals(report.after, report.before);
});

// Non-UTF-8 bytes: the JSON strings carry them as lone surrogates, which
// exec_with_fds.py turns back into bytes (surrogateescape): "\udcff" is 0xff.

Deno.test("ListenFds.fromEnv() accepts LISTEN_FDNAMES that are not UTF-8, as libsystemd does", async () => {
  const report = await activate({
    fds: ["tcp", "tcp"],
    env: {
      LISTEN_FDS: "2",
      LISTEN_PID: "{pid}",
      LISTEN_FDNAMES: "w\udcffb:ok",
    },
  });
  assertEquals(report.error, undefined);
  assertEquals(report.names, ["w\ufffdb", "ok"]);
  assertEquals(report.after, [
    { open: true, cloexec: true },
    { open: true, cloexec: true },
  ]);
  assertEquals(report.env, ALL_VARIABLES_UNSET);
});

for (
  const [variable, value, shown] of [
    ["LISTEN_FDS", "1\udcff", "1\\xff"],
    ["LISTEN_PID", "\udcff", "\\xff"],
    ["LISTEN_PIDFDID", "7\udcfe", "7\\xfe"],
    ["LISTEN_FDS_FIRST_FD", "\udcc3", "\\xc3"],
  ] as const
) {
  Deno.test(`ListenFds.fromEnv() names ${variable} when its bytes are not UTF-8, and leaves the fd to no child`, async () => {
    const env: Record<string, string> = {
      LISTEN_FDS: "1",
      LISTEN_PID: "{pid}",
      REPORT_RANGE: "3:1",
    };
    env[variable] = value;
    const report = await activate({ fds: ["tcp"], env }, { args: ["--child"] });
    assertEquals(report.error?.name, "ListenFdsError");
    assertEquals(report.error?.code, `INVALID_${variable}`);
    assertEquals(report.error?.variable, variable);
    assertEquals(report.error?.value, shown);
    assertStringIncludes(report.error!.message, `"${shown}"`);
    assertEquals(report.before, [{ open: true, cloexec: false }]);
    if (variable !== "LISTEN_FDS" && variable !== "LISTEN_FDS_FIRST_FD") {
      // The range is known: its fd goes to no child.
      assertEquals(report.after, [{ open: true, cloexec: true }]);
      assertNotInherited(report, report.links);
    }
    assertEquals(report.env, ALL_VARIABLES_UNSET);
  });
}

Deno.test("ListenFds.fromEnv() is not activated by LISTEN_* bytes that are not UTF-8 without LISTEN_FDS", async () => {
  const report = await activate({
    env: {
      LISTEN_PID: "\udcff",
      LISTEN_FDNAMES: "\udcff",
      LISTEN_PIDFDID: "\udcff",
      LISTEN_FDS_FIRST_FD: "\udcff",
    },
  }, { flags: ["--allow-env", "--allow-read"] });
  assertEquals(report.error, undefined);
  assertEquals(report.length, 0);
  assertEquals(report.env, ALL_VARIABLES_UNSET);
});

Deno.test("ListenFds.fromEnv() leaves Deno's own fds alone under a stray LISTEN_FDS", async () => {
  // Nothing inherited: fds 3.. are the runtime's epoll, eventfd and sockets.
  const report = await activate({
    env: { LISTEN_FDS: "6", LISTEN_PID: "{pid}" },
  });
  assertEquals(report.error?.code, "FD_NOT_INHERITED");
  assertEquals(report.error?.fd, 3);
});

Deno.test("ListenFds.fromEnv() makes the fds close-on-exec even when names mismatch", async () => {
  const report = await activate({
    fds: ["tcp", "udp"],
    env: { LISTEN_FDS: "2", LISTEN_PID: "{pid}", LISTEN_FDNAMES: "only-one" },
  });
  assertEquals(report.error?.code, "FDNAMES_COUNT_MISMATCH");
  assertEquals(report.after, [{ open: true, cloexec: true }, {
    open: true,
    cloexec: true,
  }]);
  assertEquals(report.env, ALL_VARIABLES_UNSET);
});

Deno.test("ListenFds.fromEnv() honours LISTEN_FDS_FIRST_FD", async () => {
  const report = await activate({
    fds: ["tcp", "unix"],
    first: 10,
    env: { LISTEN_FDS: "2", LISTEN_FDS_FIRST_FD: "10", LISTEN_FDNAMES: "a:b" },
  });
  assertEquals(report.error, undefined);
  assertEquals(report.fds?.map((f) => f.fd), [10, 11]);
  assertEquals(report.verification?.pid, "absent");
  assertEquals(report.env, ALL_VARIABLES_UNSET);
});

Deno.test("ListenFds.fromEnv() reports a malformed variable with its value", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "010", LISTEN_PID: "{pid}" },
  });
  assertEquals(report.error?.code, "INVALID_LISTEN_FDS");
  assertEquals(report.error?.value, "010");
  assertEquals(report.after[0], { open: true, cloexec: false });
  assertEquals(report.env, ALL_VARIABLES_UNSET);
});

Deno.test("ListenFds.fromEnv() asks for --allow-ffi once activated", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "1", LISTEN_PID: "{pid}" },
  }, { flags: ["--allow-env", "--allow-read"] });
  assertEquals(report.error?.code, "PERMISSION_REQUIRED");
  assertStringIncludes(report.error!.message, "--allow-ffi");
});

Deno.test("ListenFds.fromEnv() asks for --allow-env with the exact variables", async () => {
  const report = await activate({
    fds: ["tcp"],
    env: { LISTEN_FDS: "1", LISTEN_PID: "{pid}" },
  }, {
    flags: [
      "--allow-read",
      "--allow-ffi",
      "--allow-env=LISTEN_FDS_FIRST_FD,LISTEN_FDS",
    ],
  });
  assertEquals(report.error?.code, "PERMISSION_REQUIRED");
  assertStringIncludes(
    report.error!.message,
    "--allow-env=LISTEN_PID,LISTEN_PIDFDID,LISTEN_FDS,LISTEN_FDNAMES,LISTEN_FDS_FIRST_FD",
  );
  assertArrayIncludes([report.error?.variable], ["LISTEN_PID"]);
});

// ---- Choosing the fd of a hand-off, and the fallback to binding.

const HOST = { hostname: "127.0.0.1", port: 0 } as const;
const ok = (): Response => new Response("ok");

Deno.test("ListenFds.serve() names the selector and the names when an activated process has no such fd, and binds nothing", () => {
  const { fds, close } = fdsFor(["tcp"]);
  try {
    const error = assertThrows(
      () => fds.serve({ name: "http", ...HOST, handler: ok }),
      ListenFdsError,
      'Cannot serve HTTP: no untaken fd named "http" in ["unknown"]',
    );
    assertEquals(error.code, "FD_NOT_FOUND");
    assertEquals(error.value, "http");
    assertStringIncludes(error.message, "FileDescriptorName=");
    assertStringIncludes(error.message, "--fdname");
    assertEquals(fds.borrow(0) !== undefined, true);
  } finally {
    close();
  }
});

Deno.test("ListenFds.listen() refuses a misspelt name in an activated process instead of binding", () => {
  const { fds, close } = fdsFor(["tcp", "tcp"], "web:admin");
  try {
    const error = assertThrows(
      () => fds.listen({ name: "admn", ...HOST }),
      ListenFdsError,
      'Cannot listen: no untaken fd named "admn" in ["web", "admin"]',
    );
    assertEquals(error.code, "FD_NOT_FOUND");
  } finally {
    close();
  }
});

Deno.test("ListenFds.serve() and listen() refuse a taken fd or an index out of range instead of binding", () => {
  const { fds, close } = fdsFor(["tcp"], "web");
  try {
    const index = assertThrows(
      () => fds.listen({ index: 1, ...HOST }),
      ListenFdsError,
      "Cannot listen: no untaken fd at index 1 of 1",
    );
    assertEquals(index.code, "FD_NOT_FOUND");
    fds.take(0);
    const taken = assertThrows(
      () => fds.serve({ name: "web", ...HOST, handler: ok }),
      ListenFdsError,
      'Cannot serve HTTP: no untaken fd named "web" in ["web" (taken)]',
    );
    assertEquals(taken.code, "FD_NOT_FOUND");
    const omitted = assertThrows(
      () => fds.listen({ ...HOST }),
      ListenFdsError,
      "no untaken fd at index 0 of 1",
    );
    assertEquals(omitted.code, "FD_NOT_FOUND");
  } finally {
    close();
  }
});

Deno.test("ListenFds.serve() without a name needs one fd: with several it asks for a name or index", () => {
  const { fds, firstFd, close } = fdsFor(["tcp", "tcp"], "web:admin");
  try {
    const error = assertThrows(
      () => fds.serve({ ...HOST, handler: ok }),
      ListenFdsError,
      'Cannot serve HTTP: 2 fds were passed (["web", "admin"]) and neither name nor index chooses one',
    );
    assertEquals(error.code, "FD_NOT_FOUND");
    // With one fd, no name means that fd (here a socket that is not
    // listening, so the hand-off itself refuses it: nothing is bound).
    const one = fdsFor(["tcp"], "web.socket");
    try {
      const wrong = assertThrows(
        () => one.fds.listen({ ...HOST }),
        ListenFdsError,
      );
      assertEquals(wrong.code, "WRONG_FD_TYPE");
      assertEquals(wrong.fd, one.firstFd);
    } finally {
      one.close();
    }
    assertEquals(fds.borrow(0)?.fd, firstFd);
  } finally {
    close();
  }
});

Deno.test("ListenFds.serve() binds its own address only when the process was not activated", async () => {
  const fds = ListenFds.fromEnv({ env: {} });
  const server = fds.serve({ ...HOST, onListen(): void {}, handler: ok });
  try {
    const { port } = server.addr as Deno.NetAddr;
    assert(port > 0);
    const response = await fetch(`http://127.0.0.1:${port}/`);
    assertEquals(await response.text(), "ok");
  } finally {
    await server.shutdown();
  }
  const listener = fds.listen({ ...HOST });
  listener.close();
});

Deno.test("ListenFds.serve() and listen() with fallback: false demand activation", () => {
  const fds = ListenFds.fromEnv({ env: {} });
  const served = assertThrows(
    () => fds.serve({ ...HOST, fallback: false, handler: ok }),
    ListenFdsError,
    "Cannot serve HTTP with fallback: false: the process was not socket-activated (LISTEN_FDS is not set)",
  );
  assertEquals(served.code, "NOT_ACTIVATED");
  const listened = assertThrows(
    () => fds.listen({ name: "web", fallback: false }),
    ListenFdsError,
    "Cannot listen with fallback: false: the process was not socket-activated",
  );
  assertEquals(listened.code, "NOT_ACTIVATED");
});

Deno.test("ListenFds.takeListener() says the process was not activated at all", () => {
  const error = assertThrows(
    () => ListenFds.fromEnv({ env: {} }).takeListener("web"),
    ListenFdsError,
    "Cannot take a listener: the process was not socket-activated (LISTEN_FDS is not set)",
  );
  assertEquals(error.code, "NOT_ACTIVATED");
});

Deno.test("Deno.inspect() shows a ListenFds's length, names and taken fds", () => {
  const { fds, firstFd, close } = fdsFor(["tcp", "udp"], "web:dns");
  try {
    fds.take(1);
    assertEquals(
      Deno.inspect(fds),
      `ListenFds(2) ${
        Deno.inspect([
          { fd: firstFd, name: "web", taken: false },
          { fd: firstFd + 1, name: "dns", taken: true },
        ])
      }`,
    );
    assertEquals(
      Deno.inspect(ListenFds.fromEnv({ env: {} })),
      "ListenFds(0) []",
    );
  } finally {
    close();
  }
});

Deno.test("ListenFds.fromEnv() refuses options that differ from the first call's", () => {
  // The test process is not activated: the shared set is empty.
  const first = ListenFds.fromEnv();
  assertStrictEquals(
    ListenFds.fromEnv({ unsetEnv: true, pid: Deno.pid }),
    first,
  );
  const error = assertThrows(
    () => ListenFds.fromEnv({ unsetEnv: false }),
    ListenFdsError,
    "Cannot read the environment with unsetEnv: false: ListenFds.fromEnv() already read it with unsetEnv: true",
  );
  assertEquals(error.code, "INVALID_ARGUMENT");
  assertThrows(
    () => ListenFds.fromEnv({ pid: Deno.pid + 1 }),
    ListenFdsError,
    `already read it with pid: ${Deno.pid}`,
  );
});

/**
 * ListenFds in this process, on fds made "inherited" for the test: duplicated
 * high up and left without FD_CLOEXEC, then described with an injected env.
 */
import { assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { inspectFd, ListenFds, ListenFdsError } from "../mod.ts";
import { bindLibc, libc, LINUX } from "../ffi.ts";

// Bound once for the whole file: the library stays open by design, which the
// resource sanitizer of some Deno versions would report inside a test.
bindLibc();

let nextFd = 700;

/** Duplicates fresh fds to consecutive numbers, not close-on-exec. */
function inherit(kinds: ("tcp" | "udp" | "pipe")[]): {
  firstFd: number;
  close(): void;
} {
  const c = libc();
  const firstFd = nextFd;
  nextFd += kinds.length + 5;
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
  const error = assertThrows(
    () => inspectFd(650),
    ListenFdsError,
    "Cannot inspect fd 650: fcntl failed with EBADF (Bad file descriptor)",
  );
  assertEquals(error.code, "FD_NOT_OPEN");
  assertEquals(error.fd, 650);
});

import {
  assertEquals,
  assertInstanceOf,
  assertNotEquals,
  assertObjectMatch,
  assertThrows,
} from "@std/assert";
import { ListenFdsError } from "../_errors.ts";
import { inspectFd, statFd } from "../_fd_info.ts";
import {
  closeFd,
  createMemfd,
  readMemfd,
  removeStoredFds,
  storeFds,
} from "../_notify/fd_store.ts";
import { NotifyReceiver } from "./support/notify_receiver.ts";
import { bindLibc } from "../_ffi.ts";

// Bound before any test: Deno 2.0.6's sanitizer counts a library opened
// inside a test as leaked.
bindLibc();

function errorOf(fn: () => unknown): ListenFdsError {
  const error = assertThrows(fn);
  assertInstanceOf(error, ListenFdsError);
  return error;
}

function receiver(): NotifyReceiver {
  return NotifyReceiver.bind(`@listen-fds-store-${crypto.randomUUID()}`);
}

Deno.test("createMemfd() makes a close-on-exec memfd that readMemfd() reads back", () => {
  const text = "state ✓ ".repeat(20_000); // more than one read
  const fd = createMemfd("state", text);
  try {
    const info = inspectFd(fd);
    assertEquals(info.kind, "file");
    assertEquals(info.closeOnExec, true);
    assertEquals(
      Deno.readLinkSync(`/proc/self/fd/${fd}`),
      "/memfd:state (deleted)",
    );
    assertEquals(new TextDecoder().decode(readMemfd(fd)), text);
    // Reading again starts from the beginning.
    assertEquals(new TextDecoder().decode(readMemfd(fd)), text);
  } finally {
    closeFd(fd);
  }
  const empty = createMemfd("empty");
  try {
    assertEquals(readMemfd(empty).length, 0);
  } finally {
    closeFd(empty);
  }
  const bytes = createMemfd("bytes", new Uint8Array([0, 1, 255]));
  try {
    assertEquals(readMemfd(bytes), new Uint8Array([0, 1, 255]));
  } finally {
    closeFd(bytes);
  }
});

Deno.test("closeFd() throws FD_NOT_OPEN for a closed fd", () => {
  const fd = createMemfd("x");
  closeFd(fd);
  assertObjectMatch(errorOf(() => closeFd(fd)), {
    code: "FD_NOT_OPEN",
    fd,
    syscall: "close",
  });
});

Deno.test("readMemfd() reports an fd it cannot seek", () => {
  const error = errorOf(() => readMemfd(-1));
  assertObjectMatch(error, {
    code: "SYSCALL_FAILED",
    syscall: "lseek",
    errno: 9,
  });
  assertEquals(
    error.message,
    "Cannot seek fd -1: lseek failed with EBADF (Bad file descriptor)",
  );
});

Deno.test("storeFds() sends FDSTORE=1 and FDNAME= with the fds attached", async () => {
  using r = receiver();
  const env = { NOTIFY_SOCKET: r.address };
  const fd = createMemfd("state", "hello");
  const received: number[] = [];
  try {
    assertEquals(storeFds([fd], { name: "state", env }), true);
    const datagram = await r.receive();
    received.push(...datagram.fds);
    assertEquals(datagram.text, "FDSTORE=1\nFDNAME=state");
    assertEquals(datagram.fds.length, 1);
    assertNotEquals(datagram.fds[0], fd);
    assertEquals(statFd(datagram.fds[0]!).inode, statFd(fd).inode);
    assertEquals(
      new TextDecoder().decode(readMemfd(datagram.fds[0]!)),
      "hello",
    );

    storeFds([fd, fd], { poll: false, env });
    const second = await r.receive();
    received.push(...second.fds);
    assertEquals(second.text, "FDSTORE=1\nFDPOLL=0");
    assertEquals(second.fds.length, 2);
  } finally {
    for (const f of [fd, ...received]) closeFd(f);
  }
});

Deno.test("removeStoredFds() sends FDSTOREREMOVE=1 and FDNAME= without fds", async () => {
  using r = receiver();
  assertEquals(
    removeStoredFds("state", { env: { NOTIFY_SOCKET: r.address } }),
    true,
  );
  const datagram = await r.receive();
  assertEquals(datagram.text, "FDSTOREREMOVE=1\nFDNAME=state");
  assertEquals(datagram.fds, []);
});

Deno.test("storeFds() and removeStoredFds() are no-ops without NOTIFY_SOCKET", () => {
  const fd = createMemfd("x");
  try {
    assertEquals(storeFds([fd], { name: "x", env: {} }), false);
    assertEquals(removeStoredFds("x", { env: {} }), false);
  } finally {
    closeFd(fd);
  }
});

Deno.test("storeFds() rejects bad names, no fds and too many fds", () => {
  const env = { NOTIFY_SOCKET: "@never-used" };
  const cases: [string, string][] = [
    ["", `Cannot use fd store name "": it is empty`],
    ["a:b", `Cannot use fd store name "a:b": it contains ":"`],
    [
      "tab\there",
      `Cannot use fd store name "tab\there": it is not printable ASCII`,
    ],
    ["é", `Cannot use fd store name "é": it is not printable ASCII`],
    [
      "x".repeat(256),
      `Cannot use fd store name "${
        "x".repeat(256)
      }": it is longer than 255 characters`,
    ],
  ];
  for (const [name, message] of cases) {
    const error = errorOf(() => storeFds([0], { name, env }));
    assertObjectMatch(error, { code: "INVALID_ARGUMENT", value: name });
    assertEquals(error.message, message);
    assertEquals(
      errorOf(() => removeStoredFds(name, { env })).message,
      message,
    );
  }
  assertEquals(
    errorOf(() => storeFds([], { env })).message,
    "Cannot store fds: no fd given",
  );
  assertObjectMatch(
    errorOf(() => storeFds(new Array(254).fill(0), { env })),
    { code: "INVALID_ARGUMENT", errno: 7 },
  );
  // 255 printable characters are fine (validation only; never sent).
  assertEquals(
    errorOf(() =>
      storeFds([0], {
        name: "x".repeat(255),
        env: { NOTIFY_SOCKET: "/nonexistent/sock" },
      })
    ).code,
    "NOTIFY_FAILED",
  );
});

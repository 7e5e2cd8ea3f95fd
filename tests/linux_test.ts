/**
 * The struct layouts of `_linux.ts` against what the kernel reads and
 * writes: each test has a real syscall fill or consume a struct and checks
 * the fields by name against a second, independent source.
 *
 * @module
 */

import { assert, assertEquals } from "@std/assert";
import { bindLibc, cString, libc } from "../_ffi.ts";
import {
  buildMsghdr,
  cmsgSpace,
  decodeWaitStatus,
  EPOLL_EVENT,
  epollEvent,
  LINUX,
  readEpollEvent,
  readScmRights,
  readStat,
  readStatfsType,
  readStatx,
  readTimespecMicroseconds,
  scmRights,
  STAT,
  STATFS,
  STATX,
  TIMESPEC,
} from "../_linux.ts";
import { encodeUnixSockaddr } from "../_sockaddr.ts";
import { ownPidfdId, statFd } from "../_fd_info.ts";
import { readEpollTargets } from "../_adopt/proc.ts";
import { NotifyReceiver } from "./support/notify_receiver.ts";

bindLibc();

function openFd(path: string): number {
  const fd = libc().open(cString(path), LINUX.O_RDONLY | LINUX.O_CLOEXEC, 0);
  assert(fd >= 0, `open("${path}") failed`);
  return fd;
}

Deno.test("readStatx() reads stx_mode and stx_ino as Deno.statSync() sees them", () => {
  for (const path of ["/etc/passwd", "/tmp", "/dev/null"]) {
    const fd = openFd(path);
    try {
      const buffer = new Uint8Array(STATX.size);
      const result = libc().statx!(
        fd,
        cString(""),
        LINUX.AT_EMPTY_PATH,
        LINUX.STATX_TYPE | LINUX.STATX_INO,
        buffer,
      );
      assertEquals(result, 0);
      const stat = Deno.statSync(path);
      const { mode, inode } = readStatx(buffer);
      assertEquals(mode & LINUX.S_IFMT, stat.mode! & LINUX.S_IFMT, path);
      assertEquals(inode, BigInt(stat.ino!), path);
    } finally {
      libc().close(fd);
    }
  }
});

Deno.test(`readStat() reads st_mode and st_ino of this architecture's struct stat (${Deno.build.arch})`, () => {
  const fd = openFd("/etc/passwd");
  try {
    const buffer = new Uint8Array(STAT.size);
    assertEquals(libc().fstat!(fd, buffer), 0);
    const stat = Deno.statSync("/etc/passwd");
    assertEquals(readStat(buffer), {
      mode: stat.mode!,
      inode: BigInt(stat.ino!),
    });
  } finally {
    libc().close(fd);
  }
});

Deno.test("readStatfsType() reads f_type: /proc is procfs", () => {
  const fd = openFd("/proc/self");
  try {
    const buffer = new Uint8Array(STATFS.size);
    assertEquals(libc().fstatfs!(fd, buffer), 0);
    assertEquals(readStatfsType(buffer), 0x9fa0); // PROC_SUPER_MAGIC
  } finally {
    libc().close(fd);
  }
});

Deno.test("the pidfs file handle and statx agree on a pidfd's inode id", () => {
  const fromHandle = ownPidfdId(Deno.pid);
  if (fromHandle.id === undefined) {
    throw new Error(`No pidfs here: ${fromHandle.reason}`);
  }
  const pidfd = libc().pidfd_open!(Deno.pid, 0);
  assert(pidfd >= 0, "pidfd_open() failed");
  try {
    assertEquals(fromHandle.id, statFd(pidfd).inode);
  } finally {
    libc().close(pidfd);
  }
});

Deno.test(`epollEvent() is the kernel's struct epoll_event (${EPOLL_EVENT.size} bytes on ${Deno.build.arch})`, () => {
  const lib = Deno.dlopen("libc.so.6", {
    epoll_create1: { parameters: ["i32"], result: "i32" },
    epoll_wait: {
      parameters: ["i32", "buffer", "i32", "i32"],
      result: "i32",
    },
  });
  const c = libc();
  const epfd = lib.symbols.epoll_create1(LINUX.O_CLOEXEC);
  const ends = new Int32Array(2);
  try {
    assert(epfd >= 0, "epoll_create1() failed");
    assertEquals(c.pipe2!(new Uint8Array(ends.buffer), LINUX.O_CLOEXEC), 0);
    const EPOLLIN = 0x1;
    const data = 0x1122334455667788n;
    assertEquals(
      c.epoll_ctl(
        epfd,
        LINUX.EPOLL_CTL_ADD,
        ends[0]!,
        epollEvent(EPOLLIN, data),
      ),
      0,
    );
    // The kernel read the fields where we wrote them...
    assertEquals(
      readEpollTargets(epfd).map(({ fd, events, data }) => ({
        fd,
        events,
        data,
      })),
      // (EPOLLERR and EPOLLHUP are always added)
      [{ fd: ends[0]!, events: EPOLLIN | 0x8 | 0x10, data }],
    );
    // ...and writes them back there.
    c.write(ends[1]!, new Uint8Array([1]), 1n);
    const out = new Uint8Array(2 * EPOLL_EVENT.size).fill(0xee);
    assertEquals(lib.symbols.epoll_wait(epfd, out, 2, 0), 1);
    assertEquals(readEpollEvent(out), { events: EPOLLIN, data });
    assert(out.subarray(EPOLL_EVENT.size).every((byte) => byte === 0xee));
  } finally {
    if (ends[0]) c.close(ends[0]);
    if (ends[1]) c.close(ends[1]);
    if (epfd >= 0) c.close(epfd);
    lib.close();
  }
});

Deno.test("buildMsghdr() and scmRights() send a datagram with fds that recvmsg() reads back", async () => {
  const dir = await Deno.makeTempDir();
  const receiver = NotifyReceiver.bind(`${dir}/notify.sock`);
  const c = libc();
  const sender = c.socket(
    LINUX.AF_UNIX,
    LINUX.SOCK_DGRAM | LINUX.SOCK_CLOEXEC,
    0,
  );
  const passed = [openFd("/etc/passwd"), openFd("/tmp")];
  const received: number[] = [];
  try {
    const name = encodeUnixSockaddr(receiver.address);
    const msghdr = buildMsghdr({
      data: new TextEncoder().encode("READY=1"),
      name: name.bytes,
      nameLength: name.length,
      control: scmRights(passed),
    });
    assertEquals(Number(c.sendmsg(sender, msghdr.header, 0)), 7);
    const datagram = await receiver.receive();
    received.push(...datagram.fds);
    assertEquals(datagram.text, "READY=1");
    assertEquals(datagram.controlTruncated, false);
    assertEquals(
      datagram.fds.map((fd) => statFd(fd).inode),
      passed.map((fd) => statFd(fd).inode),
    );
  } finally {
    for (const fd of [sender, ...passed, ...received]) c.close(fd);
    receiver.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scmRights() and readScmRights() follow CMSG_SPACE and CMSG_NXTHDR", () => {
  assertEquals(cmsgSpace(4), 24);
  assertEquals(cmsgSpace(12), 32);
  const one = scmRights([7]);
  const three = scmRights([8, 9, 10]);
  const both = new Uint8Array(one.length + three.length);
  both.set(one);
  both.set(three, one.length);
  assertEquals(readScmRights(both, both.length), [7, 8, 9, 10]);
  assertEquals(readScmRights(both, one.length), [7]);
});

Deno.test("readTimespecMicroseconds() reads clock_gettime() in step with performance.now()", () => {
  const read = (): bigint => {
    const buffer = new Uint8Array(TIMESPEC.size);
    assertEquals(libc().clock_gettime(LINUX.CLOCK_MONOTONIC, buffer), 0);
    return readTimespecMicroseconds(buffer);
  };
  const first = read();
  const start = performance.now();
  while (performance.now() - start < 20) {
    // wait 20 ms by the other clock
  }
  const elapsed = read() - first;
  // tv_nsec read as seconds, or the fields swapped, is off by 1000x or more.
  assert(elapsed >= 20_000n, `only ${elapsed} µs passed`);
  assert(elapsed < 20_000_000n, `${elapsed} µs passed`);
});

Deno.test("decodeWaitStatus() reads exit codes and signals", () => {
  assertEquals(decodeWaitStatus(0), { code: 0, signal: undefined });
  assertEquals(decodeWaitStatus(3 << 8), { code: 3, signal: undefined });
  assertEquals(decodeWaitStatus(9), { code: undefined, signal: 9 });
  // a core dump sets 0x80 beside the signal
  assertEquals(decodeWaitStatus(0x80 | 11), { code: undefined, signal: 11 });
});

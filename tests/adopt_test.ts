/**
 * In-process tests of the hand-off functions in `adopt/`: sockets, pipes
 * and files are made through libc (as a service manager would pass them),
 * then handed to Deno and used.
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertFalse,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { ListenFdsError } from "../_errors.ts";
import { bindLibc, cString, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { inspectFd, isFdOpen, statFd } from "../_fd_info.ts";
import { encodeInetSockaddr, encodeUnixSockaddr } from "../_sockaddr.ts";
import { adoptListener } from "../_adopt/listener.ts";
import { adoptServe } from "../_adopt/serve.ts";
import { adoptDatagram } from "../_adopt/datagram.ts";
import { adoptFile } from "../_adopt/file.ts";
import { leaveStaleRegistration } from "./support/stale_epoll.ts";
import { nodeFdSupported } from "../_adopt/policy.ts";
import {
  fdLinkIs,
  listOpenFds,
  parseEpollTargets,
  readProcFile,
  scanFdTable,
} from "../_adopt/proc.ts";
import { findPlaceholder } from "../_adopt/epoll.ts";
import {
  listenAt,
  placeholderMatcher,
  withPlaceholder,
} from "../_adopt/placeholder.ts";
import { acceptQueueLength, waitFor } from "./support/helpers.ts";

// Load libc before any test: Deno 2.0.6's sanitizer counts the library as a
// resource leaked by the first test that happens to open it.
bindLibc();

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A socket made through libc, bound and (for streams) listening. */
function libcSocket(
  family: "inet" | "inet6" | "unix",
  type: "stream" | "dgram",
  path?: string,
): number {
  const c = libc();
  const domain = family === "inet"
    ? LINUX.AF_INET
    : family === "inet6"
    ? LINUX.AF_INET6
    : LINUX.AF_UNIX;
  const fd = c.socket(
    domain,
    type === "stream" ? LINUX.SOCK_STREAM : LINUX.SOCK_DGRAM,
    0,
  );
  assert(fd >= 0, "socket() failed");
  const address = family === "unix" ? encodeUnixSockaddr(path!) : (() => {
    const bytes = encodeInetSockaddr(
      family === "inet" ? "127.0.0.1" : "::1",
      0,
    );
    return { bytes, length: bytes.length };
  })();
  assertEquals(c.bind(fd, address.bytes, address.length), 0, "bind() failed");
  if (type === "stream") assertEquals(c.listen(fd, 16), 0);
  return fd;
}

function closeIfOpen(fd: number): void {
  if (isFdOpen(fd)) libc().close(fd);
}

async function echoOnce(listener: Deno.Listener): Promise<string> {
  const accepting = listener.accept();
  const client = await Deno.connect(
    listener.addr as Deno.ConnectOptions & Deno.UnixConnectOptions,
  );
  const server = await accepting;
  await client.write(encoder.encode("ping"));
  const buffer = new Uint8Array(16);
  const n = await server.read(buffer);
  await server.write(buffer.subarray(0, n!));
  const m = await client.read(buffer);
  client.close();
  server.close();
  return decoder.decode(buffer.subarray(0, m!));
}

Deno.test("parseEpollTargets() reads tfd lines of an epoll fdinfo", () => {
  const text = "pos:\t0\nflags:\t02000002\nmnt_id:\t16\nino:\t1057\n" +
    "tfd:       21 events: 8000201d data:     557dd19d6000  pos:0 ino:1128e sdev:9\n" +
    "tfd:        5 events:       19 data:                0  pos:0 ino:40b sdev:f\n" +
    "tfd:       7x events:       19 data:                0  pos:0 ino:40b sdev:f\n" +
    "tfd:        8 events:       19 data:  0  ino:40b\n" +
    "tfd:        9 events:       1d data:               2a  pos:0 ino:40c\n" +
    "tfd:       10 events: 8000201d data: ffff8000deadbeef  pos:0 ino:123456789abcdef0 sdev:9\n" +
    "tfd:       11 events:       1D data:                0  pos:0 ino:40d";
  assertEquals(parseEpollTargets(text), [
    { fd: 21, events: 0x8000201d, data: 0x557dd19d6000n, inode: 0x1128en },
    { fd: 5, events: 0x19, data: 0n, inode: 0x40bn },
    { fd: 9, events: 0x1d, data: 0x2an, inode: 0x40cn },
    {
      fd: 10,
      events: 0x8000201d,
      data: 0xffff8000deadbeefn,
      inode: 0x123456789abcdef0n,
    },
  ]);
});

Deno.test("readProcFile() reads /proc through libc", () => {
  assert(readProcFile("/proc/self/status")?.includes("FDSize:"));
  assertEquals(readProcFile("/proc/self/no-such-file"), undefined);
});

Deno.test("readProcFile() decodes UTF-8 as well as ASCII, beyond 4096 bytes", async () => {
  const path = await Deno.makeTempFile();
  try {
    const text = `${"x".repeat(5000)}caf\u00e9 \u{1f600}\n`;
    await Deno.writeTextFile(path, text);
    assertEquals(readProcFile(path), text);
    await Deno.writeTextFile(path, "a".repeat(9000));
    assertEquals(readProcFile(path), "a".repeat(9000));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("fdLinkIs() compares an fd's /proc link with the bytes given", () => {
  const c = libc();
  const fd = c.open(cString("/dev/null"), LINUX.O_RDONLY | LINUX.O_CLOEXEC, 0);
  assertGreaterOrEqual(fd, 0);
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
  const high = c.fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 6000);
  try {
    assert(fdLinkIs(fd, bytes("/dev/null")));
    assert(fdLinkIs(high, bytes("/dev/null")), `fd ${high}`);
    assertFalse(fdLinkIs(fd, bytes("/dev/nul")));
    assertFalse(fdLinkIs(fd, bytes("/dev/null2")));
  } finally {
    c.close(fd);
    c.close(high);
  }
  assertFalse(fdLinkIs(fd, bytes("/dev/null")), "a closed fd has no link");
});

Deno.test("withPlaceholder() predicts the fd slot of the placeholder, and findPlaceholder() looks there first, else scans", () => {
  const c = libc();
  const other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const otherSlot = findPlaceholder(placeholderMatcher(other.addr), -1, "t").fd;
  try {
    withPlaceholder(
      { fd: 0, unix: false, action: "test" },
      listenAt,
      (listener, _place, slot) => {
        try {
          const matcher = placeholderMatcher(listener.addr);
          const found = findPlaceholder(matcher, -1, "test");
          assertEquals(
            slot,
            found.fd,
            "the placeholder took the lowest free fd",
          );
          assertEquals(findPlaceholder(matcher, -1, "test", slot), found);
          // A slot holding another socket, or a closed one: the scan finds it.
          assertEquals(findPlaceholder(matcher, -1, "test", otherSlot), found);
          const closed = c.fcntl(0, LINUX.F_DUPFD_CLOEXEC, 3000);
          c.close(closed);
          assertEquals(findPlaceholder(matcher, -1, "test", closed), found);
          // The activated fd is never the placeholder, even as the slot.
          assertThrows(
            () => findPlaceholder(matcher, found.fd, "test", found.fd),
            ListenFdsError,
            "found 0 fds matching the placeholder",
          );
        } finally {
          listener.close();
        }
      },
    );
  } finally {
    other.close();
  }
});

/**
 * Has a worker adopt a listener while its own epoll instance has a higher fd
 * number than the placeholder's slot, which is at least `minimum`.
 */
async function adoptInWorker(minimum: number): Promise<void> {
  const c = libc();
  // Fds that fill the numbers below `minimum`, closed at the end.
  const fillers: number[] = [];
  for (let n = c.fcntl(0, LINUX.F_DUPFD_CLOEXEC, 0); n < minimum;) {
    fillers.push(n);
    n = c.fcntl(0, LINUX.F_DUPFD_CLOEXEC, 0);
    if (n >= minimum) c.close(n);
  }
  const eventpolls = (): number[] =>
    listOpenFds().filter((n) =>
      fdLinkIs(n, new TextEncoder().encode("anon_inode:[eventpoll]"))
    );
  const fd = libcSocket("inet", "stream");
  // A free fd number below the worker's runtime: held while it starts, then
  // freed, so the worker's placeholder takes it.
  const hole = c.fcntl(0, LINUX.F_DUPFD_CLOEXEC, 0);
  assert(hole >= minimum, `fd ${hole}`);
  const before = eventpolls();
  const worker = new Worker(
    new URL("./fixtures/adopt_in_worker.ts", import.meta.url),
    { type: "module" },
  );
  const messages: unknown[] = [];
  let wake = (): void => {};
  worker.onmessage = (event) => {
    messages.push(event.data);
    wake();
  };
  const next = async (): Promise<unknown> => {
    while (messages.length === 0) await new Promise<void>((r) => wake = r);
    return messages.shift();
  };
  try {
    assertEquals(await next(), "ready");
    const workers = eventpolls().filter((n) => !before.includes(n));
    assert(workers.length > 0, "the worker has no epoll fd of its own");
    assert(workers.every((n) => n > hole), `${workers} vs ${hole}`);
    const { inode } = statFd(fd);
    c.close(hole);
    const address = inspectFd(fd).socket!.address as Deno.NetAddr;
    // Nothing here opens an fd until the worker has adopted the socket.
    worker.postMessage({ fd });
    assertEquals(await next(), "adopted");
    assertEquals(statFd(hole).inode, inode, "the placeholder took the hole");
    const conn = await Deno.connect({
      hostname: address.hostname,
      port: address.port,
    });
    const buffer = new Uint8Array(8);
    const n = await conn.read(buffer);
    conn.close();
    assertEquals(decoder.decode(buffer.subarray(0, n ?? 0)), "pong");
    assertEquals(await next(), { ok: true });
    worker.postMessage("close");
    assertEquals(await next(), "closed");
  } finally {
    worker.terminate();
    closeIfOpen(fd);
    for (const filler of fillers) c.close(filler);
  }
}

Deno.test("adoptListener() in a worker finds the worker's epoll instance above the placeholder's fd slot (64 or more)", async () => {
  // The fds below the slot are probed by number, up to 64, the rest listed.
  await adoptInWorker(80);
});

Deno.test("listOpenFds() lists exactly the fds that probing every slot finds open, a high one included", () => {
  const c = libc();
  const high = c.fcntl(0, LINUX.F_DUPFD_CLOEXEC, 5000);
  assertGreaterOrEqual(high, 5000);
  try {
    const listed = listOpenFds();
    assertEquals(listed, scanFdTable());
    assert(listed.includes(high), `fd ${high} is not listed`);
    assertEquals(listed, [...listed].sort((a, b) => a - b));
  } finally {
    c.close(high);
  }
  const after = listOpenFds();
  assertFalse(after.includes(high), `the closed fd ${high} is still listed`);
  assertEquals(after, scanFdTable());
});

Deno.test("adoptListener() hands over a listener above fd 6000, in a grown fd table, and verifies it", async () => {
  const c = libc();
  const original = libcSocket("inet", "stream");
  const fd = c.fcntl(original, LINUX.F_DUPFD_CLOEXEC, 6000);
  c.close(original);
  assertGreaterOrEqual(fd, 6000);
  const address = inspectFd(fd).socket!.address;
  const listener = adoptListener(fd, { via: "adopt" });
  try {
    assertEquals(listener.addr, address);
    assertFalse(isFdOpen(fd), "the original fd is still open");
    assertEquals(await echoOnce(listener), "ping");
  } finally {
    listener.close();
    closeIfOpen(fd);
  }
});

Deno.test("adoptListener() hands over 40 listeners in turn while other fds open and close, each one serving", async () => {
  const listeners: Deno.Listener[] = [];
  const files: Deno.FsFile[] = [];
  try {
    for (let i = 0; i < 40; i++) {
      const fd = libcSocket("inet", "stream");
      // Fds come and go between hand-offs, so numbers are reused.
      if (i % 3 === 0) files.push(await Deno.open("/dev/null"));
      if (i % 5 === 4) files.shift()?.close();
      listeners.push(adoptListener(fd, { via: "adopt" }));
      assertFalse(isFdOpen(fd), `fd ${fd} is still open`);
    }
    for (const listener of listeners) {
      assertEquals(await echoOnce(listener), "ping");
    }
  } finally {
    for (const listener of listeners) listener.close();
    for (const file of files) file.close();
  }
});

Deno.test("adoptListener() hands a TCP listener to Deno and closes the original fd", async () => {
  const fd = libcSocket("inet", "stream");
  const address = inspectFd(fd).socket!.address;
  const listener = adoptListener(fd, { via: "adopt" });
  try {
    assertEquals(listener.addr, address);
    assertFalse(isFdOpen(fd), "the original fd is still open");
    assertEquals(await echoOnce(listener), "ping");
  } finally {
    listener.close();
    closeIfOpen(fd);
  }
});

Deno.test("adoptListener() hands an IPv6 listener to Deno", async () => {
  const fd = libcSocket("inet6", "stream");
  const listener = adoptListener(fd, { via: "adopt" });
  try {
    assertEquals((listener.addr as Deno.NetAddr).hostname, "::1");
    assertEquals(await echoOnce(listener), "ping");
  } finally {
    listener.close();
  }
});

Deno.test("adoptListener() hands a Unix listener to Deno", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/s.sock`;
  const fd = libcSocket("unix", "stream", path);
  const listener = adoptListener(fd, { via: "adopt" });
  try {
    assertEquals(listener.addr, { transport: "unix", path });
    assertEquals(await echoOnce(listener), "ping");
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("adoptListener() rejects a datagram socket and leaves it open", () => {
  const fd = libcSocket("inet", "dgram");
  try {
    const error = assertThrows(
      () => adoptListener(fd),
      ListenFdsError,
      `Cannot take fd ${fd} as a listener: socket type is "dgram"`,
    );
    assertEquals(error.code, "WRONG_FD_TYPE");
    assert(isFdOpen(fd));
  } finally {
    closeIfOpen(fd);
  }
});

Deno.test("adoptListener() undoes a takeover it cannot verify", async () => {
  const fd = libcSocket("inet", "stream");
  const slot = leaveStaleRegistration(fd);
  const error = assertThrows(
    () => adoptListener(fd, { via: "adopt" }),
    ListenFdsError,
    `Cannot take fd ${fd} as a listener: the runtime's registration of fd ${slot} does not show inode`,
  );
  assertEquals(error.code, "ADOPTION_FAILED");
  // The activated fd is intact and can still be adopted.
  assert(isFdOpen(fd));
  const listener = adoptListener(fd, { via: "adopt" });
  try {
    assertEquals(await echoOnce(listener), "ping");
  } finally {
    listener.close();
  }
});

Deno.test("adoptListener() falls back to node:net when the takeover cannot be verified", async () => {
  const fd = libcSocket("inet", "stream");
  leaveStaleRegistration(fd);
  if (!nodeFdSupported()) {
    // Deno before 2.8.3: no fallback, a clear error and the fd untouched.
    const error = assertThrows(() => adoptListener(fd), ListenFdsError);
    assertEquals(error.code, "ADOPTION_FAILED");
    assertStringIncludes(error.message, "does not show inode");
    assertStringIncludes(error.message, "needs Deno 2.8.3 or later");
    assert(isFdOpen(fd));
    libc().close(fd);
    return;
  }
  const listener = adoptListener(fd);
  // A takeover would have closed the fd; node:net listens on it.
  assert(isFdOpen(fd), "the takeover did not run into the stale entry");
  try {
    assertEquals(listener.addr, inspectFd(fd).socket!.address);
    assertEquals(await echoOnce(listener), "ping");
  } finally {
    listener.close();
  }
  // node:net closes the fd asynchronously.
  await waitFor(() => !isFdOpen(fd), { what: `node:net to close fd ${fd}` });
});

Deno.test("adoptServe() serves HTTPS with cert and key on an adopted socket", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const openssl = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        `${dir}/key.pem`,
        "-out",
        `${dir}/cert.pem`,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
      ],
      stderr: "null",
    }).output();
    assert(openssl.success, "openssl failed");
    const cert = await Deno.readTextFile(`${dir}/cert.pem`);
    const key = await Deno.readTextFile(`${dir}/key.pem`);
    const fd = libcSocket("inet", "stream");
    const { port } = inspectFd(fd).socket!.address as Deno.NetAddr;
    let listened: Deno.Addr | undefined;
    const server = adoptServe(fd, {
      via: "adopt",
      cert,
      key,
      onListen: (addr) => listened = addr,
      handler: (request) => new Response(new URL(request.url).protocol),
    });
    const client = Deno.createHttpClient({ caCerts: [cert] });
    try {
      assertEquals(listened, { transport: "tcp", hostname: "127.0.0.1", port });
      const response = await fetch(`https://127.0.0.1:${port}/`, { client });
      assertEquals(await response.text(), "https:");
    } finally {
      client.close();
      await server.shutdown();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("adoptDatagram() hands a UDP socket to Deno", async () => {
  const fd = libcSocket("inet", "dgram");
  const address = inspectFd(fd).socket!.address as Deno.NetAddr;
  const socket = adoptDatagram(fd);
  const peer = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    assertEquals(socket.addr, address);
    await peer.send(encoder.encode("dgram"), address);
    const [data, from] = await socket.receive();
    assertEquals(decoder.decode(data), "dgram");
    assertEquals(from, peer.addr);
  } finally {
    peer.close();
    socket.close();
  }
});

Deno.test("adoptFile() hands a pipe's read end to Deno as a file", async () => {
  const c = libc();
  const ends = new Int32Array(2);
  assertEquals(c.pipe2!(new Uint8Array(ends.buffer), 0), 0);
  const [readEnd, writeEnd] = [ends[0]!, ends[1]!];
  const file = adoptFile(readEnd);
  try {
    assertInstanceOf(file, Deno.FsFile);
    assertFalse(isFdOpen(readEnd), "the original fd is still open");
    const data = encoder.encode("fifo data");
    assertEquals(Number(c.write(writeEnd, data, BigInt(data.length))), 9);
    c.close(writeEnd);
    assertEquals(await new Response(file.readable).text(), "fifo data");
  } finally {
    closeIfOpen(writeEnd);
  }
});

Deno.test("adoptFile() rejects a socket and leaves it open", () => {
  const fd = libcSocket("inet", "stream");
  try {
    const error = assertThrows(() => adoptFile(fd), ListenFdsError);
    assertEquals(error.code, "WRONG_FD_TYPE");
    assertEquals(
      error.message,
      `Cannot take fd ${fd} as a file: socket family is "inet", type is "stream", listening`,
    );
    assert(isFdOpen(fd));
  } finally {
    closeIfOpen(fd);
  }
});

Deno.test("adoptServe() binds none of the fallback address options", async () => {
  const dir = await Deno.makeTempDir();
  const fd = libcSocket("inet", "stream");
  const { port } = inspectFd(fd).socket!.address as Deno.NetAddr;
  const server = adoptServe(
    fd,
    {
      via: "adopt",
      path: `${dir}/dev.sock`,
      onListen: () => {},
      handler: () => new Response("activated"),
    } as Parameters<typeof adoptServe>[1],
  );
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    assertEquals(await response.text(), "activated");
    assertEquals(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("adoptServe() refuses TLS on a Unix socket and leaves the fd open", async () => {
  const dir = await Deno.makeTempDir();
  const fd = libcSocket("unix", "stream", `${dir}/s.sock`);
  try {
    const error = assertThrows(
      () =>
        adoptServe(fd, {
          via: "adopt",
          cert: "x",
          key: "y",
          handler: () => new Response(""),
        }),
      ListenFdsError,
    );
    assertEquals(error.code, "INVALID_ARGUMENT");
    assert(isFdOpen(fd));
  } finally {
    closeIfOpen(fd);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("adoptDatagram() hands a Unix datagram socket to Deno", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/d.sock`;
  const fd = libcSocket("unix", "dgram", path);
  const socket = adoptDatagram(fd);
  const peer = Deno.listenDatagram({
    transport: "unixpacket",
    path: `${dir}/peer.sock`,
  });
  try {
    assertEquals(socket.addr, { transport: "unixpacket", path });
    await peer.send(encoder.encode("unix dgram"), socket.addr);
    const [data, from] = await socket.receive();
    assertEquals(decoder.decode(data), "unix dgram");
    assertEquals((from as Deno.UnixAddr).path, `${dir}/peer.sock`);
  } finally {
    peer.close();
    socket.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("adoptFile() hands a read-only regular file to Deno", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data.txt`;
  await Deno.writeTextFile(path, "file data");
  const fd = libc().open(
    new TextEncoder().encode(`${path}\0`),
    LINUX.O_RDONLY,
    0,
  );
  assert(fd >= 0);
  const file = adoptFile(fd);
  try {
    assertEquals(await new Response(file.readable).text(), "file data");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A second fd for a listening socket, as the service manager keeps one. */
function duplicate(fd: number): number {
  const copy = libc().fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 0);
  assert(copy >= 0, "fcntl(F_DUPFD_CLOEXEC) failed");
  return copy;
}

/** Sends one request on a connection and reads until the server closes it. */
async function exchange(conn: Deno.Conn, close: boolean): Promise<string> {
  try {
    await conn.write(
      encoder.encode(
        `GET / HTTP/1.1\r\nHost: test\r\n${
          close ? "Connection: close\r\n" : ""
        }\r\n`,
      ),
    );
    return await new Response(conn.readable).text();
  } catch (error) {
    try {
      conn.close();
    } catch {
      // closed by the readable stream
    }
    throw error;
  }
}

Deno.test("adoptServe() shutdown() answers the connections it accepted and leaves new ones queued for the next server", async () => {
  const fdsBefore = listOpenFds();
  const fd = libcSocket("inet", "stream");
  const spare = duplicate(fd);
  const { port } = inspectFd(fd).socket!.address as Deno.NetAddr;
  const connect = (): Promise<Deno.TcpConn> =>
    Deno.connect({ hostname: "127.0.0.1", port });
  const first = adoptServe(fd, {
    via: "adopt",
    onListen: () => {},
    handler: () => new Response("first"),
  });
  let second: Deno.HttpServer | undefined;
  try {
    // Accepted by the first server, but their requests come only once
    // shutdown() began: Deno.serve alone closes such connections unanswered.
    const early = await Promise.all(Array.from({ length: 8 }, connect));
    await waitFor(() => acceptQueueLength(port) === 0, {
      what: "the first server to accept 8 connections",
    });
    // Draining begins synchronously: what is sent now comes after it.
    const stopping = first.shutdown();
    const earlyReplies = early.map((conn) => exchange(conn, false));
    // Made while it drains: they wait in the backlog of the shared socket.
    const late = await Promise.all(Array.from({ length: 8 }, connect));
    const lateReplies = late.map((conn) => exchange(conn, true));
    await stopping;
    await first.finished;
    for (const reply of await Promise.all(earlyReplies)) {
      assertMatch(reply, /^HTTP\/1\.1 200 /);
      // Keep-alive clients are told to reconnect (to the next server).
      assertMatch(reply, /^connection: close\r$/im);
      assert(reply.endsWith("\r\n\r\nfirst"), reply);
    }
    second = adoptServe(spare, {
      via: "adopt",
      onListen: () => {},
      handler: () => new Response("second"),
    });
    for (const reply of await Promise.all(lateReplies)) {
      assertMatch(reply, /^HTTP\/1\.1 200 /);
      assert(reply.endsWith("\r\n\r\nsecond"), reply);
    }
  } finally {
    await first.shutdown();
    await second?.shutdown();
    closeIfOpen(spare);
  }
  // Every fd of the two servers is closed, the placeholders' slots included.
  assertEquals(listOpenFds(), fdsBefore);
});

Deno.test("adoptServe() servers replacing each other on one socket under load lose no request", async () => {
  const PER_SERVER = 25;
  const fd = libcSocket("inet", "stream");
  libc().listen(fd, 1024);
  const { port } = inspectFd(fd).socket!.address as Deno.NetAddr;
  const servedBy = new Map<string, number>();
  const failures: string[] = [];
  let stop = false;
  // 4 clients in a loop, one request per connection.
  const workers = Array.from({ length: 4 }, async () => {
    while (!stop) {
      try {
        const reply = await exchange(
          await Deno.connect({ hostname: "127.0.0.1", port }),
          true,
        );
        assertMatch(reply, /^HTTP\/1\.1 200 /);
        const body = reply.slice(reply.indexOf("\r\n\r\n") + 4);
        servedBy.set(body, (servedBy.get(body) ?? 0) + 1);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  let server: Deno.HttpServer | undefined;
  try {
    for (let i = 0; i < 4; i++) {
      // The last server takes the original fd; the others a copy of it.
      server = adoptServe(i === 3 ? fd : duplicate(fd), {
        via: "adopt",
        onListen: () => {},
        handler: () => new Response(String(i)),
      });
      await waitFor(() => (servedBy.get(String(i)) ?? 0) >= PER_SERVER, {
        what: `server ${i} to answer ${PER_SERVER} requests`,
        progress: () => servedBy.get(String(i)),
      });
      if (i === 3) {
        // The socket closes with the last server: stop the clients first.
        stop = true;
        await Promise.all(workers);
      }
      await server.shutdown();
      // The next instance starts only once clients queue for it.
      if (i < 3) {
        await waitFor(() => acceptQueueLength(port)! > 0, {
          what: "a client queued between two servers",
        });
      }
    }
  } finally {
    stop = true;
    await server?.shutdown();
    await Promise.all(workers);
    closeIfOpen(fd);
  }
  assertEquals(failures.length, 0, failures.slice(0, 3).join("\n"));
  assertEquals([...servedBy.keys()].sort(), ["0", "1", "2", "3"]);
  for (const count of servedBy.values()) {
    assertGreaterOrEqual(count, PER_SERVER);
  }
});

Deno.test("adoptServe() drains when its signal is aborted", async () => {
  const fd = libcSocket("inet", "stream");
  const spare = duplicate(fd);
  const { port } = inspectFd(fd).socket!.address as Deno.NetAddr;
  const controller = new AbortController();
  const server = adoptServe(fd, {
    via: "adopt",
    signal: controller.signal,
    onListen: () => {},
    handler: () => new Response("answered"),
  });
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await waitFor(() => acceptQueueLength(port) === 0, {
      what: "the server to accept the connection",
    });
    // Draining begins synchronously: the request comes after it.
    controller.abort();
    const reply = await exchange(conn, false);
    assert(reply.endsWith("\r\n\r\nanswered"), reply);
    await server.finished;
  } finally {
    await server.shutdown();
    closeIfOpen(spare);
  }
});

Deno.test("adoptServe() rejects a negative drainTimeout and leaves the fd open", () => {
  const fd = libcSocket("inet", "stream");
  try {
    const error = assertThrows(
      () =>
        adoptServe(fd, {
          via: "adopt",
          drainTimeout: -1,
          handler: () => new Response(""),
        }),
      ListenFdsError,
      `Cannot serve HTTP on fd ${fd}: drainTimeout -1 ms is not a finite non-negative number`,
    );
    assertEquals(error.code, "INVALID_ARGUMENT");
    assert(isFdOpen(fd));
  } finally {
    closeIfOpen(fd);
  }
});

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
  assertInstanceOf,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { ListenFdsError } from "../errors.ts";
import { bindLibc, libc, LINUX } from "../ffi.ts";
import { inspectFd, isFdOpen } from "../fd_info.ts";
import { encodeInetSockaddr, encodeUnixSockaddr } from "../sockaddr.ts";
import { adoptListener } from "../adopt/listener.ts";
import { adoptServe } from "../adopt/serve.ts";
import { adoptDatagram } from "../adopt/datagram.ts";
import { adoptFile } from "../adopt/file.ts";
import { testHooks } from "../adopt/epoll.ts";
import { nodeFdSupported } from "../adopt/placeholder.ts";
import { parseEpollTargets, readProcFile } from "../adopt/proc.ts";

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
    "tfd:        5 events:       19 data:                0  pos:0 ino:40b sdev:f\n";
  assertEquals(parseEpollTargets(text), [
    { fd: 21, events: 0x8000201d, data: 0x557dd19d6000n, inode: 0x1128en },
    { fd: 5, events: 0x19, data: 0n, inode: 0x40bn },
  ]);
});

Deno.test("readProcFile() reads /proc through libc", () => {
  assert(readProcFile("/proc/self/status")?.includes("FDSize:"));
  assertEquals(readProcFile("/proc/self/no-such-file"), undefined);
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
  testHooks.failVerification = true;
  try {
    const error = assertThrows(
      () => adoptListener(fd, { via: "adopt" }),
      ListenFdsError,
    );
    assertEquals(error.code, "ADOPTION_FAILED");
  } finally {
    testHooks.failVerification = false;
  }
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
  testHooks.failVerification = true;
  let listener: Deno.Listener | undefined;
  try {
    if (!nodeFdSupported()) {
      // Deno before 2.8.3: no fallback, a clear error and the fd untouched.
      const error = assertThrows(() => adoptListener(fd), ListenFdsError);
      assertEquals(error.code, "ADOPTION_FAILED");
      assertStringIncludes(error.message, "needs Deno 2.8.3 or later");
      assert(isFdOpen(fd));
      libc().close(fd);
      return;
    }
    listener = adoptListener(fd);
  } finally {
    testHooks.failVerification = false;
  }
  try {
    assertEquals(listener.addr, inspectFd(fd).socket!.address);
    assertEquals(await echoOnce(listener), "ping");
  } finally {
    listener.close();
  }
  // node closes the fd asynchronously
  await new Promise((resolve) => setTimeout(resolve, 50));
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

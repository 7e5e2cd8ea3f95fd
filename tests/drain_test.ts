/**
 * Tests of the exact drain of `adoptServe()` (`adopt/serve.ts`,
 * `adopt/_connections.ts`): stop accepting at once, answer every request that
 * started, wait for clients that connected but have not sent a request yet
 * (up to `drainTimeout`), close idle keep-alive connections.
 *
 * @module
 */

import { assert, assertEquals, assertMatch } from "@std/assert";
import { bindLibc, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { inspectFd, isFdOpen } from "../_fd_info.ts";
import { encodeInetSockaddr } from "../_sockaddr.ts";
import { adoptServe } from "../_adopt/serve.ts";
import { countConnections, listenerAddress } from "../_adopt/_connections.ts";

bindLibc();

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const REQUEST = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A listening TCP socket on 127.0.0.1, made through libc. */
function tcpListener(): number {
  const c = libc();
  const fd = c.socket(LINUX.AF_INET, LINUX.SOCK_STREAM, 0);
  assert(fd >= 0, "socket() failed");
  const address = encodeInetSockaddr("127.0.0.1", 0);
  assertEquals(c.bind(fd, address, address.length), 0, "bind() failed");
  assertEquals(c.listen(fd, 64), 0);
  return fd;
}

function closeIfOpen(fd: number): void {
  if (isFdOpen(fd)) libc().close(fd);
}

/** Reads from a connection until the server closes it. */
async function readAll(conn: Deno.Conn): Promise<string> {
  let text = "";
  const buffer = new Uint8Array(4096);
  while (true) {
    let n: number | null;
    try {
      n = await conn.read(buffer);
    } catch (error) {
      if (error instanceof Deno.errors.ConnectionReset) break;
      throw error;
    }
    if (n === null) break;
    text += decoder.decode(buffer.subarray(0, n));
  }
  conn.close();
  return text;
}

/** Reads one whole response (`Content-Length` bodies) of a keep-alive exchange. */
async function readResponse(conn: Deno.Conn): Promise<string> {
  let text = "";
  const buffer = new Uint8Array(4096);
  while (true) {
    const end = text.indexOf("\r\n\r\n");
    if (end !== -1) {
      const length = Number(/^content-length: *(\d+)/im.exec(text)?.[1] ?? 0);
      if (text.length >= end + 4 + length) return text;
    }
    const n = await conn.read(buffer);
    if (n === null) {
      throw new Error(`connection closed after ${text.length} bytes`);
    }
    text += decoder.decode(buffer.subarray(0, n));
  }
}

function serve(
  fd: number,
  drainTimeout: number,
  handler: Deno.ServeHandler = () => new Response("answered"),
): Deno.HttpServer {
  return adoptServe(fd, {
    via: "adopt",
    onListen: () => {},
    drainTimeout,
    handler,
  });
}

function portOf(fd: number): number {
  return (inspectFd(fd).socket!.address as Deno.NetAddr).port;
}

Deno.test("adoptServe() shutdown() answers a client that connected before it and sends its request 500 ms into the drain", async () => {
  const fd = tcpListener();
  const port = portOf(fd);
  const server = serve(fd, 30_000);
  try {
    const slow = await Deno.connect({ hostname: "127.0.0.1", port });
    await delay(100); // accepted by the server, nothing sent
    let stopped = false;
    const stopping = server.shutdown().then(() => stopped = true);
    await delay(500);
    // Deno.serve alone (and the former 100 ms quiet period) closed it by now.
    assertEquals(stopped, false);
    await slow.write(encoder.encode(REQUEST));
    const reply = await readAll(slow);
    assertMatch(reply, /^HTTP\/1\.1 200 /);
    assertMatch(reply, /^connection: close\r$/im);
    assert(reply.endsWith("answered"), reply);
    await stopping;
  } finally {
    await server.shutdown();
  }
});

Deno.test("adoptServe() shutdown() answers a request whose headers arrive in two parts 500 ms apart", async () => {
  const fd = tcpListener();
  const port = portOf(fd);
  const server = serve(fd, 30_000);
  try {
    const slow = await Deno.connect({ hostname: "127.0.0.1", port });
    await slow.write(encoder.encode("GET / HTTP/1.1\r\nHo"));
    await delay(100);
    const stopping = server.shutdown();
    await delay(500);
    await slow.write(encoder.encode("st: test\r\n\r\n"));
    const reply = await readAll(slow);
    assertMatch(reply, /^HTTP\/1\.1 200 /);
    assert(reply.endsWith("answered"), reply);
    await stopping;
  } finally {
    await server.shutdown();
  }
});

Deno.test("adoptServe() shutdown() finishes a request that started before it", async () => {
  const fd = tcpListener();
  const port = portOf(fd);
  const server = serve(fd, 30_000, async () => {
    await delay(600);
    return new Response("slow handler");
  });
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode(REQUEST));
    await delay(100);
    const stopping = server.shutdown();
    const reply = await readAll(conn);
    assertMatch(reply, /^HTTP\/1\.1 200 /);
    assert(reply.endsWith("slow handler"), reply);
    await stopping;
  } finally {
    await server.shutdown();
  }
});

Deno.test("adoptServe() shutdown() closes idle keep-alive connections without waiting for drainTimeout", async () => {
  const fd = tcpListener();
  const port = portOf(fd);
  const server = serve(fd, 600_000);
  try {
    const idle = await Deno.connect({ hostname: "127.0.0.1", port });
    await idle.write(encoder.encode(REQUEST));
    assertMatch(await readResponse(idle), /^HTTP\/1\.1 200 /);
    await delay(50);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopped = await Promise.race([
      server.shutdown().then(() => "stopped"),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve("still draining"), 20_000);
      }),
    ]);
    clearTimeout(timer);
    assertEquals(stopped, "stopped");
    // The server closed the idle connection.
    assertEquals(await readAll(idle), "");
  } finally {
    await server.shutdown();
  }
});

Deno.test("adoptServe() shutdown() closes a connection that stays silent for drainTimeout", async () => {
  const fd = tcpListener();
  const port = portOf(fd);
  const server = serve(fd, 300);
  try {
    const silent = await Deno.connect({ hostname: "127.0.0.1", port });
    await delay(100);
    await server.shutdown();
    assertEquals(await readAll(silent), "");
  } finally {
    await server.shutdown();
  }
});

Deno.test("countConnections() tells silent, busy and idle connections of a listener apart", async () => {
  const fd = tcpListener();
  const port = portOf(fd);
  const address = listenerAddress(fd)!;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  const server = serve(fd, 0, async (request) => {
    if (new URL(request.url).pathname === "/hold") await held;
    return new Response("ok");
  });
  const conns: Deno.Conn[] = [];
  try {
    assertEquals(countConnections(address), { silent: 0, busy: 0, idle: 0 });
    const silent = await Deno.connect({ hostname: "127.0.0.1", port });
    const busy = await Deno.connect({ hostname: "127.0.0.1", port });
    const idle = await Deno.connect({ hostname: "127.0.0.1", port });
    conns.push(silent, busy, idle);
    await busy.write(encoder.encode("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n"));
    await idle.write(encoder.encode(REQUEST));
    await readResponse(idle);
    await delay(100);
    assertEquals(countConnections(address), { silent: 1, busy: 1, idle: 1 });
    release();
    await readResponse(busy);
    await delay(50);
    assertEquals(countConnections(address), { silent: 1, busy: 0, idle: 2 });
  } finally {
    release();
    for (const conn of conns) conn.close();
    await server.shutdown();
    closeIfOpen(fd);
  }
});

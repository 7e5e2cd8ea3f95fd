/**
 * An HTTP child for launcher watch tests: answers every request with its
 * pid on the activated socket (fd 3) and shuts down gracefully on SIGTERM:
 * it stops accepting, answers what it accepted, and leaves the connections
 * still queued in the backlog to the next child.
 *
 * It uses `node:http` `listen({ fd: 3 })`: `ListenFds.serve()` (Deno.serve
 * on the adopted fd) drops connections it accepted but had not read yet when
 * `shutdown()` is called, a few per restart (measured: 7 to 21 failed
 * requests out of about 7,500 over 5 restarts). `--serve` selects it
 * anyway, to measure that. `--listener` (the default before Deno 2.8, where
 * `node:http` cannot listen on an fd) answers over the adopted
 * `Deno.Listener`; closing it can reset a connection accepted at that very
 * moment (measured: 1 in about 6,600 requests over 5 restarts, once in 5
 * runs).
 *
 * @module
 */

import { createServer } from "node:http";
import { ListenFds } from "../../mod.ts";

/** `node:http` `listen({ fd })` works from Deno 2.8 on (deno-runtime.md). */
function nodeFdSupported(): boolean {
  const [major = 0, minor = 0] = Deno.version.deno.split(".").map(Number);
  return major > 2 || (major === 2 && minor >= 8);
}

const fds = ListenFds.fromEnv();
if (Deno.args.includes("--serve")) {
  const server = fds.serve({
    index: 0,
    onListen(): void {},
    handler: () => new Response(`${Deno.pid}\n`),
  });
  Deno.addSignalListener("SIGTERM", () => {
    server.shutdown().then(() => Deno.exit(0));
  });
} else if (Deno.args.includes("--listener") || !nodeFdSupported()) {
  // A minimal HTTP/1.1 responder on the adopted Deno.Listener.
  const listener = fds.takeListener(0);
  const inFlight = new Set<Promise<void>>();
  const respond = async (conn: Deno.Conn): Promise<void> => {
    try {
      const buffer = new Uint8Array(4096);
      let request = "";
      while (!request.includes("\r\n\r\n")) {
        const n = await conn.read(buffer);
        if (n === null) return;
        request += new TextDecoder().decode(buffer.subarray(0, n));
      }
      const body = `${Deno.pid}\n`;
      await conn.write(
        new TextEncoder().encode(
          `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
        ),
      );
    } finally {
      conn.close();
    }
  };
  Deno.addSignalListener("SIGTERM", () => {
    listener.close();
    Promise.allSettled([...inFlight]).then(() => Deno.exit(0));
  });
  (async () => {
    try {
      for await (const conn of listener) {
        const done: Promise<void> = respond(conn).catch(() => {}).finally(() =>
          inFlight.delete(done)
        );
        inFlight.add(done);
      }
    } catch {
      // closed on SIGTERM
    }
  })();
} else {
  const { fd } = fds.take(0)!;
  const server = createServer((_request, response) => {
    response.end(`${Deno.pid}\n`);
  }).listen({ fd });
  Deno.addSignalListener("SIGTERM", () => {
    server.close(() => Deno.exit(0));
  });
}

/**
 * An HTTP child for launcher watch tests: answers every request with its
 * pid on the activated socket (fd 3) and shuts down gracefully on SIGTERM:
 * it stops accepting, answers what it accepted, and leaves the connections
 * still queued in the backlog to the next child.
 *
 * By default it serves with `ListenFds.serve()` (`Deno.serve` on the adopted
 * fd), whose `shutdown()` drains first. `--node` uses `node:http`
 * `listen({ fd: 3 })` (Deno 2.8 or later). `--listener` answers over the
 * adopted `Deno.Listener`: after `close()`, its iterator may still yield a
 * connection the runtime accepted just before, which is answered too.
 *
 * @module
 */

import { createServer } from "node:http";
import { ListenFds } from "../../mod.ts";

const fds = ListenFds.fromEnv();
if (Deno.args.includes("--listener")) {
  // A minimal HTTP/1.1 responder on the adopted Deno.Listener.
  const listener = fds.takeListener(0);
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
  const serving = (async () => {
    const answers = new Set<Promise<void>>();
    try {
      for await (const conn of listener) {
        const answer: Promise<void> = respond(conn).catch(() => {}).finally(
          () => answers.delete(answer),
        );
        answers.add(answer);
      }
    } catch {
      // closed on SIGTERM
    }
    await Promise.all(answers);
  })();
  Deno.addSignalListener("SIGTERM", () => {
    listener.close();
    // The loop ends once close() took effect, after any late connection.
    serving.then(() => Deno.exit(0));
  });
} else if (Deno.args.includes("--node")) {
  const { fd } = fds.take(0)!;
  const server = createServer((_request, response) => {
    response.end(`${Deno.pid}\n`);
  }).listen({ fd });
  Deno.addSignalListener("SIGTERM", () => {
    server.close(() => Deno.exit(0));
  });
} else {
  const server = fds.serve({
    index: 0,
    onListen(): void {},
    handler: () => new Response(`${Deno.pid}\n`),
  });
  Deno.addSignalListener("SIGTERM", () => {
    server.shutdown().then(() => Deno.exit(0));
  });
}

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
 * anyway, to measure that.
 *
 * @module
 */

import { createServer } from "node:http";
import { ListenFds } from "../../mod.ts";

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
} else {
  const { fd } = fds.take(0)!;
  const server = createServer((_request, response) => {
    response.end(`${Deno.pid}\n`);
  }).listen({ fd });
  Deno.addSignalListener("SIGTERM", () => {
    server.close(() => Deno.exit(0));
  });
}

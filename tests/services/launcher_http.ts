/**
 * An HTTP child for launcher watch tests: serves its pid on the activated
 * socket through `ListenFds.serve()` and shuts down gracefully on SIGTERM
 * (in-flight requests finish; queued connections stay in the backlog for
 * the next child).
 *
 * @module
 */

import { ListenFds } from "../../mod.ts";

const server = ListenFds.fromEnv().serve({
  index: 0,
  onListen(): void {},
  handler: () => new Response(`${Deno.pid}\n`),
});
Deno.addSignalListener("SIGTERM", () => {
  server.shutdown().then(() => Deno.exit(0));
});

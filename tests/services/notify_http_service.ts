/**
 * A `Type=notify` HTTP service for the zero-loss restart test and demo:
 * serves the socket named "web" with `ListenFds.serve()` (`$SERVE_VIA`:
 * `node` or `adopt`), answers every request with its pid, reports
 * `READY=1` once serving, and shuts down gracefully on SIGTERM.
 *
 * @module
 */

import { ListenFds } from "../../mod.ts";
import { notifyReady } from "../../notify.ts";
import { handleShutdown } from "../../shutdown.ts";

const via = (Deno.env.get("SERVE_VIA") ?? "node") as "node" | "adopt";
const server = ListenFds.fromEnv().serve({
  name: "web",
  via,
  handler: () => new Response(`${Deno.pid}\n`),
});
handleShutdown(server, { timeout: 5000 });
notifyReady();

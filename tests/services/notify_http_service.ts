/**
 * A `Type=notify` HTTP service for the zero-loss restart test and demo:
 * serves the socket named "web" with `ListenFds.serve()` (`$SERVE_VIA`:
 * `adopt`, the default, or `node`), answers every request with its pid,
 * reports `READY=1` once serving, and shuts down gracefully on SIGTERM (the
 * native server drains first).
 *
 * @module
 */

import { ListenFds } from "../../mod.ts";
import { notifyReady } from "../../notify.ts";
import { handleShutdown } from "../../shutdown.ts";

const via = (Deno.env.get("SERVE_VIA") ?? "adopt") as "node" | "adopt";
const server = ListenFds.fromEnv().serve({
  name: "web",
  via,
  // $DRAIN_TIMEOUT=0 measures Deno.serve's shutdown without draining.
  drainTimeout: Number(Deno.env.get("DRAIN_TIMEOUT") ?? 1000),
  handler: () => new Response(`${Deno.pid}\n`),
});
handleShutdown(server, { timeout: 5000 });
notifyReady();

/**
 * A Hono app on the activated socket named "http": Hono's `app.fetch` is an
 * ordinary fetch handler, so it plugs straight into `ListenFds.serve()`.
 *
 *   systemd-socket-activate -l 127.0.0.1:8000 --fdname=http \
 *     deno run --allow-env --allow-ffi --allow-net=127.0.0.1 examples/hono.ts
 *
 * @module
 */
import { Hono } from "npm:hono@4";
import { ListenFds } from "@listen-fds/listen-fds";

const app = new Hono();
app.get("/", (c) => c.text("hello from hono\n"));
app.get("/users/:name", (c) => c.json({ name: c.req.param("name") }));

ListenFds.fromEnv().serve({
  name: "http",
  hostname: "127.0.0.1",
  port: 8000,
  handler: app.fetch,
});

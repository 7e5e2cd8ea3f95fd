/**
 * An Express app on the activated socket named "http": `node:http` listens
 * on the fd itself (`listen({ fd })`, Deno 2.8.3 or later). Not activated, it
 * binds 127.0.0.1:8000 itself.
 *
 *   systemd-socket-activate -l 127.0.0.1:8000 --fdname=http \
 *     deno run --allow-env --allow-ffi --allow-net=127.0.0.1 examples/express.ts
 *
 * @module
 */
// @ts-types="npm:@types/express@4"
import express from "npm:express@4";
import { createServer } from "node:http";
import { ListenFds } from "@listen-fds/listen-fds";
import { handleShutdown } from "@listen-fds/listen-fds/notify";

const app = express();
app.get("/", (_req, res) => {
  res.send("hello from express\n");
});

const fds = ListenFds.fromEnv();
const server = createServer(app);
if (fds.length === 0) {
  server.listen(8000, "127.0.0.1"); // not socket-activated: development
} else {
  const [http] = fds.takeByName("http");
  if (!http) throw new Error(`No fd named "http" in ${fds.names.join(", ")}`);
  server.listen({ fd: http.fd });
}
handleShutdown(server); // SIGTERM: stop accepting, finish what was accepted

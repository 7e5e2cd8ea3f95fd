/**
 * An HTTP server on the socket named "http", at native `Deno.serve` speed.
 * Not socket-activated, it binds 127.0.0.1:8000 itself (development).
 *
 *   systemd-socket-activate -l 127.0.0.1:8000 --fdname=http \
 *     deno run --allow-env --allow-ffi --allow-net=127.0.0.1 examples/http_server.ts
 *
 * Units: examples/systemd/http.socket, examples/systemd/http.service.
 *
 * @module
 */
import { ListenFds } from "@listen-fds/listen-fds";

const fds = ListenFds.fromEnv();
const activated = fds.indexOf("http") !== -1;
let requests = 0;

fds.serve({
  name: "http",
  hostname: "127.0.0.1",
  port: 8000,
  onListen(addr): void {
    console.error(
      `pid ${Deno.pid} serving on ${JSON.stringify(addr)} (${
        activated ? "socket-activated" : "bound itself"
      })`,
    );
  },
  handler(request): Response {
    requests++;
    return Response.json({
      pid: Deno.pid,
      activated,
      requests,
      path: new URL(request.url).pathname,
    });
  },
});

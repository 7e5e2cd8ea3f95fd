/**
 * A WebSocket echo server on the activated socket named "http":
 * `Deno.upgradeWebSocket()` works in a `ListenFds.serve()` handler as in a
 * `Deno.serve()` one. Not activated, it binds 127.0.0.1:8000 itself.
 *
 *   systemd-socket-activate -l 127.0.0.1:8000 --fdname=http \
 *     deno run --allow-env --allow-ffi --allow-net=127.0.0.1 examples/websocket.ts
 *
 * @module
 */
import { ListenFds } from "@listen-fds/listen-fds";

ListenFds.fromEnv().serve({
  name: "http",
  hostname: "127.0.0.1",
  port: 8000,
  handler(request): Response {
    if (request.headers.get("upgrade") !== "websocket") {
      return new Response("a WebSocket endpoint\n", { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event): void => socket.send(event.data);
    return response;
  },
});

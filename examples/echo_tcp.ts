/**
 * A raw TCP echo server on the activated socket named "echo" (or on
 * 127.0.0.1:7000 when not activated): a genuine `Deno.Listener`.
 *
 *   systemd-socket-activate -l 127.0.0.1:7000 --fdname=echo \
 *     deno run --allow-env --allow-ffi --allow-net=127.0.0.1 examples/echo_tcp.ts
 *
 * @module
 */
import { ListenFds } from "@listen-fds/listen-fds";

const listener = ListenFds.fromEnv().listen({
  name: "echo",
  hostname: "127.0.0.1",
  port: 7000,
});
console.error(`echoing on ${JSON.stringify(listener.addr)}`);
for await (const conn of listener) {
  conn.readable.pipeTo(conn.writable).catch(() => {});
}

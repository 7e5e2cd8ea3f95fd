/**
 * A UDP echo server on the activated datagram socket named "echo". Deno's
 * datagram API is unstable, hence `--unstable-net`.
 *
 *   systemd-socket-activate --datagram -l 127.0.0.1:5353 --fdname=echo \
 *     deno run --unstable-net --allow-env --allow-ffi --allow-net=127.0.0.1 examples/udp_echo.ts
 *
 * Units: examples/systemd/udp-echo.socket, examples/systemd/udp-echo.service.
 *
 * @module
 */
import { ListenFds } from "@listen-fds/listen-fds";

const socket = ListenFds.fromEnv().takeDatagram("echo");
console.error(`echoing datagrams on ${JSON.stringify(socket.addr)}`);
for await (const [data, from] of socket) {
  await socket.send(data, from);
}

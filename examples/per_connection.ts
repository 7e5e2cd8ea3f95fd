/**
 * `Accept=yes`: systemd accepts each connection and starts one instance per
 * connection, passing the connected socket (named "connection"). This one
 * greets the peer and echoes one line.
 *
 *   systemd-socket-activate -a -l 127.0.0.1:7001 --fdname=connection \
 *     deno run --allow-env --allow-ffi --allow-net=127.0.0.1 examples/per_connection.ts
 *
 * Units: examples/systemd/greet.socket, examples/systemd/greet@.service.
 *
 * @module
 */
import { ListenFds } from "@listen-fds/listen-fds";

const conn = await ListenFds.fromEnv().takeConn("connection");
const peer = conn.remoteAddr as Deno.NetAddr;
const encoder = new TextEncoder();
await conn.write(encoder.encode(`hello ${peer.hostname}:${peer.port}\n`));
const buffer = new Uint8Array(1024);
const n = await conn.read(buffer);
if (n) await conn.write(buffer.subarray(0, n));
conn.close();

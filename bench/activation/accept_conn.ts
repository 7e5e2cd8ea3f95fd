/**
 * An `Accept=yes` service: `ListenFds.fromEnv().takeConn(0)`, one read, one
 * fixed HTTP response, exit.
 *
 * @module
 */

import { ListenFds } from "@listen-fds/listen-fds";

const REPLY = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n",
);
const conn = await ListenFds.fromEnv().takeConn(0);
await conn.read(new Uint8Array(16384));
await conn.write(REPLY);
conn.close();

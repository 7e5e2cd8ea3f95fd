/**
 * The inetd-style baseline (`systemd-socket-activate --inetd -a`): the
 * connection is fds 0 and 1; no module at all, Deno's stdin and stdout.
 *
 * @module
 */

const REPLY = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n",
);
await Deno.stdin.read(new Uint8Array(16384));
await Deno.stdout.write(REPLY);

/**
 * Control for the `Accept=yes` benchmark: the connection on fd 3, read and
 * answered with libc `read`/`write` over FFI, no module.
 *
 * @module
 */

const libc = Deno.dlopen("libc.so.6", {
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
});
const REPLY = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n",
);
libc.symbols.read(3, new Uint8Array(16384), 16384n);
libc.symbols.write(3, REPLY, BigInt(REPLY.length));

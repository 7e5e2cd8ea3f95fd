/**
 * Control, not a server: the least an activated Deno process can do to answer
 * the activating connection. No module: `Deno.dlopen` of libc, a blocking
 * `accept4` on fd 3 (the connection is already queued), one `write`, exit.
 * What is left between this and `activated_serve.ts` is the cost of the
 * module and of handing the socket to Deno's reactor.
 *
 * @module
 */

const libc = Deno.dlopen("libc.so.6", {
  accept4: { parameters: ["i32", "pointer", "pointer", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
});
const REPLY = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nok\n",
);
const conn = libc.symbols.accept4(3, null, null, 0o2000000); // SOCK_CLOEXEC
if (conn < 0) throw new Error("accept4 on fd 3 failed");
libc.symbols.read(conn, new Uint8Array(16384), 16384n);
libc.symbols.write(conn, REPLY, BigInt(REPLY.length));
libc.symbols.close(conn);

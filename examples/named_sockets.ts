/**
 * One service, several sockets, picked by name: a public HTTP socket and an
 * admin socket on a Unix path. With several `.socket` units the fd order is
 * undefined, so always select by `FileDescriptorName=`.
 *
 *   systemd-socket-activate -l 127.0.0.1:8000 -l /tmp/admin.sock \
 *     --fdname=public:admin \
 *     deno run -A examples/named_sockets.ts
 *
 * Adopting a Unix socket goes through a placeholder Unix socket in a private
 * temporary directory, which needs read, write and net permission: here `-A`
 * (`--allow-ffi` is full trust anyway).
 *
 * Units: examples/systemd/web.socket, admin.socket, web.service.
 *
 * @module
 */
import { ListenFds } from "@listen-fds/listen-fds";

const fds = ListenFds.fromEnv();
console.error(`received ${fds.length} fds: ${fds.names.join(", ")}`);

fds.serve({
  name: "public",
  hostname: "127.0.0.1",
  port: 8000,
  handler: () => new Response("public\n"),
});
fds.serve({
  name: "admin",
  hostname: "127.0.0.1",
  port: 8001,
  handler: () =>
    Response.json({ pid: Deno.pid, memory: Deno.memoryUsage().rss }),
});

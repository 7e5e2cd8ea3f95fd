/**
 * A `Type=notify` service: tells systemd when it is ready, feeds the
 * watchdog, drains on SIGTERM, and keeps its request count across restarts in
 * systemd's fd store (a memfd named "state"). Not activated, it binds
 * 127.0.0.1:8080 itself and every notification is a no-op.
 *
 * Units: examples/systemd/notify-web.socket, examples/systemd/notify-web.service.
 *
 * @module
 */
import { ListenFds } from "@listen-fds/listen-fds";
import {
  createMemfd,
  handleShutdown,
  notifyReady,
  notifyStatus,
  readMemfd,
  removeStoredFds,
  startWatchdog,
  storeFds,
} from "@listen-fds/listen-fds/notify";

const fds = ListenFds.fromEnv();
// What the previous instance stored comes back after the socket's fd.
const [saved] = fds.takeByName("state");
let requests = saved
  ? Number(new TextDecoder().decode(readMemfd(saved.fd)))
  : 0;

const server = fds.serve({
  name: "web",
  hostname: "127.0.0.1",
  port: 8080,
  handler: () => Response.json({ pid: Deno.pid, requests: ++requests }),
});
handleShutdown(server, {
  timeout: 10_000,
  onShutdown(): void {
    removeStoredFds("state"); // replace the stored state, don't add to it
    storeFds([createMemfd("state", String(requests))], { name: "state" });
  },
});
startWatchdog();
notifyReady();
notifyStatus("serving");

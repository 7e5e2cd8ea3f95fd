/**
 * An HTTP service that upgrades itself with no gap on `systemctl reload`:
 * the old process starts its successor (this script again, re-read from
 * disk), hands it the listening socket, keeps serving until the successor is
 * ready, tells systemd the new `MAINPID=`, then drains and exits.
 *
 * Units: examples/systemd/upgrade.socket, examples/systemd/upgrade.service
 * (`Type=notify-reload`, systemd 253+).
 *
 *   systemctl start upgrade.socket
 *   curl http://127.0.0.1:8080/      # {"pid":101,…}
 *   systemctl reload upgrade.service # returns once the successor took over
 *   curl http://127.0.0.1:8080/      # {"pid":102,…}
 *
 * Without systemd (socket activation by hand): `kill -HUP <pid>`.
 *
 * @module
 */
import { ListenFds } from "@listen-fds/listen-fds";
import {
  handleShutdown,
  handleUpgrades,
  notifyReady,
  Upgrader,
} from "@listen-fds/listen-fds/notify";

const fds = ListenFds.fromEnv();
// Before serve() takes the socket: the upgrader keeps its own copy.
const upgrader = Upgrader.fromListenFds(fds);
const started = new Date().toISOString();

const server = fds.serve({
  name: "web",
  hostname: "127.0.0.1",
  port: 8080,
  onListen(addr): void {
    console.error(`pid ${Deno.pid} serving on ${JSON.stringify(addr)}`);
  },
  handler: () => Response.json({ pid: Deno.pid, started }),
});
handleShutdown(server); // systemctl stop: STOPPING=1, drain, exit
if (upgrader.fds.length > 0) {
  // systemctl reload (SIGHUP): successor, MAINPID=, drain, exit. Installed
  // before READY=1, as systemd 262 requires of Type=notify-reload.
  handleUpgrades(server, {
    upgrader,
    onUpgrade(outcome): void {
      console.error(
        outcome.ok
          ? `pid ${Deno.pid}: handed over to pid ${outcome.pid}, draining`
          : `pid ${Deno.pid}: ${outcome.error.message}; serving on`,
      );
    },
  });
}
notifyReady();

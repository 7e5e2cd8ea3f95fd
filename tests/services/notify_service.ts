/**
 * A `Type=notify` test service for the sd_notify, watchdog and fd store
 * end-to-end tests. The mode is the first argument; observations go to
 * `$NOTIFY_OBS` (one JSON object per line).
 *
 * - `ready-on-trigger`: sends `READY=1` only once the file `$NOTIFY_TRIGGER`
 *   exists.
 * - `watchdog`: feeds the watchdog with `startWatchdog()`.
 * - `no-watchdog`: reports ready, then never pings.
 * - `fdstore`: reads the memfd named "state" back from the fd store, if any,
 *   and stores a new one holding this pid; with `$OWN_PORT`, also binds a TCP
 *   listener itself on the first start, stores it as "own", and serves it
 *   with `ListenFds.serve()` on every later start.
 *
 * @module
 */

import { ListenFds } from "../../mod.ts";
import { notifyReady, notifyStatus } from "../../notify.ts";
import { startWatchdog, watchdogInterval } from "../../watchdog.ts";
import {
  closeFd,
  createMemfd,
  readMemfd,
  removeStoredFds,
  storeFds,
} from "../../fd_store.ts";
import { handleShutdown } from "../../shutdown.ts";
import { errno, libc, LINUX } from "../../ffi.ts";
import { encodeInetSockaddr } from "../../sockaddr.ts";

const mode = Deno.args[0];
const obs = Deno.env.get("NOTIFY_OBS");

function bindTcpListener(port: number): number {
  const c = libc();
  const fd = c.socket(LINUX.AF_INET, LINUX.SOCK_STREAM | LINUX.SOCK_CLOEXEC, 0);
  const address = encodeInetSockaddr("127.0.0.1", port);
  // Closed connections of an earlier run may still be in TIME_WAIT.
  const one = new Int32Array([1]);
  if (
    fd === -1 ||
    c.setsockopt(fd, LINUX.SOL_SOCKET, LINUX.SO_REUSEADDR, one, 4) === -1 ||
    c.bind(fd, address, address.length) === -1 ||
    c.listen(fd, 128) === -1
  ) {
    throw new Error(`Cannot listen on 127.0.0.1:${port}: errno ${errno()}`);
  }
  return fd;
}

function report(event: Record<string, unknown>): void {
  if (obs) {
    Deno.writeTextFileSync(
      obs,
      `${JSON.stringify({ pid: Deno.pid, mode, ...event })}\n`,
      { append: true },
    );
  }
}

// Stay alive until SIGTERM.
const keepAlive = setInterval(() => {}, 1 << 30);
handleShutdown({ close: () => clearInterval(keepAlive) }, { timeout: 1000 });

switch (mode) {
  case "ready-on-trigger": {
    const trigger = Deno.env.get("NOTIFY_TRIGGER")!;
    report({ event: "started" });
    while (true) {
      try {
        Deno.statSync(trigger);
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    report({ event: "ready" });
    notifyReady();
    break;
  }
  case "watchdog": {
    const watchdog = startWatchdog();
    report({
      event: "ready",
      interval: watchdog.interval,
      running: watchdog.running,
    });
    notifyReady();
    break;
  }
  case "no-watchdog": {
    report({ event: "ready", interval: watchdogInterval() });
    notifyReady();
    break;
  }
  case "fdstore": {
    const fds = ListenFds.fromEnv();
    const [previous] = fds.takeByName("state");
    let restored: string | undefined;
    if (previous) {
      restored = new TextDecoder().decode(readMemfd(previous.fd));
      closeFd(previous.fd);
    }
    const fd = createMemfd("state", `pid=${Deno.pid}`);
    // systemd keeps stored fds across restarts: replace the previous copy.
    if (previous) removeStoredFds("state");
    storeFds([fd], { name: "state" });
    closeFd(fd);
    // A listener the service made itself (not a socket unit): created and
    // stored on the first start, served by every later one. Connections made
    // meanwhile wait in its backlog, which systemd keeps open.
    const ownPort = Number(Deno.env.get("OWN_PORT"));
    let serving = false;
    if (ownPort) {
      if (fds.indexOf("own") === -1) {
        const own = bindTcpListener(ownPort);
        storeFds([own], { name: "own" });
        closeFd(own);
      } else {
        const server = fds.serve({
          name: "own",
          handler: () => new Response(`${Deno.pid}`),
        });
        handleShutdown(server, { timeout: 1000 });
        serving = true;
      }
    }
    // Written before READY=1: `systemctl restart` returns on READY=1, and the
    // test reads this right after.
    report({ event: "ready", names: fds.names, restored, serving });
    notifyStatus(restored ? `restored ${restored}` : "fresh start");
    notifyReady();
    break;
  }
  default:
    throw new Error(`unknown mode "${mode}"`);
}

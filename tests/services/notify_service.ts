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
 *   and stores a new one holding this pid.
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

const mode = Deno.args[0];
const obs = Deno.env.get("NOTIFY_OBS");

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
    notifyReady();
    report({ event: "ready" });
    break;
  }
  case "watchdog": {
    const watchdog = startWatchdog();
    notifyReady();
    report({
      event: "ready",
      interval: watchdog.interval,
      running: watchdog.running,
    });
    break;
  }
  case "no-watchdog": {
    notifyReady();
    report({ event: "ready", interval: watchdogInterval() });
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
    notifyStatus(restored ? `restored ${restored}` : "fresh start");
    notifyReady();
    report({ event: "ready", names: fds.names, restored });
    break;
  }
  default:
    throw new Error(`unknown mode "${mode}"`);
}

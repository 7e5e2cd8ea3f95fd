/**
 * Talking back to systemd: the `sd_notify` protocol (ready, reloading,
 * stopping, status), the watchdog keep-alive, the fd store that keeps sockets
 * and state across restarts, a graceful shutdown on `SIGTERM`, reloads with
 * `Type=notify-reload` and hot upgrades (a successor takes the sockets over).
 *
 * Every notification is a no-op returning `false` when `NOTIFY_SOCKET` is not
 * set, so a service can call them unconditionally and still run outside
 * systemd.
 *
 * Permissions: `--allow-env=NOTIFY_SOCKET,WATCHDOG_USEC,WATCHDOG_PID` and
 * `--allow-ffi` (the datagram is sent with libc's `sendmsg`; FFI means full
 * trust).
 *
 * @example Usage
 * ```ts
 * import { handleShutdown, notifyReady, startWatchdog } from "@listen-fds/listen-fds/notify";
 *
 * const server = Deno.serve({ port: 0, onListen() {} }, () => new Response("hi"));
 * using _shutdown = handleShutdown(server, { timeout: 10_000 });
 * using _watchdog = startWatchdog();
 * notifyReady(); // false: not started by systemd
 * await server.shutdown();
 * ```
 *
 * @module
 */

export {
  notify,
  notifyErrno,
  notifyExtendTimeout,
  notifyMainPid,
  notifyReady,
  notifyReloading,
  notifyStatus,
  notifyStopping,
} from "./_notify/notify.ts";
export type { NotifyOptions, NotifyState } from "./_notify/notify.ts";
export { startWatchdog } from "./_notify/watchdog.ts";
export type {
  StartWatchdogOptions,
  Watchdog,
  WatchdogIntervalOptions,
} from "./_notify/watchdog.ts";
export {
  closeFd,
  createMemfd,
  readMemfd,
  removeStoredFds,
  storeFds,
} from "./_notify/fd_store.ts";
export type { StoreFdsOptions } from "./_notify/fd_store.ts";
export { handleShutdown } from "./_notify/shutdown.ts";
export { handleReload } from "./_notify/reload.ts";
export type { HandleReloadOptions, ReloadHandler } from "./_notify/reload.ts";
export { handleUpgrades, UPGRADE_SOCKET, Upgrader } from "./_notify/upgrade.ts";
export type {
  HandleUpgradesOptions,
  ListenFdsLike,
  UpgradeFd,
  UpgradeHandler,
  UpgradeOptions,
  UpgradeOutcome,
  UpgradeResult,
} from "./_notify/upgrade.ts";
export type {
  HandleShutdownOptions,
  ShutdownHandler,
  ShutdownOutcome,
  Stoppable,
} from "./_notify/shutdown.ts";

/**
 * The little state that `notify.ts` and `fd_store.ts` share with `upgrade.ts`
 * without importing it: the variable that names a predecessor's readiness
 * socket, and the listeners that learn about fds handed to the fd store.
 *
 * Internal (`_` prefix): not one of the package's exports.
 *
 * @module
 */

/**
 * The environment variable with which a hot upgrade tells the successor where
 * to send `READY=1`: an abstract `AF_UNIX` datagram socket (`@name`) of the
 * predecessor, which accepts datagrams from the successor's pid only.
 */
export const UPGRADE_SOCKET = "LISTEN_FDS_UPGRADE_SOCKET";

/**
 * The environment variable with which the development launcher (`launch`)
 * tells its children its pid: a child's own hot upgrade would start a
 * successor the launcher does not supervise, so `Upgrader.upgrade()` refuses
 * (`launch --upgrade-on` upgrades the child instead).
 */
export const LAUNCHER_PID = "LISTEN_FDS_LAUNCHER_PID";

/**
 * The pid of the launcher this process runs under, from
 * {@linkcode LAUNCHER_PID}.
 *
 * @returns The value, or `undefined` when not under `launch` (or when the
 * variable may not be read).
 */
export function launcherPid(): string | undefined {
  try {
    return Deno.env.get(LAUNCHER_PID) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads and removes {@linkcode UPGRADE_SOCKET} from the process environment,
 * so only the first readiness notification goes to the predecessor.
 *
 * @returns The address, or `undefined` when this process is no successor (or
 * may not read the variable).
 */
export function takeUpgradeSocket(): string | undefined {
  let value: string | undefined;
  try {
    value = Deno.env.get(UPGRADE_SOCKET);
  } catch {
    return undefined; // no --allow-env for it: not an upgrade we can answer
  }
  if (value === undefined) return undefined;
  try {
    Deno.env.delete(UPGRADE_SOCKET);
  } catch {
    // read-only access: harmless, the predecessor is gone after READY=1
  }
  return value === "" ? undefined : value;
}

/**
 * Called with the fds and name of every `storeFds()` call, and with no fds
 * and the name of every `removeStoredFds()` call.
 */
export type StoreListener = (
  change: "store" | "remove",
  fds: readonly number[],
  name: string,
) => void;

const storeListeners = new Set<StoreListener>();

/**
 * Adds a listener for fds handed to the fd store.
 *
 * @param listener The listener.
 * @returns A function that removes it.
 */
export function onStoreFds(listener: StoreListener): () => void {
  storeListeners.add(listener);
  return () => storeListeners.delete(listener);
}

/**
 * Tells the listeners that fds were handed to the fd store.
 *
 * @param fds The fds.
 * @param name Their name.
 */
export function recordStoredFds(fds: readonly number[], name: string): void {
  for (const listener of storeListeners) listener("store", fds, name);
}

/**
 * Tells the listeners that every stored fd with a name was removed.
 *
 * @param name The name.
 */
export function recordRemovedFds(name: string): void {
  for (const listener of storeListeners) listener("remove", [], name);
}

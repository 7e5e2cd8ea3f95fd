/**
 * systemd's file descriptor store: hand fds to the service manager
 * (`FDSTORE=1`) so that they survive a restart of the service. On the next
 * start they come back after the socket-unit fds, with their names in
 * `LISTEN_FDNAMES`, and {@linkcode ListenFds} hands them out like any other.
 *
 * The unit needs `FileDescriptorStoreMax=` greater than 0. The store is kept
 * across `systemctl restart` (and crashes with `Restart=`), and emptied on
 * `systemctl stop` (unless `FileDescriptorStorePreserve=yes`, systemd 254+).
 *
 * What can be stored: any fd number this process owns, for example an fd
 * taken from {@linkcode ListenFds}, a memfd holding state
 * ({@linkcode createMemfd}), or a socket created through FFI. Deno's own
 * `Deno.Listener`, `Deno.Conn` and `Deno.FsFile` expose no fd, so they cannot
 * be stored.
 *
 * Permissions: `--allow-env=NOTIFY_SOCKET` and `--allow-ffi`.
 *
 * @example Usage
 * ```ts
 * import { ListenFds } from "@listen-fds/listen-fds";
 * import {
 *   closeFd,
 *   createMemfd,
 *   readMemfd,
 *   storeFds,
 * } from "@listen-fds/listen-fds/notify";
 *
 * const [previous] = ListenFds.fromEnv().takeByName("state");
 * const state = previous ? new TextDecoder().decode(readMemfd(previous.fd)) : "{}";
 * const fd = previous?.fd ?? createMemfd("state", state);
 * storeFds([fd], { name: "state" }); // systemd keeps a duplicate
 * closeFd(fd);
 * ```
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import { cString, errno, errnoError, libc, syscallError } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { readToEnd } from "../_io.ts";
import { notify } from "./notify.ts";
import type { NotifyOptions } from "./notify.ts";
import { recordRemovedFds, recordStoredFds } from "./upgrade_state.ts";

/** The longest name the fd store accepts (`FDNAME_MAX`). */
export const FDNAME_MAX = 255;

/** Options of {@linkcode storeFds}. */
export interface StoreFdsOptions extends Omit<NotifyOptions, "fds"> {
  /**
   * The name the fds come back with in `LISTEN_FDNAMES`: printable ASCII
   * without `:`, at most 255 characters.
   *
   * @default {"stored"} (systemd's default)
   */
  name?: string;
  /**
   * Let systemd watch the fds and drop them on `POLLHUP`/`POLLERR` (a closed
   * connection, a pipe whose writer closed). `false` sends `FDPOLL=0` and
   * keeps them anyway.
   *
   * @default {true}
   */
  poll?: boolean;
}

/**
 * Stores fds in the service manager: `FDSTORE=1`, `FDNAME=`, and `FDPOLL=0`
 * when `poll` is `false`, with the fds attached. systemd keeps duplicates; the
 * caller still owns its fds. Storing the same fd twice keeps one copy.
 *
 * @param fds The fds, 1 to 253 of them.
 * @param options The name and whether systemd may drop hung-up fds.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` for no fds, too many fds, or a
 * bad name; otherwise as {@linkcode notify}.
 *
 * @example Usage
 * ```ts
 * import { closeFd, createMemfd, storeFds } from "@listen-fds/listen-fds/notify";
 *
 * const fd = createMemfd("counter", "41");
 * storeFds([fd], { name: "counter" }); // false: not started by systemd
 * closeFd(fd);
 * ```
 */
export function storeFds(
  fds: readonly number[],
  options: StoreFdsOptions = {},
): boolean {
  if (fds.length === 0) {
    throw new ListenFdsError("Cannot store fds: no fd given", {
      code: "INVALID_ARGUMENT",
    });
  }
  const state: Record<string, string> = { FDSTORE: "1" };
  if (options.name !== undefined) state.FDNAME = checkName(options.name);
  if (options.poll === false) state.FDPOLL = "0";
  const sent = notify(state, { ...options, fds });
  // A hot upgrade hands the successor what the store holds (upgrade.ts).
  recordStoredFds(fds, state.FDNAME ?? "stored");
  return sent;
}

/**
 * Removes every stored fd with a name from the service manager's store:
 * `FDSTOREREMOVE=1` and `FDNAME=`. Our own copies are not affected.
 *
 * @param name The name the fds were stored under.
 * @param options See {@linkcode NotifyOptions}.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` for a bad name; otherwise as
 * {@linkcode notify}.
 *
 * @example Usage
 * ```ts
 * import { removeStoredFds } from "@listen-fds/listen-fds/notify";
 *
 * removeStoredFds("counter");
 * ```
 */
export function removeStoredFds(
  name: string,
  options: Omit<NotifyOptions, "fds"> = {},
): boolean {
  const sent = notify({ FDSTOREREMOVE: "1", FDNAME: checkName(name) }, options);
  recordRemovedFds(name);
  return sent;
}

/**
 * Creates a memfd (an anonymous in-memory file) holding `data`, to keep
 * state across restarts in the fd store. The fd is close-on-exec, its offset
 * is at the start, and it belongs to the caller.
 *
 * @param name A name for debugging (shown as `/memfd:<name>`), at most 249
 * bytes, no `/`.
 * @param data The initial contents.
 * @returns The new fd.
 * @throws {ListenFdsError} `UNSUPPORTED_PLATFORM` without `memfd_create`,
 * `SYSCALL_FAILED` when creating or writing fails.
 *
 * @example Usage
 * ```ts
 * import { closeFd, createMemfd, readMemfd } from "@listen-fds/listen-fds/notify";
 *
 * const fd = createMemfd("state", JSON.stringify({ sessions: 3 }));
 * console.log(new TextDecoder().decode(readMemfd(fd)));
 * closeFd(fd);
 * ```
 */
export function createMemfd(
  name: string,
  data: Uint8Array | string = new Uint8Array(0),
): number {
  const c = libc();
  if (!c.memfd_create) {
    throw new ListenFdsError(
      "Cannot create a memfd: the C library has no memfd_create",
      { code: "UNSUPPORTED_PLATFORM" },
    );
  }
  const fd = c.memfd_create(cString(name), LINUX.MFD_CLOEXEC);
  if (fd === -1) {
    throw syscallError(`Cannot create memfd "${name}"`, "memfd_create");
  }
  try {
    const bytes = typeof data === "string"
      ? new TextEncoder().encode(data)
      : data;
    let written = 0;
    while (written < bytes.length) {
      const chunk = bytes.subarray(written);
      const result = Number(c.write(fd, chunk, BigInt(chunk.length)));
      if (result === -1) {
        throw syscallError(`Cannot write memfd "${name}"`, "write", fd);
      }
      written += result;
    }
    seekStart(fd);
    return fd;
  } catch (error) {
    c.close(fd);
    throw error;
  }
}

/**
 * Reads a memfd (or any regular file fd) from its start to its end, e.g. one
 * that came back from the fd store. The file offset is left at the end.
 *
 * @param fd The fd.
 * @returns Its whole contents.
 * @throws {ListenFdsError} `SYSCALL_FAILED` when seeking or reading fails
 * (e.g. `ESPIPE` for a socket or pipe).
 *
 * @example Usage
 * ```ts
 * import { ListenFds } from "@listen-fds/listen-fds";
 * import { closeFd, readMemfd } from "@listen-fds/listen-fds/notify";
 *
 * const [state] = ListenFds.fromEnv().takeByName("state");
 * if (state) {
 *   console.log(new TextDecoder().decode(readMemfd(state.fd)));
 *   closeFd(state.fd);
 * }
 * ```
 */
export function readMemfd(fd: number): Uint8Array {
  seekStart(fd);
  return readToEnd(fd);
}

/**
 * Closes an fd this process owns, such as one taken from
 * {@linkcode ListenFds} or made by {@linkcode createMemfd}.
 *
 * @param fd The fd.
 * @throws {ListenFdsError} `FD_NOT_OPEN` when it is not open,
 * `SYSCALL_FAILED` for other failures.
 *
 * @example Usage
 * ```ts
 * import { closeFd, createMemfd } from "@listen-fds/listen-fds/notify";
 *
 * closeFd(createMemfd("scratch"));
 * ```
 */
export function closeFd(fd: number): void {
  if (libc().close(fd) === -1) {
    const code = errno();
    throw errnoError(
      `Cannot close fd ${fd}`,
      "close",
      code,
      fd,
      code === LINUX.EBADF ? "FD_NOT_OPEN" : "SYSCALL_FAILED",
    );
  }
}

function seekStart(fd: number): void {
  if (Number(libc().lseek(fd, 0n, LINUX.SEEK_SET)) === -1) {
    throw syscallError(`Cannot seek fd ${fd}`, "lseek", fd);
  }
}

function checkName(name: string): string {
  let reason: string | undefined;
  if (name.length === 0) reason = "it is empty";
  else if (name.length > FDNAME_MAX) {
    reason = `it is longer than ${FDNAME_MAX} characters`;
  } else if (name.includes(":")) reason = `it contains ":"`;
  else if (/[^\x20-\x7e]/.test(name)) {
    reason = "it is not printable ASCII";
  }
  if (reason !== undefined) {
    throw new ListenFdsError(
      `Cannot use fd store name "${name}": ${reason}`,
      { code: "INVALID_ARGUMENT", value: name },
    );
  }
  return name;
}

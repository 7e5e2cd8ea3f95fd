/**
 * Socket activation for Deno: adopt the sockets systemd (or a launcher like
 * it) passes to a service as fds 3, 4, ... and described in `LISTEN_FDS`,
 * `LISTEN_PID`, `LISTEN_PIDFDID` and `LISTEN_FDNAMES`.
 *
 * {@linkcode ListenFds.fromEnv} reads and validates the environment once per
 * process, makes every received fd close-on-exec and removes the variables,
 * so children inherit neither. Each fd can then be borrowed, taken once, or
 * handed to Deno's own networking: {@linkcode ListenFds.serve},
 * {@linkcode ListenFds.listen} and the `take*` methods.
 *
 * ```ts
 * import { ListenFds } from "@listen-fds/listen-fds";
 *
 * const fds = ListenFds.fromEnv();
 * console.log(fds.length, fds.names); // 1 [ "http" ] under systemd, 0 [] here
 * ```
 *
 * Talking back to systemd (sd_notify, the watchdog, the fd store, graceful
 * shutdown) lives in `@listen-fds/listen-fds/notify`, the pure parser in
 * `@listen-fds/listen-fds/env`, the development launcher in
 * `@listen-fds/listen-fds/launch`.
 *
 * Permissions: `--allow-env` for the `LISTEN_*` variables and, once the
 * process was activated, `--allow-ffi` (libc is used to check and adopt the
 * fds; FFI means full trust).
 *
 * Linux only, on x86_64 or aarch64: every function that needs libc throws a
 * {@linkcode ListenFdsError} with code `UNSUPPORTED_PLATFORM` elsewhere.
 *
 * @module
 */

export { ListenFds } from "./listen_fds.ts";
export type {
  FromEnvOptions,
  ListenFd,
  ListenFdsVerification,
} from "./listen_fds.ts";
export type {
  AdoptServeOptions,
  FallbackOptions,
  FdSelector,
  HandOffOptions,
  HandOffVia,
  ListenOrBindOptions,
  ServeOrBindOptions,
} from "./_adopt/options.ts";
export { adoptInetdConn } from "./_adopt/conn.ts";
export { ListenFdsError } from "./_errors.ts";
export type { ListenFdsErrorCode, ListenFdsErrorOptions } from "./_errors.ts";
export type { ListenEnvRecord } from "./_env.ts";
export type {
  FdInfo,
  FdKind,
  SocketAddress,
  SocketFamily,
  SocketInfo,
  SocketType,
} from "./_fd_info.ts";

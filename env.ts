/**
 * Pure parsing and validation of the socket-activation environment:
 * `LISTEN_FDS`, `LISTEN_PID`, `LISTEN_PIDFDID`, `LISTEN_FDNAMES` and
 * systemfd's `LISTEN_FDS_FIRST_FD`. No I/O, no FFI, no permissions: give it an
 * environment record and, to check `LISTEN_PID`, this process's pid.
 *
 * The rules follow libsystemd's `sd_listen_fds_with_names()` except where a
 * stricter reading prevents misreading: numbers must be canonical decimals
 * (`010` is neither 8 nor 10 but an error), a `LISTEN_PID` for another process
 * is an error rather than a silent "not activated", and an absent `LISTEN_PID`
 * skips the check (systemfd `--no-pid`).
 *
 * Values may be given as text or, when they are not valid UTF-8, as their raw
 * bytes (a `Uint8Array`): names are then accepted as libsystemd accepts them,
 * each invalid byte reading as U+FFFD, and a number is a `ListenFdsError`
 * naming its variable and showing the bytes as `\xNN`.
 *
 * @example Usage
 * ```ts
 * import { parseListenEnv } from "@listen-fds/listen-fds/env";
 * import { assertEquals } from "@std/assert";
 *
 * const env = parseListenEnv(
 *   { LISTEN_FDS: "2", LISTEN_PID: "42", LISTEN_FDNAMES: "http:admin" },
 *   { pid: 42 },
 * );
 * assertEquals(env?.names, ["http", "admin"]);
 * assertEquals(env?.firstFd, 3);
 * ```
 *
 * @module
 */

export { parseListenEnv } from "./_env.ts";
export type {
  ListenEnv,
  ListenEnvRecord,
  ParseListenEnvOptions,
} from "./_env.ts";
export { ListenFdsError } from "./_errors.ts";
export type { ListenFdsErrorCode, ListenFdsErrorOptions } from "./_errors.ts";

/**
 * The one error class of this module, {@linkcode ListenFdsError}, and its
 * stable codes.
 *
 * @module
 */

/**
 * Stable machine-readable codes of {@linkcode ListenFdsError}, one per kind of
 * failure. New codes may be added in minor versions; existing ones never change
 * meaning.
 */
export type ListenFdsErrorCode =
  /** `LISTEN_FDS` is not a canonical decimal in 1 ... 2147483644. */
  | "INVALID_LISTEN_FDS"
  /** `LISTEN_PID` is not a canonical decimal greater than 0. */
  | "INVALID_LISTEN_PID"
  /** `LISTEN_PIDFDID` is not a canonical decimal unsigned 64-bit integer. */
  | "INVALID_LISTEN_PIDFDID"
  /** `LISTEN_FDNAMES` ends in an escaping backslash. */
  | "INVALID_LISTEN_FDNAMES"
  /** `LISTEN_FDS_FIRST_FD` is not a canonical decimal file descriptor. */
  | "INVALID_LISTEN_FDS_FIRST_FD"
  /** `LISTEN_PID` names another process. */
  | "PID_MISMATCH"
  /** `LISTEN_PIDFDID` names another process (pid reuse). */
  | "PIDFDID_MISMATCH"
  /** `LISTEN_FDNAMES` has a different number of names than `LISTEN_FDS`. */
  | "FDNAMES_COUNT_MISMATCH"
  /** An fd in the announced range is not open. */
  | "FD_NOT_OPEN"
  /** An fd in the announced range was opened by this process, not inherited. */
  | "FD_NOT_INHERITED"
  /** An fd is not of the type a hand-off asked for. */
  | "WRONG_FD_TYPE"
  /**
   * The process was socket-activated, but no untaken fd has the requested
   * name or index (or several fds were passed and none was chosen).
   */
  | "FD_NOT_FOUND"
  /**
   * A hand-off needs an activated fd, but the process was not
   * socket-activated at all (`LISTEN_FDS` is not set).
   */
  | "NOT_ACTIVATED"
  /** A libc call failed; see `syscall` and `errno`. */
  | "SYSCALL_FAILED"
  /** `--allow-ffi` (or another permission) is missing. */
  | "PERMISSION_REQUIRED"
  /** The C library could not be loaded. */
  | "LIBC_UNAVAILABLE"
  /** The operating system or CPU is not supported for this operation. */
  | "UNSUPPORTED_PLATFORM"
  /** An unstable Deno API is needed but its flag was not given. */
  | "UNSTABLE_API_REQUIRED"
  /** Deno's networking could not take the fd over. */
  | "ADOPTION_FAILED"
  /** `NOTIFY_SOCKET` is not a usable address. */
  | "INVALID_NOTIFY_SOCKET"
  /** `WATCHDOG_USEC` is not a usable interval. */
  | "INVALID_WATCHDOG_USEC"
  /** `WATCHDOG_PID` is not a canonical decimal greater than 0. */
  | "INVALID_WATCHDOG_PID"
  /** A notification could not be built or sent. */
  | "NOTIFY_FAILED"
  /** An argument has the wrong shape or value. */
  | "INVALID_ARGUMENT"
  /** A launcher socket spec (`http::3000`, `unix::/run/x.sock`, ...) is malformed. */
  | "INVALID_SOCKET_SPEC"
  /** A serving worker could not start, or died more often than allowed. */
  | "WORKER_FAILED"
  /** A hot upgrade's successor exited or did not report ready in time. */
  | "UPGRADE_FAILED"
  /** A hot upgrade was asked for while another one was running. */
  | "UPGRADE_IN_PROGRESS";

/** Details attached to a {@linkcode ListenFdsError}. */
export interface ListenFdsErrorOptions extends ErrorOptions {
  /** The stable code of the failure. */
  code: ListenFdsErrorCode;
  /** The environment variable that was rejected. */
  variable?: string | undefined;
  /** The rejected value, verbatim. */
  value?: string | undefined;
  /** The file descriptor concerned. */
  fd?: number | undefined;
  /** The libc function that failed. */
  syscall?: string | undefined;
  /** The `errno` the libc function left behind. */
  errno?: number | undefined;
}

/**
 * Every failure of this module: malformed `LISTEN_*` variables, an
 * environment meant for another process, an fd of the wrong type, a failed
 * libc call or a missing permission. {@linkcode ListenFdsError.code} tells the
 * cases apart.
 *
 * @example Usage
 * ```ts
 * import { ListenFdsError } from "@listen-fds/listen-fds";
 * import { parseListenEnv } from "@listen-fds/listen-fds/env";
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 *
 * try {
 *   parseListenEnv({ LISTEN_FDS: "010" });
 * } catch (error) {
 *   assertInstanceOf(error, ListenFdsError);
 *   assertEquals(error.code, "INVALID_LISTEN_FDS");
 *   assertEquals(error.variable, "LISTEN_FDS");
 *   assertEquals(error.value, "010");
 * }
 * ```
 */
export class ListenFdsError extends Error {
  /** The error's name, `"ListenFdsError"`. */
  override name = "ListenFdsError";
  /** The stable code of the failure. */
  readonly code: ListenFdsErrorCode;
  /** The environment variable that was rejected, if any. */
  readonly variable: string | undefined;
  /** The rejected value, verbatim, if any. */
  readonly value: string | undefined;
  /** The file descriptor concerned, if any. */
  readonly fd: number | undefined;
  /** The libc function that failed, if any. */
  readonly syscall: string | undefined;
  /** The `errno` the failed libc function left behind, if any. */
  readonly errno: number | undefined;

  /**
   * Creates an error.
   *
   * @param message What failed, in std style: `Cannot parse LISTEN_FDS: value is "x"`.
   * @param options The code and the details.
   */
  constructor(message: string, options: ListenFdsErrorOptions) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = options.code;
    this.variable = options.variable;
    this.value = options.value;
    this.fd = options.fd;
    this.syscall = options.syscall;
    this.errno = options.errno;
  }
}

/**
 * Checks a time bound in milliseconds: a finite number, 0 or more.
 *
 * @param value The bound.
 * @param what What is checked, for the message: `Cannot notify: duration`.
 * @param options The fd the bound is for, if any.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` otherwise.
 */
export function checkMilliseconds(
  value: number,
  what: string,
  options: { fd?: number } = {},
): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ListenFdsError(
      `${what} ${value} ms is not a finite non-negative number`,
      { code: "INVALID_ARGUMENT", value: String(value), fd: options.fd },
    );
  }
}

/**
 * The `sd_notify` protocol: tell the service manager (systemd) that the
 * service is ready, reloading or stopping, show a status line, or hand it
 * file descriptors, by sending one datagram to the socket named in
 * `NOTIFY_SOCKET`.
 *
 * Every function here is a no-op returning `false` when `NOTIFY_SOCKET` is not
 * set, so a service can call them unconditionally and still run outside
 * systemd.
 *
 * Permissions: `--allow-env=NOTIFY_SOCKET` and `--allow-ffi` (the datagram is
 * sent with libc's `sendmsg`; FFI means full trust).
 *
 * @example Usage
 * ```ts
 * import { notifyReady, notifyStatus } from "@listen-fds/listen-fds/notify";
 *
 * // … open databases, start listening …
 * notifyReady();
 * notifyStatus("serving 0 requests");
 * ```
 *
 * @module
 */

import { checkMilliseconds, ListenFdsError } from "../_errors.ts";
import { readEnv, unsetEnv } from "../_environment.ts";
import { getenvBytes, libc, syscallError } from "../_ffi.ts";
import { showBytes } from "../_env.ts";
import type { ListenFdsErrorCode } from "../_errors.ts";
import {
  buildMsghdr,
  LINUX,
  readTimespecMicroseconds,
  scmRights,
  SOCKADDR_UN,
  TIMESPEC,
} from "../_linux.ts";
import { encodeUnixSockaddr } from "../_sockaddr.ts";
import { takeUpgradeSocket } from "./upgrade_state.ts";

/** The environment variable that names the service manager's socket. */
export const NOTIFY_SOCKET = "NOTIFY_SOCKET";

/** The most fds one notification can carry (the kernel's `SCM_MAX_FD`). */
export const NOTIFY_MAX_FDS = 253;

/**
 * A notification: either the raw message, newline-separated `KEY=value`
 * lines as `sd_notify(3)` takes them, or a record of assignments sent in
 * insertion order.
 */
export type NotifyState =
  | string
  | Readonly<Record<string, string | number | bigint>>;

/** Options of {@linkcode notify} and the helpers built on it. */
export interface NotifyOptions {
  /**
   * Remove `NOTIFY_SOCKET` from the process environment after this call,
   * whatever its outcome, so that child processes cannot notify on the
   * service's behalf (`sd_notify`'s `unset_environment`).
   *
   * @default {false}
   */
  unsetEnvironment?: boolean;
  /**
   * File descriptors to send along (`SCM_RIGHTS`), at most
   * {@linkcode NOTIFY_MAX_FDS}. The service manager gets duplicates; the
   * caller still owns and must close its own.
   */
  fds?: readonly number[];
  /**
   * Read `NOTIFY_SOCKET` from this record instead of the process environment
   * (which is then never modified). Meant for tests and launchers.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A parsed `NOTIFY_SOCKET` value. */
export type NotifyAddress =
  | { kind: "unix"; path: string }
  | {
    kind: "vsock";
    type: "any" | "stream" | "dgram" | "seqpacket";
    cid: number;
    port: number;
  };

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const U32 = /^(?:0|[1-9][0-9]{0,9})$/;
const encoder = new TextEncoder();

/**
 * Sends a notification to the service manager (`sd_pid_notify_with_fds()`).
 *
 * The message is validated first: every line must be a `KEY=value`
 * assignment with a key of letters, digits and `_`, and no value may contain
 * a newline or a NUL byte. The empty string is sent as an empty datagram, as
 * libsystemd does. One datagram is sent per call, on a fresh
 * `SOCK_DGRAM|SOCK_CLOEXEC` socket closed right after, with `MSG_NOSIGNAL`.
 *
 * @param state The message or the assignments, e.g. `{ READY: 1 }`.
 * @param options The fds to pass along and where to read `NOTIFY_SOCKET`.
 * @returns `true` when the datagram was sent, `false` when `NOTIFY_SOCKET` is
 * not set (nothing is sent).
 * @throws {ListenFdsError} `INVALID_ARGUMENT` for a malformed message or fd
 * list (more than 253 fds: errno `E2BIG`), `INVALID_NOTIFY_SOCKET` for an
 * unusable address (errno `EPROTO` when it is neither absolute nor `@name`
 * nor `vsock:`, `ENAMETOOLONG` for a path longer than `sun_path`, `EINVAL`
 * for `@` alone or a bad vsock address), `NOTIFY_FAILED` when sending fails
 * (e.g. `ENOENT`: no socket at that path), `PERMISSION_REQUIRED` without
 * `--allow-env` or `--allow-ffi`.
 *
 * @example Usage
 * ```ts
 * import { notify } from "@listen-fds/listen-fds/notify";
 *
 * notify({ READY: 1, STATUS: "listening on :8080" });
 * notify("X_CUSTOM=1"); // private keys should start with X_
 * ```
 */
export function notify(
  state: NotifyState,
  options: NotifyOptions = {},
): boolean {
  const message = formatNotifyState(state);
  const fds = checkFds(options.fds ?? []);
  const env = options.env;
  try {
    const value = env
      ? env[NOTIFY_SOCKET]
      : readTextEnv(NOTIFY_SOCKET, "INVALID_NOTIFY_SOCKET");
    if (value === undefined) return false;
    const address = parseNotifySocket(value);
    sendNotification(address, value, encoder.encode(message), fds);
    return true;
  } finally {
    if (options.unsetEnvironment && !env) unsetEnv([NOTIFY_SOCKET]);
  }
}

/**
 * Tells the service manager that start-up (or a reload) is complete:
 * `READY=1`. With `Type=notify`, systemd considers the service started only
 * now, and `systemctl start` returns. In the successor of a hot upgrade
 * (`LISTEN_FDS_UPGRADE_SOCKET` set, see `Upgrader`) the first call goes to
 * the predecessor instead, which then hands systemd the new `MAINPID=`.
 *
 * @param options See {@linkcode NotifyOptions}.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} As {@linkcode notify}.
 *
 * @example Usage
 * ```ts
 * import { notifyReady } from "@listen-fds/listen-fds/notify";
 *
 * notifyReady();
 * ```
 */
export function notifyReady(options?: NotifyOptions): boolean {
  // A hot upgrade's successor reports to its predecessor, which then hands
  // systemd the new MAINPID= (see upgrade.ts).
  const predecessor = options?.env === undefined
    ? takeUpgradeSocket()
    : undefined;
  if (predecessor !== undefined) {
    return notify("READY=1", {
      ...options,
      env: { NOTIFY_SOCKET: predecessor },
    });
  }
  return notify("READY=1", options);
}

/**
 * Tells the service manager that a reload started: `RELOADING=1` with
 * `MONOTONIC_USEC=` set to now (required by `Type=notify-reload`). Send
 * {@linkcode notifyReady} when the reload is done.
 *
 * @param options See {@linkcode NotifyOptions}.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} As {@linkcode notify}.
 *
 * @example Usage
 * ```ts
 * import { notifyReady, notifyReloading } from "@listen-fds/listen-fds/notify";
 *
 * function reload(): void {
 *   notifyReloading();
 *   // … re-read the configuration …
 *   notifyReady();
 * }
 * reload(); // e.g. on SIGHUP, with ExecReload=kill -HUP $MAINPID
 * ```
 */
export function notifyReloading(options?: NotifyOptions): boolean {
  return notify(
    `RELOADING=1\nMONOTONIC_USEC=${monotonicMicroseconds()}`,
    options,
  );
}

/**
 * Tells the service manager that the service is shutting down:
 * `STOPPING=1`.
 *
 * @param options See {@linkcode NotifyOptions}.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} As {@linkcode notify}.
 *
 * @example Usage
 * ```ts
 * import { notifyStopping } from "@listen-fds/listen-fds/notify";
 *
 * notifyStopping();
 * ```
 */
export function notifyStopping(options?: NotifyOptions): boolean {
  return notify("STOPPING=1", options);
}

/**
 * Sets the status line `systemctl status` shows: `STATUS=`.
 *
 * @param text One line of UTF-8 text (no newline).
 * @param options See {@linkcode NotifyOptions}.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} As {@linkcode notify}; `INVALID_ARGUMENT` when the
 * text contains a newline.
 *
 * @example Usage
 * ```ts
 * import { notifyStatus } from "@listen-fds/listen-fds/notify";
 *
 * notifyStatus("42 clients connected");
 * ```
 */
export function notifyStatus(text: string, options?: NotifyOptions): boolean {
  return notify({ STATUS: text }, options);
}

/**
 * Tells the service manager that another process is now the main process:
 * `MAINPID=`.
 *
 * @param pid The new main process's pid.
 * @param options See {@linkcode NotifyOptions}.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} As {@linkcode notify}; `INVALID_ARGUMENT` when the
 * pid is not a positive integer.
 *
 * @example Usage
 * ```ts
 * import { notifyMainPid } from "@listen-fds/listen-fds/notify";
 *
 * notifyMainPid(1234);
 * ```
 */
export function notifyMainPid(pid: number, options?: NotifyOptions): boolean {
  checkInteger("pid", pid, 1, 2 ** 31 - 1);
  return notify({ MAINPID: pid }, options);
}

/**
 * Asks the service manager for more time to finish starting, reloading or
 * stopping: `EXTEND_TIMEOUT_USEC=`. Send it again before the extension runs
 * out.
 *
 * @param milliseconds How long from now the operation may still take.
 * @param options See {@linkcode NotifyOptions}.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} As {@linkcode notify}; `INVALID_ARGUMENT` when the
 * duration is negative or not finite.
 *
 * @example Usage
 * ```ts
 * import { notifyExtendTimeout } from "@listen-fds/listen-fds/notify";
 *
 * notifyExtendTimeout(30_000); // the migration needs up to 30 more seconds
 * ```
 */
export function notifyExtendTimeout(
  milliseconds: number,
  options?: NotifyOptions,
): boolean {
  checkMilliseconds(milliseconds, "Cannot notify: duration");
  return notify(
    { EXTEND_TIMEOUT_USEC: BigInt(Math.round(milliseconds * 1000)) },
    options,
  );
}

/**
 * Tells the service manager why the service failed: `ERRNO=`, shown by
 * `systemctl status`.
 *
 * @param code The error number, e.g. 2 for `ENOENT`.
 * @param options See {@linkcode NotifyOptions}.
 * @returns `true` when sent, `false` when `NOTIFY_SOCKET` is not set.
 * @throws {ListenFdsError} As {@linkcode notify}; `INVALID_ARGUMENT` when the
 * number is not a non-negative integer.
 *
 * @example Usage
 * ```ts
 * import { notifyErrno } from "@listen-fds/listen-fds/notify";
 *
 * notifyErrno(98); // EADDRINUSE
 * ```
 */
export function notifyErrno(code: number, options?: NotifyOptions): boolean {
  checkInteger("errno", code, 0, 2 ** 31 - 1);
  return notify({ ERRNO: code }, options);
}

/**
 * Reads `CLOCK_MONOTONIC` in microseconds, the clock of `MONOTONIC_USEC=`.
 *
 * @returns The time since boot (excluding suspend), in microseconds.
 * @throws {ListenFdsError} `PERMISSION_REQUIRED` without `--allow-ffi`.
 *
 * @example Usage
 * ```ts
 * import { monotonicMicroseconds } from "./notify.ts";
 *
 * console.log(monotonicMicroseconds()); // e.g. 123456789012n
 * ```
 */
export function monotonicMicroseconds(): bigint {
  const timespec = new Uint8Array(TIMESPEC.size);
  if (libc().clock_gettime(LINUX.CLOCK_MONOTONIC, timespec) === -1) {
    throw new ListenFdsError("Cannot read CLOCK_MONOTONIC", {
      code: "SYSCALL_FAILED",
      syscall: "clock_gettime",
    });
  }
  return readTimespecMicroseconds(timespec);
}

/**
 * Validates a notification and turns it into the message text.
 *
 * @param state The message or the assignments.
 * @returns The text to send.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` for a malformed line, key or
 * value.
 */
export function formatNotifyState(state: NotifyState): string {
  if (typeof state === "string") {
    if (state.includes("\0")) {
      throw invalid(`Cannot notify: message contains a NUL byte`, state);
    }
    const lines = state.split("\n");
    // A trailing newline is harmless; libsystemd sends whatever it gets.
    if (lines.length > 1 && lines.at(-1) === "") lines.pop();
    if (state !== "") {
      for (const line of lines) {
        const equals = line.indexOf("=");
        const key = equals === -1 ? line : line.slice(0, equals);
        if (equals === -1 || !KEY.test(key)) {
          throw invalid(
            `Cannot notify: line "${line}" is not a KEY=value assignment`,
            state,
          );
        }
      }
    }
    return state;
  }
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(state)) {
    if (!KEY.test(key)) {
      throw invalid(
        `Cannot notify: key "${key}" is not made of letters, digits and "_"`,
        key,
      );
    }
    if (typeof raw === "number" && !Number.isFinite(raw)) {
      throw invalid(`Cannot notify: ${key} is ${raw}`, String(raw));
    }
    const value = String(raw);
    if (value.includes("\n") || value.includes("\0")) {
      throw invalid(
        `Cannot notify: value of ${key} contains a ${
          value.includes("\n") ? "newline" : "NUL byte"
        }`,
        value,
      );
    }
    lines.push(`${key}=${value}`);
  }
  return lines.join("\n");
}

/**
 * Parses a `NOTIFY_SOCKET` value as libsystemd does: an absolute path, an
 * abstract socket `@name`, or `vsock:CID:PORT` (also `vsock-stream:`,
 * `vsock-dgram:`, `vsock-seqpacket:`).
 *
 * @param value The variable's value.
 * @returns The address.
 * @throws {ListenFdsError} `INVALID_NOTIFY_SOCKET` naming the variable and
 * value, with the errno libsystemd would return.
 */
export function parseNotifySocket(value: string): NotifyAddress {
  if (value.startsWith("/")) {
    if (encoder.encode(value).length >= SOCKADDR_UN.sun_path_size) {
      throw invalidSocket(
        value,
        `path is longer than ${SOCKADDR_UN.sun_path_size - 1} bytes`,
        LINUX.ENAMETOOLONG,
      );
    }
    return { kind: "unix", path: value };
  }
  if (value.startsWith("@")) {
    const length = encoder.encode(value).length - 1;
    if (length === 0) {
      throw invalidSocket(value, "abstract socket name is empty", LINUX.EINVAL);
    }
    if (length >= SOCKADDR_UN.sun_path_size) {
      throw invalidSocket(
        value,
        `abstract socket name is longer than ${
          SOCKADDR_UN.sun_path_size - 1
        } bytes`,
        LINUX.EINVAL,
      );
    }
    return { kind: "unix", path: value };
  }
  const vsock = /^vsock(?:-(stream|dgram|seqpacket))?:(.*)$/.exec(value);
  if (vsock) {
    const [cid, port, extra] = vsock[2]!.split(":");
    if (
      extra !== undefined || cid === undefined || port === undefined ||
      !U32.test(cid) || !U32.test(port) || Number(cid) > 0xffffffff ||
      Number(port) > 0xffffffff
    ) {
      throw invalidSocket(
        value,
        "vsock address is not vsock:CID:PORT with decimal CID and PORT",
        LINUX.EINVAL,
      );
    }
    return {
      kind: "vsock",
      type: (vsock[1] ?? "any") as "any" | "stream" | "dgram" | "seqpacket",
      cid: Number(cid),
      port: Number(port),
    };
  }
  throw invalidSocket(
    value,
    `not an absolute path, "@name" or "vsock:CID:PORT"`,
    LINUX.EPROTO,
  );
}

function invalidSocket(
  value: string,
  reason: string,
  code: number,
): ListenFdsError {
  return new ListenFdsError(
    `Cannot use ${NOTIFY_SOCKET}: value "${value}" is invalid: ${reason}`,
    {
      code: "INVALID_NOTIFY_SOCKET",
      variable: NOTIFY_SOCKET,
      value,
      errno: code,
    },
  );
}

function invalid(message: string, value: string): ListenFdsError {
  return new ListenFdsError(message, { code: "INVALID_ARGUMENT", value });
}

function checkInteger(
  what: string,
  value: number,
  min: number,
  max: number,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(
      `Cannot notify: ${what} ${value} is not an integer in ${min} … ${max}`,
      String(value),
    );
  }
}

function checkFds(fds: readonly number[]): readonly number[] {
  if (fds.length > NOTIFY_MAX_FDS) {
    throw new ListenFdsError(
      `Cannot notify: ${fds.length} fds given but one notification carries at most ${NOTIFY_MAX_FDS}`,
      {
        code: "INVALID_ARGUMENT",
        value: String(fds.length),
        errno: LINUX.E2BIG,
      },
    );
  }
  for (const fd of fds) {
    if (!Number.isInteger(fd) || fd < 0 || fd > 2 ** 31 - 1) {
      throw invalid(
        `Cannot notify: ${fd} is not a file descriptor`,
        String(fd),
      );
    }
  }
  return fds;
}

function sendNotification(
  address: NotifyAddress,
  value: string,
  message: Uint8Array,
  fds: readonly number[],
): void {
  if (address.kind === "vsock") {
    throw new ListenFdsError(
      `Cannot notify through ${NOTIFY_SOCKET} "${value}": vsock addresses are not supported, only Unix sockets`,
      {
        code: "NOTIFY_FAILED",
        variable: NOTIFY_SOCKET,
        value,
        errno: LINUX.EOPNOTSUPP,
      },
    );
  }
  const c = libc();
  const fd = c.socket(
    LINUX.AF_UNIX,
    LINUX.SOCK_DGRAM | LINUX.SOCK_CLOEXEC,
    0,
  );
  if (fd === -1) throw notifyFailed(value, "socket");
  try {
    // Like libsystemd: a large send buffer, so big fd-store messages fit.
    const size = new Int32Array([8 * 1024 * 1024]);
    c.setsockopt(fd, LINUX.SOL_SOCKET, LINUX.SO_SNDBUF, size, 4);
    const { bytes: name, length: nameLength } = encodeUnixSockaddr(
      address.path,
    );
    const msghdr = buildMsghdr({
      data: message,
      name,
      nameLength,
      ...(fds.length > 0 ? { control: scmRights(fds) } : {}),
    });
    while (true) {
      const sent = c.sendmsg(fd, msghdr.header, LINUX.MSG_NOSIGNAL);
      if (Number(sent) !== -1) break;
      const error = notifyFailed(value, "sendmsg");
      if (error.errno !== LINUX.EINTR) throw error;
    }
    // The header points into these buffers: keep them alive until here.
    msghdr.keep.length;
  } finally {
    c.close(fd);
  }
}

function notifyFailed(value: string, syscall: string): ListenFdsError {
  return syscallError(
    `Cannot notify through ${NOTIFY_SOCKET} "${value}"`,
    syscall,
    undefined,
    "NOTIFY_FAILED",
    { variable: NOTIFY_SOCKET, value },
  );
}

/**
 * Reads one of systemd's text variables (`NOTIFY_SOCKET`, `WATCHDOG_*`). A
 * value that is not valid UTF-8 is an error with `code`, naming the variable
 * and its bytes (`\xNN` for each byte that is not UTF-8), instead of Deno's
 * bare `InvalidData`.
 *
 * @param name The variable.
 * @param code The error code for a value that is not UTF-8.
 * @returns Its value, or `undefined` when unset.
 * @throws {ListenFdsError} `code`, or `PERMISSION_REQUIRED` without env
 * access.
 */
export function readTextEnv(
  name: string,
  code: ListenFdsErrorCode,
): string | undefined {
  try {
    return readEnv(name);
  } catch (error) {
    if (!(error instanceof Deno.errors.InvalidData)) throw error;
    let shown: string | undefined;
    try {
      const bytes = getenvBytes(name);
      if (bytes) shown = showBytes(bytes);
    } catch {
      // No libc (--allow-ffi): the message says what is known.
    }
    throw new ListenFdsError(
      `Cannot parse ${name}: value ${
        shown === undefined ? "" : `"${shown}" `
      }is not valid UTF-8`,
      { code, variable: name, value: shown, cause: error },
    );
  }
}

/**
 * The systemd watchdog: with `WatchdogSec=` in the unit, systemd passes
 * `WATCHDOG_USEC` (and `WATCHDOG_PID`) and kills and restarts the service
 * unless it sends `WATCHDOG=1` at least that often.
 * {@linkcode startWatchdog} keeps it fed from a timer that does not keep the
 * process alive.
 *
 * Permissions: `--allow-env=WATCHDOG_USEC,WATCHDOG_PID,NOTIFY_SOCKET` and
 * `--allow-ffi`.
 *
 * @example Usage
 * ```ts
 * import { startWatchdog } from "@listen-fds/listen-fds/notify";
 *
 * using watchdog = startWatchdog(); // does nothing without WatchdogSec=
 * console.log(watchdog.interval); // e.g. 10000 (ms) for WatchdogSec=10
 * ```
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import { isCanonicalDecimal, unsetEnv } from "../_environment.ts";
import { notify, NOTIFY_SOCKET, readTextEnv } from "./notify.ts";

/** The variable holding the watchdog timeout in microseconds. */
export const WATCHDOG_USEC = "WATCHDOG_USEC";

/** The variable naming the process the watchdog applies to. */
export const WATCHDOG_PID = "WATCHDOG_PID";

const USEC_INFINITY = 18446744073709551615n;
const INT_MAX = 2147483647;

/** Options of {@linkcode watchdogInterval}. */
export interface WatchdogIntervalOptions {
  /**
   * Read the variables from this record instead of the process environment
   * (which is then never modified).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The pid to compare `WATCHDOG_PID` with.
   *
   * @default {Deno.pid}
   */
  pid?: number;
  /**
   * Remove `WATCHDOG_USEC` and `WATCHDOG_PID` from the process environment
   * after reading them, whatever the outcome.
   *
   * @default {false}
   */
  unsetEnvironment?: boolean;
}

/**
 * Reads the watchdog timeout the service manager expects
 * (`sd_watchdog_enabled()`), with canonical decimal parsing.
 *
 * @param options Where to read and which pid this is.
 * @returns The timeout in milliseconds, or `undefined` when the watchdog is
 * off: `WATCHDOG_USEC` is not set, or `WATCHDOG_PID` names another process.
 * @throws {ListenFdsError} `INVALID_WATCHDOG_USEC` when `WATCHDOG_USEC` is not
 * a canonical decimal in 1 … 18446744073709551614 (0 and infinity mean no
 * watchdog and are errors, as in libsystemd), `INVALID_WATCHDOG_PID` when
 * `WATCHDOG_PID` is not a canonical decimal in 1 … 2147483647,
 * `PERMISSION_REQUIRED` without `--allow-env`.
 *
 * @example Usage
 * ```ts
 * import { watchdogInterval } from "./watchdog.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(watchdogInterval({ env: { WATCHDOG_USEC: "3000000" } }), 3000);
 * assertEquals(watchdogInterval({ env: {} }), undefined);
 * ```
 */
export function watchdogInterval(
  options: WatchdogIntervalOptions = {},
): number | undefined {
  const env = options.env;
  try {
    const usecValue = env
      ? env[WATCHDOG_USEC]
      : readTextEnv(WATCHDOG_USEC, "INVALID_WATCHDOG_USEC");
    if (usecValue === undefined) return undefined;
    if (!isCanonicalDecimal(usecValue)) {
      throw invalidUsec(usecValue, "is not a canonical decimal number");
    }
    const usec = BigInt(usecValue);
    if (usec === 0n || usec >= USEC_INFINITY) {
      throw invalidUsec(
        usecValue,
        usec === 0n ? "is 0" : "is larger than 18446744073709551614",
      );
    }
    const pidValue = env
      ? env[WATCHDOG_PID]
      : readTextEnv(WATCHDOG_PID, "INVALID_WATCHDOG_PID");
    if (pidValue !== undefined) {
      if (
        !isCanonicalDecimal(pidValue) || pidValue === "0" ||
        Number(pidValue) > INT_MAX
      ) {
        throw new ListenFdsError(
          `Cannot use ${WATCHDOG_PID}: value "${pidValue}" is not a canonical decimal in 1 … ${INT_MAX}`,
          {
            code: "INVALID_WATCHDOG_PID",
            variable: WATCHDOG_PID,
            value: pidValue,
          },
        );
      }
      if (Number(pidValue) !== (options.pid ?? Deno.pid)) return undefined;
    }
    return Number(usec) / 1000;
  } finally {
    if (options.unsetEnvironment && !env) {
      unsetEnv([WATCHDOG_USEC, WATCHDOG_PID]);
    }
  }
}

/** Options of {@linkcode startWatchdog}. */
export interface StartWatchdogOptions extends WatchdogIntervalOptions {
  /**
   * The watchdog timeout in milliseconds, instead of reading
   * `WATCHDOG_USEC`. Pings are sent every half of it.
   */
  interval?: number;
  /**
   * Called when a ping cannot be sent. Without it failures are ignored and the
   * next ping is tried on time; if pings keep failing, systemd's watchdog
   * acts, which is what it is for.
   */
  onError?: (error: unknown) => void;
}

/** A running (or inactive) watchdog keep-alive; see {@linkcode startWatchdog}. */
export interface Watchdog extends Disposable {
  /**
   * The watchdog timeout in milliseconds, or `undefined` when the watchdog is
   * off (nothing is sent).
   */
  readonly interval: number | undefined;
  /** Whether pings are being sent. */
  readonly running: boolean;
  /** Stops sending pings; safe to call more than once. */
  stop(): void;
}

/**
 * Keeps the systemd watchdog fed: sends `WATCHDOG=1` now and then every half
 * of the timeout, from a timer that does not keep the process alive. When the
 * watchdog is off (no `WATCHDOG_USEC`, another `WATCHDOG_PID`, or no
 * `NOTIFY_SOCKET`) it does nothing. `NOTIFY_SOCKET` is read once, at start, so
 * the pings go on even if the variable is unset later.
 *
 * A watchdog proves the process is alive and its event loop turning; stop it
 * (or let the process hang) and systemd applies `WatchdogSignal=` and
 * `Restart=`.
 *
 * @param options Where to read the variables, or a fixed interval.
 * @returns The watchdog; call `stop()` or dispose of it to stop pinging.
 * @throws {ListenFdsError} As {@linkcode watchdogInterval};
 * `INVALID_ARGUMENT` for an `interval` that is not a positive finite number.
 *
 * @example Usage
 * ```ts
 * import { notifyReady, startWatchdog } from "@listen-fds/listen-fds/notify";
 *
 * const watchdog = startWatchdog();
 * notifyReady();
 * // … later, on shutdown:
 * watchdog.stop();
 * ```
 */
export function startWatchdog(options: StartWatchdogOptions = {}): Watchdog {
  const interval = options.interval ?? watchdogInterval(options);
  if (
    interval !== undefined && !(Number.isFinite(interval) && interval > 0)
  ) {
    throw new ListenFdsError(
      `Cannot start the watchdog: interval ${interval} ms is not a positive finite number`,
      { code: "INVALID_ARGUMENT", value: String(interval) },
    );
  }
  const socket = options.env
    ? options.env[NOTIFY_SOCKET]
    : readTextEnv(NOTIFY_SOCKET, "INVALID_NOTIFY_SOCKET");
  if (interval === undefined || socket === undefined) {
    return {
      interval,
      running: false,
      stop(): void {},
      [Symbol.dispose](): void {},
    };
  }
  const env = { [NOTIFY_SOCKET]: socket };
  const ping = (): void => {
    try {
      notify("WATCHDOG=1", { env });
    } catch (error) {
      options.onError?.(error);
    }
  };
  ping();
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(
    ping,
    Math.max(1, Math.floor(interval / 2)),
  );
  Deno.unrefTimer(timer as unknown as number);
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  return {
    interval,
    get running(): boolean {
      return timer !== undefined;
    },
    stop,
    [Symbol.dispose]: stop,
  };
}

function invalidUsec(value: string, reason: string): ListenFdsError {
  return new ListenFdsError(
    `Cannot use ${WATCHDOG_USEC}: value "${value}" ${reason}`,
    { code: "INVALID_WATCHDOG_USEC", variable: WATCHDOG_USEC, value },
  );
}

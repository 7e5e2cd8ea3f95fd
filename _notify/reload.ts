/**
 * `Type=notify-reload` (systemd 253+): `systemctl reload` sends the unit's
 * `ReloadSignal=` (`SIGHUP`) to the main process and waits for
 * `RELOADING=1` (with `MONOTONIC_USEC=`) and then `READY=1`. systemd 262
 * refuses to start such a service when the signal is not caught before
 * `READY=1`, so install {@linkcode handleReload} before
 * {@linkcode notifyReady}.
 *
 * Without `NOTIFY_SOCKET` (run by hand, or under `Type=notify` with
 * `ExecReload=kill -HUP $MAINPID`) the same handler runs on the signal and
 * nothing is sent.
 *
 * Permissions: `--allow-env=NOTIFY_SOCKET` and `--allow-ffi`.
 *
 * @example Usage
 * ```ts ignore
 * import { handleReload, notifyReady } from "jsr:@listen-fds/listen-fds/notify";
 *
 * let config = JSON.parse(await Deno.readTextFile("/etc/app.json"));
 * handleReload(async () => {
 *   config = JSON.parse(await Deno.readTextFile("/etc/app.json"));
 * });
 * notifyReady();
 * ```
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import { monotonicMicroseconds, notify } from "./notify.ts";
import type { NotifyOptions } from "./notify.ts";

/** Options of {@linkcode handleReload}. */
export interface HandleReloadOptions {
  /**
   * The signal that starts a reload: the unit's `ReloadSignal=`.
   *
   * @default {"SIGHUP"}
   */
  signal?: Deno.Signal;
  /**
   * Options for the notifications, or `false` to send none.
   *
   * @default {{}}
   */
  notify?: Omit<NotifyOptions, "fds" | "unsetEnvironment"> | false;
  /** Called with the error when a reload failed (after it was reported). */
  onError?: (error: unknown) => void;
}

/** The installed handler; see {@linkcode handleReload}. */
export interface ReloadHandler extends Disposable {
  /**
   * Reloads now, as if the signal arrived. A reload requested while one runs
   * is done once more after it (several requests meanwhile make one).
   *
   * @returns Settles when the reload this request caused has ended; rejects
   * with its error.
   */
  reload(): Promise<void>;
  /** Removes the signal listener (a reload in progress goes on). */
  remove(): void;
}

/**
 * The error number a reload failure reports with `ERRNO=`: the `errno` of a
 * {@linkcode ListenFdsError}, the `errno` of a `node:` system error, or a
 * Deno error class's usual number; `undefined` when none applies.
 *
 * @param error What the reload threw.
 * @returns The number, or `undefined`.
 */
export function errnoOf(error: unknown): number | undefined {
  if (error instanceof ListenFdsError && error.errno !== undefined) {
    return error.errno;
  }
  const code = (error as { errno?: unknown })?.errno;
  if (typeof code === "number" && Number.isInteger(code)) return Math.abs(code);
  const byClass: [unknown, number][] = [
    [Deno.errors.NotFound, 2],
    [Deno.errors.PermissionDenied, 13],
    [Deno.errors.AlreadyExists, 17],
    [Deno.errors.InvalidData, 22],
    [Deno.errors.TimedOut, 110],
    [Deno.errors.AddrInUse, 98],
    [Deno.errors.ConnectionRefused, 111],
  ];
  for (const [type, number] of byClass) {
    if (typeof type === "function" && error instanceof type) return number;
  }
  return undefined;
}

/**
 * One line of text for `STATUS=`.
 *
 * @param prefix What failed.
 * @param error The error.
 * @returns The line.
 */
export function statusLine(prefix: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${prefix}: ${message}`.replace(/[\n\0]+/g, " ").slice(0, 2000);
}

/**
 * Installs a reload handler that follows systemd's `Type=notify-reload`
 * protocol: on the signal, sends `RELOADING=1` with `MONOTONIC_USEC=` (now,
 * `CLOCK_MONOTONIC`), runs `onReload`, then sends `READY=1`. When `onReload`
 * throws, it sends `STATUS=Reload failed: …`, `ERRNO=` (when the error
 * carries one) and `READY=1`: the service keeps running as it was, and
 * `systemctl status` shows why. The signal handler is installed before this
 * function returns, so calling it before `notifyReady()` satisfies systemd
 * 262's check.
 *
 * @param onReload What a reload does (re-read configuration, …).
 * @param options The signal, notification options, error callback.
 * @returns The handler; dispose of it to remove the signal listener.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` when `onReload` is not a
 * function.
 *
 * @example Usage
 * ```ts ignore
 * import { handleReload, notifyReady } from "jsr:@listen-fds/listen-fds/notify";
 *
 * handleReload(() => console.log("reloading"));
 * notifyReady();
 * ```
 */
export function handleReload(
  onReload: () => void | Promise<void>,
  options: HandleReloadOptions = {},
): ReloadHandler {
  if (typeof onReload !== "function") {
    throw new ListenFdsError(
      "Cannot handle reloads: the reload callback is not a function",
      { code: "INVALID_ARGUMENT" },
    );
  }
  const signal = options.signal ?? "SIGHUP";
  const send = (state: Record<string, string | number | bigint>): void => {
    if (options.notify === false) return;
    try {
      notify(state, options.notify ?? {});
    } catch {
      // Reloading matters more than telling systemd about it.
    }
  };
  // The last reload started or queued, and the one queued behind it that
  // has not started yet (requests meanwhile join it).
  let chain: Promise<void> = Promise.resolve();
  let pending: Promise<void> | undefined;
  let failedBefore = false;

  const runOnce = async (): Promise<void> => {
    send({ RELOADING: 1, MONOTONIC_USEC: monotonicMicroseconds() });
    try {
      await onReload();
    } catch (error) {
      failedBefore = true;
      const state: Record<string, string | number> = {
        STATUS: statusLine("Reload failed", error),
      };
      const code = errnoOf(error);
      if (code !== undefined) state.ERRNO = code;
      state.READY = 1;
      send(state);
      options.onError?.(error);
      throw error;
    }
    if (failedBefore) {
      failedBefore = false;
      send({ STATUS: "", READY: 1 });
    } else send({ READY: 1 });
  };
  const reload = (): Promise<void> => {
    if (pending) return pending;
    const next = chain.catch(() => {}).then(() => {
      pending = undefined;
      return runOnce();
    });
    pending = next;
    chain = next;
    return next;
  };
  const onSignal = (): void => {
    reload().catch(() => {
      // Reported through STATUS=/ERRNO= and onError.
    });
  };
  Deno.addSignalListener(signal, onSignal);
  const remove = (): void => {
    try {
      Deno.removeSignalListener(signal, onSignal);
    } catch {
      // not installed
    }
  };
  return { reload, remove, [Symbol.dispose]: remove };
}

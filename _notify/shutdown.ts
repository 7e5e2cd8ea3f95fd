/**
 * Graceful shutdown for a systemd service: on `SIGTERM`, tell the service
 * manager `STOPPING=1`, stop accepting, let in-flight requests finish within a
 * bound, then exit. With socket activation the listening socket stays open in
 * systemd meanwhile, so connections made during a restart wait in its queue
 * for the next process instead of being refused.
 *
 * Permissions: `--allow-env=NOTIFY_SOCKET` and `--allow-ffi` for the
 * notification (nothing is sent without `NOTIFY_SOCKET`).
 *
 * @example Usage
 * ```ts
 * import { handleShutdown, notifyReady } from "@listen-fds/listen-fds/notify";
 *
 * const server = Deno.serve({ port: 0, onListen() {} }, () => new Response("hi"));
 * using _shutdown = handleShutdown(server, { timeout: 10_000 });
 * notifyReady();
 * await server.shutdown(); // here at once; a service waits for SIGTERM
 * ```
 *
 * @module
 */

import { checkMilliseconds, ListenFdsError } from "../_errors.ts";
import { notifyStopping } from "./notify.ts";
import type { NotifyOptions } from "./notify.ts";

/**
 * Something that can stop serving: `Deno.HttpServer` (`shutdown()`), or a
 * `node:http`/`node:net` server or `Deno.Listener` (`close()`; a callback, if
 * it takes one, is awaited).
 */
export type Stoppable =
  | { shutdown(): Promise<void> }
  | { close(callback?: (error?: Error) => void): unknown };

/**
 * How a shutdown ended: `"graceful"` when every server stopped in time,
 * `"timeout"` when `timeout` expired first, `"failed"` when stopping a server
 * threw or rejected (a `close()` callback with an error counts).
 */
export type ShutdownOutcome = "graceful" | "timeout" | "failed";

/** Options of {@linkcode handleShutdown}. */
export interface HandleShutdownOptions {
  /**
   * The signals that start the shutdown.
   *
   * @default {["SIGTERM", "SIGINT"]}
   */
  signals?: readonly Deno.Signal[];
  /**
   * How long in-flight requests may take, in milliseconds. Keep it below the
   * unit's `TimeoutStopSec=` (90 s by default).
   *
   * @default {10000}
   */
  timeout?: number;
  /**
   * Exit the process when the shutdown is over: with code 0 when it was
   * graceful, 1 on timeout or failure. With `false`, only the returned
   * promise tells.
   *
   * @default {true}
   */
  exit?: boolean;
  /**
   * What one of `signals` does when it arrives again while the shutdown is
   * running (a second Ctrl-C, or a supervisor repeating SIGTERM):
   * `"ignore"` lets the drain go on until it ends or `timeout` expires;
   * `"exit"` exits at once with 128 + the signal's number, as if the signal
   * had killed the process. The listeners stay installed until the shutdown
   * is over, so a repeated signal never falls through to the default action.
   *
   * @default {"ignore"}
   */
  repeatedSignal?: "ignore" | "exit";
  /**
   * Options for the `STOPPING=1` notification, or `false` to send none.
   *
   * @default {{}}
   */
  notify?: NotifyOptions | false;
  /**
   * Called once the servers are stopped (or the timeout hit, or stopping
   * failed), before exiting; with `"failed"`, `error` is what stopping threw
   * or rejected with.
   */
  onShutdown?: (
    outcome: ShutdownOutcome,
    error?: unknown,
  ) => void | Promise<void>;
}

/** The installed handler; see {@linkcode handleShutdown}. */
export interface ShutdownHandler extends Disposable {
  /**
   * Runs the shutdown now, as if a signal arrived; later calls return the same
   * promise.
   *
   * @returns How the shutdown ended.
   */
  shutdown(): Promise<ShutdownOutcome>;
  /**
   * Removes the signal listeners (a shutdown in progress goes on, but a
   * repeated signal then takes its default action). They are removed
   * automatically once a shutdown is over.
   */
  remove(): void;
}

/**
 * Installs a graceful shutdown: when one of `signals` arrives, sends
 * `STOPPING=1`, calls the servers' `shutdown()` (or `close()`), waits for them
 * to finish up to `timeout`, and exits: 0 when graceful, 1 on timeout or when
 * a server failed to stop. A signal that arrives again during the drain does
 * not cut it short unless `repeatedSignal` is `"exit"`.
 *
 * @param servers One server or several, stopped together.
 * @param options Signals, time bound, exit behaviour.
 * @returns The handler; dispose of it to remove the signal listeners.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` for a server without
 * `shutdown()` or `close()`, or a bad timeout.
 *
 * @example Usage
 * ```ts
 * import { ListenFds } from "@listen-fds/listen-fds";
 * import { handleShutdown } from "@listen-fds/listen-fds/notify";
 * import { createServer } from "node:http";
 *
 * const [web] = ListenFds.fromEnv().takeByName("web");
 * const server = createServer((_req, res) => res.end("hi"));
 * // The activated socket, or a free port when not socket-activated.
 * server.listen(web ? { fd: web.fd } : { port: 0, host: "127.0.0.1" });
 * using handler = handleShutdown(server, { exit: false });
 * await handler.shutdown(); // what SIGTERM does
 * ```
 */
export function handleShutdown(
  servers: Stoppable | readonly Stoppable[],
  options: HandleShutdownOptions = {},
): ShutdownHandler {
  const list = checkServers(servers, "handle shutdown");
  const timeout = options.timeout ?? 10_000;
  checkMilliseconds(timeout, "Cannot handle shutdown: timeout");
  const repeated = options.repeatedSignal ?? "ignore";
  if (repeated !== "ignore" && repeated !== "exit") {
    throw new ListenFdsError(
      `Cannot handle shutdown: repeatedSignal "${repeated}" is neither "ignore" nor "exit"`,
      { code: "INVALID_ARGUMENT", value: String(repeated) },
    );
  }
  let running: Promise<ShutdownOutcome> | undefined;
  const shutdown = (): Promise<ShutdownOutcome> => {
    running ??= runShutdown(list, timeout, options).finally(remove);
    return running;
  };
  const remove = listenForSignals(
    options.signals ?? ["SIGTERM", "SIGINT"],
    (signal) => {
      if (running === undefined) {
        shutdown();
      } else if (repeated === "exit") {
        const number = SIGNAL_NUMBERS[signal];
        Deno.exit(number === undefined ? 1 : 128 + number);
      }
      // "ignore": the drain goes on.
    },
  );
  return { shutdown, remove, [Symbol.dispose]: remove };
}

/**
 * Checks that every server can be stopped (`shutdown()` or `close()`).
 *
 * @param servers One server or several.
 * @param action What is being done, for the error message.
 * @returns The servers as a list.
 */
export function checkServers(
  servers: Stoppable | readonly Stoppable[],
  action: string,
): readonly Stoppable[] {
  const list: readonly Stoppable[] = Array.isArray(servers)
    ? servers
    : [servers as Stoppable];
  for (const server of list) {
    if (
      typeof (server as { shutdown?: unknown }).shutdown !== "function" &&
      typeof (server as { close?: unknown }).close !== "function"
    ) {
      throw new ListenFdsError(
        `Cannot ${action}: the server has neither shutdown() nor close()`,
        { code: "INVALID_ARGUMENT" },
      );
    }
  }
  return list;
}

/**
 * The shutdown itself: `STOPPING=1`, stop every server within the timeout
 * (then close what is left), tell `onShutdown`, exit.
 */
async function runShutdown(
  list: readonly Stoppable[],
  timeout: number,
  options: HandleShutdownOptions,
): Promise<ShutdownOutcome> {
  if (options.notify !== false) {
    try {
      notifyStopping(options.notify ?? {});
    } catch {
      // Stopping matters more than telling systemd about it.
    }
  }
  const { outcome, failure } = await stopAll(list, timeout);
  if (outcome !== "graceful") {
    for (const server of list) {
      (server as { closeAllConnections?: () => void })
        .closeAllConnections?.();
    }
  }
  try {
    await options.onShutdown?.(outcome, failure);
  } finally {
    if (options.exit ?? true) Deno.exit(outcome === "graceful" ? 0 : 1);
  }
  return outcome;
}

/** Stops every server, at most for `timeout` ms. */
async function stopAll(
  list: readonly Stoppable[],
  timeout: number,
): Promise<{ outcome: ShutdownOutcome; failure?: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<{ outcome: ShutdownOutcome }>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: "timeout" }), timeout);
  });
  const stopped = Promise.all(list.map((server) => {
    try {
      return stopServer(server);
    } catch (error) {
      return Promise.reject(error);
    }
  })).then(
    () => ({ outcome: "graceful" as const }),
    (failure: unknown) => ({ outcome: "failed" as const, failure }),
  );
  try {
    return await Promise.race([stopped, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Calls `onSignal` for each of `signals` until the returned function removes
 * the listeners.
 */
function listenForSignals(
  signals: readonly Deno.Signal[],
  onSignal: (signal: Deno.Signal) => void,
): () => void {
  const listeners = new Map<Deno.Signal, () => void>();
  for (const signal of signals) {
    if (listeners.has(signal)) continue;
    const listener = (): void => onSignal(signal);
    Deno.addSignalListener(signal, listener);
    listeners.set(signal, listener);
  }
  return () => {
    for (const [signal, listener] of listeners) {
      try {
        Deno.removeSignalListener(signal, listener);
      } catch {
        // not installed
      }
    }
    listeners.clear();
  };
}

/** Linux signal numbers, for the 128 + n exit code of `repeatedSignal: "exit"`. */
const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGTERM: 15,
};

/**
 * Stops one server: `shutdown()` (Deno.serve), else `close()` with a callback
 * (node:http/node:net, idle connections closed) or without one.
 *
 * @param server The server.
 * @returns Settles when it has stopped.
 */
export function stopServer(server: Stoppable): Promise<void> {
  if (typeof (server as { shutdown?: unknown }).shutdown === "function") {
    return (server as { shutdown(): Promise<void> }).shutdown();
  }
  const closable = server as {
    close(callback?: (error?: Error) => void): unknown;
    closeIdleConnections?: () => void;
  };
  return new Promise<void>((resolve, reject) => {
    let result: unknown;
    if (closable.close.length >= 1) {
      // node:http/node:net: the callback fires once every connection ended.
      result = closable.close((error) => error ? reject(error) : resolve());
      closable.closeIdleConnections?.();
    } else {
      result = closable.close();
      if (!(result instanceof Promise)) resolve();
    }
    if (result instanceof Promise) result.then(() => resolve(), reject);
  });
}

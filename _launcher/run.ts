/**
 * Running the command with the bound sockets: the serve mode (one child,
 * restarted on changes with `--watch`) and the accept mode (one child per
 * connection), the child's environment, and the signals the launcher
 * forwards.
 *
 * @module
 */

import { libc } from "../_ffi.ts";
import { LISTEN_VARIABLES } from "../_env.ts";
import { LAUNCHER_PID } from "../_notify/upgrade_state.ts";
import type { LaunchConfig } from "./args.ts";
import { moveFdAbove } from "./bind.ts";
import type { BoundSocket } from "./bind.ts";
import { acceptConnections, remoteEnv } from "./accept.ts";
import { exitCode, sendSignal, SIGNALS, spawnChild } from "./spawn.ts";
import type { ExitStatus, SpawnedChild } from "./spawn.ts";
import { watchPaths } from "./watch.ts";
import { ChildNotifications } from "./ready.ts";
import type { ChildMessage } from "./ready.ts";
import { SenderReport } from "../_notify/readiness.ts";
import type { PathWatcher } from "./watch.ts";

const FORWARDED: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** How the launcher is stopped: its signals, or an abort signal. */
export interface StopOptions {
  /** Stops the launcher as SIGTERM would. */
  signal?: AbortSignal | undefined;
  /** Forward SIGINT, SIGTERM and SIGHUP to the children (default `true`). */
  forwardSignals?: boolean | undefined;
}

/** How every child is spawned: `LISTEN_PID` or not, and `setpriv`. */
export interface SpawnSettings {
  /** Set `LISTEN_PID` and `LISTEN_PIDFDID`. */
  setPid: boolean;
  /** The path of `setpriv`, when installed. */
  setpriv: string | undefined;
}

/** What a run needs: the command line, the sockets, and how to report. */
export interface Run {
  /** The parsed command line. */
  config: LaunchConfig;
  /** The bound sockets, in fd order. */
  sockets: readonly BoundSocket[];
  /** The children's environment (see {@linkcode childEnv}). */
  env: Record<string, string>;
  /** How children are spawned. */
  spawn: SpawnSettings;
  /** Where the launcher's messages go. */
  log: (line: string) => void;
  /** How the launcher is stopped. */
  stop: StopOptions;
}

/**
 * The environment every child starts from: the launcher's (or the given)
 * one without its own `LISTEN_*` variables, with `--setenv` applied,
 * `LISTEN_FDS_LAUNCHER_PID` set to the launcher's pid and, in the serve
 * mode, `LISTEN_FDS` and `LISTEN_FDNAMES` set.
 *
 * @param config The command line.
 * @param base The environment to start from.
 * @returns The children's environment.
 */
export function childEnv(
  config: LaunchConfig,
  base: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = { ...base };
  for (const name of LISTEN_VARIABLES) delete env[name];
  for (const { name, value } of config.setEnv) {
    const resolved = value ?? base[name];
    if (resolved === undefined) delete env[name];
    else env[name] = resolved;
  }
  // A child's own hot upgrade (handleUpgrades()) would start a successor
  // the launcher does not supervise: it refuses when this is set.
  env[LAUNCHER_PID] = String(Deno.pid);
  if (!config.accept) {
    env.LISTEN_FDS = String(config.sockets.length);
    if (config.names) env.LISTEN_FDNAMES = joinFdNames(config.names);
  }
  return env;
}

/**
 * Joins names into `LISTEN_FDNAMES`. Consumers (libsystemd, `ListenFds`)
 * read a backslash as escaping the next character, so a `\` in a name is
 * written `\\`. (Names cannot contain `:`: the spec parser rejects it.)
 *
 * @param names The names.
 * @returns The value.
 */
function joinFdNames(names: readonly string[]): string {
  return names.map((name) => name.replaceAll("\\", "\\\\")).join(":");
}

/**
 * Delivers stop requests, forwarded signals and the `extra` signals (always
 * listened to) while the launcher runs.
 */
function onSignals(
  options: StopOptions,
  handler: (signal: Deno.Signal) => void,
  extra: readonly Deno.Signal[] = [],
): () => void {
  const removers: (() => void)[] = [];
  const signals = new Set(extra);
  if (options.forwardSignals ?? true) {
    for (const signal of FORWARDED) signals.add(signal);
  }
  for (const signal of signals) {
    const listener = () => handler(signal);
    Deno.addSignalListener(signal, listener);
    removers.push(() => Deno.removeSignalListener(signal, listener));
  }
  if (options.signal) {
    const listener = () => handler("SIGTERM");
    if (options.signal.aborted) queueMicrotask(listener);
    else options.signal.addEventListener("abort", listener, { once: true });
    removers.push(() => options.signal?.removeEventListener("abort", listener));
  }
  return () => removers.forEach((remove) => remove());
}

/** Passes a signal the launcher received on to a child. */
function forward(child: SpawnedChild, signal: Deno.Signal): void {
  sendSignal(child.pid, SIGNALS[signal as keyof typeof SIGNALS]);
}

function describeStatus(status: ExitStatus): string {
  return status.signal === undefined
    ? `exited with code ${status.code}`
    : `was killed by signal ${status.signal}`;
}

/** What wakes the serve loop. */
type ServeEvent =
  | { kind: "exited"; child: SpawnedChild; status: ExitStatus }
  | { kind: "changed"; paths: string[] }
  | { kind: "stop" }
  | { kind: "upgrade" }
  | { kind: "notified"; message: ChildMessage }
  | { kind: "upgrade-timeout"; child: SpawnedChild };

/** A queue of events the serve loop awaits one at a time. */
class Events<T> {
  #queue: T[] = [];
  #wake: (() => void) | undefined;

  push(event: T): void {
    this.#queue.push(event);
    this.#wake?.();
  }

  async next(): Promise<T> {
    while (this.#queue.length === 0) {
      await new Promise<void>((resolve) => this.#wake = resolve);
      this.#wake = undefined;
    }
    return this.#queue.shift()!;
  }
}

/** A hot upgrade in progress: the new child, its time bound, what it said. */
interface Upgrade {
  child: SpawnedChild;
  timer: ReturnType<typeof setTimeout>;
  said: SenderReport;
}

/** Whether a notification came from a child or its process group. */
function sentBy(message: ChildMessage, child: SpawnedChild): boolean {
  return message.pid === child.pid || message.group === child.pid;
}

/**
 * The serve mode: runs the command with every socket, restarts it on
 * changes (`--watch`; a child that exits waits for the next change),
 * hot-upgrades it on the `--upgrade-on` signal, stops on SIGINT/SIGTERM or
 * the abort signal.
 *
 * A hot upgrade starts a new child with the same sockets and variables while
 * the old one serves on; children get the launcher's `NOTIFY_SOCKET`. Once
 * `READY=1` comes from the new child (or its process group), the old one is
 * stopped as on a restart (SIGTERM, SIGKILL after `--stop-timeout`). When
 * the new child exits first, or sends no `READY=1` within
 * `--upgrade-timeout` (it is then stopped), the old one serves on and the
 * failure is logged.
 *
 * @param run What to run.
 * @returns The exit code: the last child's.
 */
export async function runServe(run: Run): Promise<number> {
  const { config, log } = run;
  const events = new Events<ServeEvent>();
  const notifications = config.upgradeOn
    ? ChildNotifications.open((message) =>
      events.push({ kind: "notified", message })
    )
    : undefined;
  const env = notifications
    ? { ...run.env, NOTIFY_SOCKET: notifications.address }
    : run.env;
  const start = (): SpawnedChild =>
    startChild(
      { ...run, env },
      (child, status) => events.push({ kind: "exited", child, status }),
    );
  let child: SpawnedChild | undefined;
  let childReady = false;
  let upgrade: Upgrade | undefined;
  /** Children being stopped after an upgrade (the old, or a late new one). */
  const retired = new Set<SpawnedChild>();
  let pendingChange: string[] | undefined;
  let stopping = false;
  const removeSignals = onSignals(run.stop, (signal) => {
    if (signal === config.upgradeOn) {
      events.push({ kind: "upgrade" });
      return;
    }
    if (child?.running) forward(child, signal);
    if (signal === "SIGHUP") return;
    if (upgrade?.child.running) forward(upgrade.child, signal);
    stopping = true;
    events.push({ kind: "stop" });
  }, config.upgradeOn ? [config.upgradeOn] : []);
  const watcher = watchChanges(
    run,
    (paths) => events.push({ kind: "changed", paths }),
  );
  const retire = (old: SpawnedChild): void => {
    retired.add(old);
    void stopChild(old, config.stopTimeout);
  };
  /** Ends the upgrade; a change that came meanwhile restarts now. */
  const endUpgrade = (): void => {
    if (upgrade) clearTimeout(upgrade.timer);
    upgrade = undefined;
    if (notifications) notifications.fast = false;
    if (pendingChange) events.push({ kind: "changed", paths: pendingChange });
    pendingChange = undefined;
  };
  const serving = (): string =>
    child ? `pid ${child.pid} keeps serving` : "no child is serving";
  let last: ExitStatus | undefined;
  try {
    child = start();
    while (true) {
      const event = await events.next();
      if (event.kind === "upgrade") {
        if (stopping) continue;
        if (upgrade) {
          log(
            `launch: upgrade: pid ${upgrade.child.pid} is still starting; ${config.upgradeOn} ignored`,
          );
          continue;
        }
        log(
          `launch: upgrade: starting a new child${
            child ? `; pid ${child.pid} serves until it sends READY=1` : ""
          }`,
        );
        let next: SpawnedChild;
        try {
          next = start();
        } catch (error) {
          log(
            `launch: upgrade failed: ${
              error instanceof Error ? error.message : String(error)
            }; ${serving()}`,
          );
          continue;
        }
        const timer = setTimeout(
          () => events.push({ kind: "upgrade-timeout", child: next }),
          config.upgradeTimeout,
        );
        upgrade = { child: next, timer, said: new SenderReport() };
        if (notifications) notifications.fast = true;
      } else if (event.kind === "notified") {
        const { message } = event;
        if (upgrade && sentBy(message, upgrade.child)) {
          upgrade.said.add(message);
          if (!message.ready) continue;
          const previous = child;
          child = upgrade.child;
          childReady = true;
          endUpgrade();
          if (previous?.running) {
            log(
              `launch: upgrade: pid ${child.pid} is ready; stopping pid ${previous.pid}`,
            );
            retire(previous);
          } else log(`launch: upgrade: pid ${child.pid} is ready`);
        } else if (
          child && !childReady && message.ready && sentBy(message, child)
        ) {
          childReady = true;
          log(`launch: pid ${child.pid} is ready`);
        }
      } else if (event.kind === "upgrade-timeout") {
        if (upgrade?.child !== event.child) continue;
        log(
          `launch: upgrade failed: pid ${event.child.pid} sent no READY=1 within ${config.upgradeTimeout} ms${upgrade.said.details()}; stopping it; ${serving()}`,
        );
        endUpgrade();
        retire(event.child);
      } else if (event.kind === "exited") {
        const { child: ended, status } = event;
        if (upgrade?.child === ended) {
          // What it sent before it exited comes first (its STATUS=).
          if (notifications && notifications.flush() > 0) {
            events.push(event);
            continue;
          }
          if (!stopping) {
            log(
              `launch: upgrade failed: pid ${ended.pid} ${
                describeStatus(status)
              } before it sent READY=1${upgrade.said.details()}; ${serving()}`,
            );
          }
          endUpgrade();
          if (child) continue;
          last ??= status;
          if (stopping || !watcher) return exitCode(last);
          continue;
        }
        if (retired.delete(ended)) {
          log(`launch: pid ${ended.pid} ${describeStatus(status)}`);
          if (!child && !upgrade && (stopping || !watcher)) {
            return exitCode(last ?? status);
          }
          continue;
        }
        if (ended !== child) continue; // stopped for a restart
        child = undefined;
        childReady = false;
        last = status;
        if (upgrade) {
          if (!stopping) {
            log(
              `launch: pid ${ended.pid} ${
                describeStatus(last)
              } during the upgrade; waiting for pid ${upgrade.child.pid}`,
            );
          }
          continue;
        }
        if (stopping || !watcher) return exitCode(last);
        log(
          `launch: pid ${ended.pid} ${
            describeStatus(last)
          }; restarting on the next change`,
        );
      } else if (event.kind === "stop") {
        if (!child && !upgrade) return last ? exitCode(last) : 0;
      } else if (!stopping) {
        if (upgrade) {
          pendingChange = event.paths;
          continue; // restarted once the upgrade ended
        }
        const [first] = event.paths;
        log(`launch: restarting: ${event.paths.length} changed (${first})`);
        const previous = child;
        child = undefined;
        childReady = false;
        if (previous) await stopChild(previous, config.stopTimeout);
        if (stopping) return last ? exitCode(last) : 0;
        child = start();
      }
    }
  } finally {
    watcher?.close();
    removeSignals();
    if (upgrade) clearTimeout(upgrade.timer);
    // The retired children are being stopped already (SIGKILL after
    // --stop-timeout): a second SIGTERM could cut their drain short.
    const remaining = [child, upgrade?.child].filter(
      (c): c is SpawnedChild => c?.running === true,
    );
    for (const c of remaining) sendSignal(c.pid, SIGNALS.SIGTERM);
    await Promise.all([...remaining, ...retired].map((c) => c.exited));
    notifications?.close();
  }
}

/** Starts the command with every socket; `onExit` hears when it ended. */
function startChild(
  run: Run,
  onExit: (child: SpawnedChild, status: ExitStatus) => void,
): SpawnedChild {
  const { command } = run.config;
  const fds = run.sockets.map((s) => s.fd);
  const child = spawnChild(command, { fds, env: run.env, ...run.spawn });
  run.log(`launch: started pid ${child.pid}: ${command.join(" ")}`);
  child.exited.then((status) => onExit(child, status));
  return child;
}

/** Starts watching `--watch` paths, if any; a failing watch is reported. */
function watchChanges(
  run: Run,
  onChange: (paths: string[]) => void,
): PathWatcher | undefined {
  const { watch, debounce } = run.config;
  if (watch.length === 0) return undefined;
  return watchPaths(watch, debounce, onChange, {
    onError: (error) =>
      run.log(
        `launch: watching ${watch.join(", ")} failed: ${
          error instanceof Error ? error.message : String(error)
        }; watching again`,
      ),
  });
}

async function stopChild(child: SpawnedChild, timeout: number): Promise<void> {
  sendSignal(child.pid, SIGNALS.SIGTERM);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      sendSignal(child.pid, SIGNALS.SIGKILL);
      resolve();
    }, timeout);
  });
  await Promise.race([child.exited, killed]);
  clearTimeout(timer);
  await child.exited;
}

/**
 * The accept mode: accepts connections on every socket and runs the command
 * once per connection, with it as fd 3; stops on SIGINT/SIGTERM or the abort
 * signal, then waits for the children.
 *
 * @param run What to run.
 * @returns 0.
 */
export async function runAccept(run: Run): Promise<number> {
  const children = new Set<SpawnedChild>();
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const removeSignals = onSignals(run.stop, (signal) => {
    for (const child of children) forward(child, signal);
    if (signal !== "SIGHUP") wake();
  });
  const loops = run.sockets.map((socket) =>
    acceptConnections(socket, (fd, peer) => {
      try {
        const child = spawnForConnection(run, fd, peer);
        children.add(child);
        child.exited.then((status) => {
          children.delete(child);
          if (status.code !== 0) {
            run.log(`launch: pid ${child.pid} ${describeStatus(status)}`);
          }
        });
      } catch (error) {
        run.log(
          `launch: cannot start a child for a connection: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    })
  );
  try {
    await stopped;
  } finally {
    removeSignals();
    for (const loop of loops) loop.stop();
    await Promise.all(loops.map((loop) => loop.done));
    await Promise.all([...children].map((child) => child.exited));
  }
  return 0;
}

/** Runs the command for one accepted connection, passed as fd 3. */
function spawnForConnection(
  run: Run,
  fd: number,
  peer: Parameters<typeof remoteEnv>[0],
): SpawnedChild {
  const connection = moveFdAbove(fd, 4);
  try {
    return spawnChild(run.config.command, {
      fds: [connection],
      env: {
        ...run.env,
        LISTEN_FDS: "1",
        LISTEN_FDNAMES: "connection",
        ...remoteEnv(peer),
      },
      ...run.spawn,
    });
  } finally {
    libc().close(connection);
  }
}

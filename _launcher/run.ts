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
import type { LaunchConfig } from "./args.ts";
import { moveFdAbove } from "./bind.ts";
import type { BoundSocket } from "./bind.ts";
import { acceptConnections, remoteEnv } from "./accept.ts";
import { exitCode, sendSignal, SIGNALS, spawnChild } from "./spawn.ts";
import type { ExitStatus, SpawnedChild } from "./spawn.ts";
import { watchPaths } from "./watch.ts";
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
 * one without its own `LISTEN_*` variables, with `--setenv` applied and, in
 * the serve mode, `LISTEN_FDS` and `LISTEN_FDNAMES` set.
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

/** Delivers stop requests and forwarded signals while the launcher runs. */
function onSignals(
  options: StopOptions,
  handler: (signal: Deno.Signal) => void,
): () => void {
  const removers: (() => void)[] = [];
  if (options.forwardSignals ?? true) {
    for (const signal of FORWARDED) {
      const listener = () => handler(signal);
      Deno.addSignalListener(signal, listener);
      removers.push(() => Deno.removeSignalListener(signal, listener));
    }
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
  | { kind: "stop" };

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

/**
 * The serve mode: runs the command with every socket, restarts it on
 * changes (`--watch`; a child that exits waits for the next change), stops
 * on SIGINT/SIGTERM or the abort signal.
 *
 * @param run What to run.
 * @returns The exit code: the last child's.
 */
export async function runServe(run: Run): Promise<number> {
  const { config, log } = run;
  const events = new Events<ServeEvent>();
  const start = (): SpawnedChild =>
    startChild(
      run,
      (child, status) => events.push({ kind: "exited", child, status }),
    );
  let child: SpawnedChild | undefined;
  let stopping = false;
  const removeSignals = onSignals(run.stop, (signal) => {
    if (child?.running) forward(child, signal);
    if (signal === "SIGHUP") return;
    stopping = true;
    events.push({ kind: "stop" });
  });
  const watcher = watchChanges(
    run,
    (paths) => events.push({ kind: "changed", paths }),
  );
  let last: ExitStatus | undefined;
  try {
    child = start();
    while (true) {
      const event = await events.next();
      if (event.kind === "exited") {
        if (event.child !== child) continue; // stopped for a restart
        child = undefined;
        last = event.status;
        if (stopping || !watcher) return exitCode(last);
        log(
          `launch: pid ${event.child.pid} ${
            describeStatus(last)
          }; restarting on the next change`,
        );
      } else if (event.kind === "stop") {
        if (!child) return last ? exitCode(last) : 0;
      } else if (!stopping) {
        const [first] = event.paths;
        log(`launch: restarting: ${event.paths.length} changed (${first})`);
        const previous = child;
        child = undefined;
        if (previous) await stopChild(previous, config.stopTimeout);
        if (stopping) return last ? exitCode(last) : 0;
        child = start();
      }
    }
  } finally {
    watcher?.close();
    removeSignals();
    if (child?.running) {
      sendSignal(child.pid, SIGNALS.SIGTERM);
      await child.exited;
    }
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

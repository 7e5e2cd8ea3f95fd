/**
 * A socket-activation launcher for development — systemfd for Deno.
 *
 * It binds sockets itself (TCP over IPv4 or IPv6, Unix, UDP), then runs a
 * command with them as fds 3, 4, … and `LISTEN_FDS`, `LISTEN_PID`,
 * `LISTEN_PIDFDID` and `LISTEN_FDNAMES` set as systemd would. With `--watch`
 * the command restarts on every change while the sockets stay open, so
 * connections made during a restart wait in the kernel's backlog instead of
 * failing. `--accept` runs one command per connection.
 *
 * ```sh
 * deno run -A jsr:@listen-fds/listen-fds/launch -s http::3000 -w src -- \
 *   deno run -A src/main.ts
 * ```
 *
 * Permissions: `-A` in practice (`--allow-ffi` for the sockets and the
 * spawn, which means full trust anyway; `--allow-env`, `--allow-read` for
 * `--watch` and Unix socket paths, `--allow-write` to remove stale Unix
 * socket files). Linux only.
 *
 * @module
 */

import { ListenFdsError } from "./errors.ts";
import { libc } from "./ffi.ts";
import type { SocketAddress } from "./sockaddr.ts";
import { parseLaunchArgs, USAGE } from "./launcher/args.ts";
import type { LaunchConfig } from "./launcher/args.ts";
import { bindSockets, closeSockets, moveFdAbove } from "./launcher/bind.ts";
import type { BoundSocket } from "./launcher/bind.ts";
import { acceptConnections, remoteEnv } from "./launcher/accept.ts";
import {
  exitCode,
  findSetpriv,
  sendSignal,
  SIGNALS,
  spawnChild,
} from "./launcher/spawn.ts";
import type { ExitStatus, SpawnedChild } from "./launcher/spawn.ts";
import { watchPaths } from "./launcher/watch.ts";
import type { PathWatcher } from "./launcher/watch.ts";

export { parseSocketSpec } from "./launcher/spec.ts";
export type {
  InetSocketSpec,
  SocketScheme,
  SocketSpec,
  UnixSocketSpec,
} from "./launcher/spec.ts";
export type { SocketAddress } from "./sockaddr.ts";
export { parseLaunchArgs, USAGE } from "./launcher/args.ts";
export type { LaunchConfig, SetEnv } from "./launcher/args.ts";

/** A socket the launcher bound, as reported to {@linkcode LaunchOptions.onListen}. */
export interface LaunchedSocket {
  /** The fd number the child gets (3, 4, …). */
  fd: number;
  /** Its name in `LISTEN_FDNAMES`, if names were given. */
  name: string | undefined;
  /** The bound address (with the port the kernel picked for port 0). */
  address: SocketAddress;
  /** How it is shown, e.g. `http://127.0.0.1:3000/`. */
  description: string;
  /** The spec as written. */
  spec: string;
}

/** Options of {@linkcode launch}. */
export interface LaunchOptions {
  /** Stops the launcher as SIGTERM would: the children get SIGTERM. */
  signal?: AbortSignal;
  /** Called once the sockets are bound, before the first child starts. */
  onListen?: (sockets: readonly LaunchedSocket[]) => void;
  /** Receives the launcher's messages; they go to stderr by default. */
  log?: (line: string) => void;
  /**
   * The environment the children start from (the `LISTEN_*` variables in it
   * are replaced).
   *
   * @default {Deno.env.toObject()}
   */
  env?: Readonly<Record<string, string>>;
  /**
   * Forward SIGINT, SIGTERM and SIGHUP to the children (SIGINT and SIGTERM
   * also stop the launcher). Each child runs in a process group of its own,
   * so a terminal's Ctrl-C reaches it once, through the launcher.
   *
   * @default {true}
   */
  forwardSignals?: boolean;
}

/** The variables the launcher owns: never inherited from its own env. */
const LISTEN_VARIABLES = [
  "LISTEN_PID",
  "LISTEN_PIDFDID",
  "LISTEN_FDS",
  "LISTEN_FDNAMES",
  "LISTEN_FDS_FIRST_FD",
];

const FORWARDED: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs the launcher with command-line arguments: binds the sockets, starts
 * the command with them, restarts it on changes (`--watch`) or once per
 * connection (`--accept`), forwards signals, and returns the exit code (the
 * child's; 128 + signal when a signal killed it).
 *
 * @param args The arguments, as `Deno.args` (see {@linkcode USAGE}).
 * @param options Hooks for programmatic use and tests.
 * @returns The exit code.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` or `INVALID_SOCKET_SPEC` for a
 * bad command line, `SYSCALL_FAILED` when a socket cannot be bound.
 *
 * @example Usage
 * ```ts ignore
 * import { launch } from "jsr:@listen-fds/listen-fds/launch";
 *
 * const code = await launch(["-s", "http::3000", "--", "deno", "run", "-A", "main.ts"]);
 * Deno.exit(code);
 * ```
 */
export async function launch(
  args: readonly string[],
  options: LaunchOptions = {},
): Promise<number> {
  const config = parseLaunchArgs(args);
  const log = config.quiet
    ? () => {}
    : options.log ?? ((line: string) => console.error(line));
  if (config.help) {
    if (options.log) options.log(USAGE);
    else console.log(USAGE);
    return 0;
  }
  for (const path of config.watch) {
    try {
      await Deno.stat(path);
    } catch (error) {
      throw new ListenFdsError(
        `Cannot watch "${path}": ${
          error instanceof Deno.errors.NotFound
            ? "no such file or directory"
            : String(error)
        }`,
        { code: "INVALID_ARGUMENT", value: path, cause: error },
      );
    }
  }
  const env = childEnv(config, options.env ?? Deno.env.toObject());
  const setpriv = findSetpriv(env.PATH);
  if (setpriv === undefined) {
    log(
      "launch: setpriv (util-linux) is not installed: a child can outlive a launcher killed with SIGKILL",
    );
  }
  const spawn = { setPid: !config.noPid, setpriv };
  const sockets = bindSockets(config.sockets, {
    backlog: config.backlog,
    reuse: config.reuse,
    minFd: Math.max(64, 3 + config.sockets.length),
  });
  try {
    const launched = sockets.map((socket, i): LaunchedSocket => ({
      fd: 3 + i,
      name: config.names?.[i],
      address: socket.address,
      description: socket.description,
      spec: socket.spec.spec,
    }));
    for (const socket of launched) {
      const name = socket.name === undefined ? "" : ` (${socket.name})`;
      log(`launch: ${socket.description} -> fd ${socket.fd}${name}`);
    }
    options.onListen?.(launched);
    return config.accept
      ? await runAccept(config, sockets, env, spawn, log, options)
      : await runServe(config, sockets, env, spawn, log, options);
  } finally {
    closeSockets(sockets);
  }
}

function childEnv(
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
  options: LaunchOptions,
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

function describeStatus(status: ExitStatus): string {
  return status.signal === undefined
    ? `exited with code ${status.code}`
    : `was killed by signal ${status.signal}`;
}

/** How every child is spawned: `LISTEN_PID` or not, and `setpriv`. */
interface SpawnSettings {
  setPid: boolean;
  setpriv: string | undefined;
}

async function runServe(
  config: LaunchConfig,
  sockets: readonly BoundSocket[],
  env: Record<string, string>,
  spawn: SpawnSettings,
  log: (line: string) => void,
  options: LaunchOptions,
): Promise<number> {
  const fds = sockets.map((s) => s.fd);
  let wake: () => void = () => {};
  let woken = new Promise<void>((resolve) => (wake = resolve));
  let stopRequested = false;
  let changed: string[] | undefined;
  let child: SpawnedChild | undefined;
  let status: ExitStatus | undefined;
  let exited = false;

  const start = (): void => {
    const started = spawnChild(config.command, { fds, env, ...spawn });
    child = started;
    exited = false;
    log(`launch: started pid ${started.pid}: ${config.command.join(" ")}`);
    started.exited.then((s) => {
      if (child !== started) return;
      status = s;
      exited = true;
      wake();
    });
  };

  const removeSignals = onSignals(options, (signal) => {
    if (child && !exited) {
      sendSignal(child.pid, SIGNALS[signal as keyof typeof SIGNALS]);
    }
    if (signal !== "SIGHUP") {
      stopRequested = true;
      wake();
    }
  });
  let watcher: PathWatcher | undefined;
  try {
    if (config.watch.length > 0) {
      watcher = watchPaths(config.watch, config.debounce, (paths) => {
        changed = paths;
        wake();
      }, {
        onError: (error) =>
          log(
            `launch: watching ${config.watch.join(", ")} failed: ${
              error instanceof Error ? error.message : String(error)
            }; watching again`,
          ),
      });
    }
    start();
    while (true) {
      await woken;
      woken = new Promise<void>((resolve) => (wake = resolve));
      if (exited && child) {
        const pid = child.pid;
        child = undefined;
        if (stopRequested || !watcher) return exitCode(status!);
        log(
          `launch: pid ${pid} ${
            describeStatus(status!)
          }; restarting on the next change`,
        );
      }
      if (stopRequested) {
        if (!child) return status ? exitCode(status) : 0;
        continue;
      }
      if (changed) {
        const paths = changed;
        changed = undefined;
        log(`launch: restarting: ${paths.length} changed (${paths[0]})`);
        if (child) {
          const running = child;
          child = undefined;
          await stopChild(running, config.stopTimeout);
          exited = false;
        }
        if (stopRequested) return status ? exitCode(status) : 0;
        start();
      }
    }
  } finally {
    watcher?.close();
    removeSignals();
    if (child && !exited) {
      sendSignal(child.pid, SIGNALS.SIGTERM);
      await child.exited;
    }
  }
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

async function runAccept(
  config: LaunchConfig,
  sockets: readonly BoundSocket[],
  env: Record<string, string>,
  spawn: SpawnSettings,
  log: (line: string) => void,
  options: LaunchOptions,
): Promise<number> {
  const children = new Set<SpawnedChild>();
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const removeSignals = onSignals(options, (signal) => {
    for (const child of children) {
      sendSignal(child.pid, SIGNALS[signal as keyof typeof SIGNALS]);
    }
    if (signal !== "SIGHUP") wake();
  });
  const loops = sockets.map((socket) =>
    acceptConnections(socket, (fd, peer) => {
      try {
        const connection = moveFdAbove(fd, 4);
        try {
          const child = spawnChild(config.command, {
            fds: [connection],
            env: {
              ...env,
              LISTEN_FDS: "1",
              LISTEN_FDNAMES: "connection",
              ...remoteEnv(peer),
            },
            ...spawn,
          });
          children.add(child);
          child.exited.then((status) => {
            children.delete(child);
            if (status.code !== 0) {
              log(`launch: pid ${child.pid} ${describeStatus(status)}`);
            }
          });
        } finally {
          libc().close(connection);
        }
      } catch (error) {
        log(
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

if (import.meta.main) {
  try {
    Deno.exit(await launch(Deno.args));
  } catch (error) {
    if (error instanceof ListenFdsError) {
      console.error(`launch: ${error.message}`);
      const usage = error.code === "INVALID_ARGUMENT" ||
        error.code === "INVALID_SOCKET_SPEC";
      if (usage) console.error("Run with --help for the usage.");
      Deno.exit(usage ? 2 : 1);
    }
    throw error;
  }
}

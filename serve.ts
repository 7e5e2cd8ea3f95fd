/**
 * `deno serve` for socket-activated services: one command for `ExecStart=`
 * that serves a module's default export (`{ fetch }`, optionally
 * `onListen`), as `deno serve` does, on the socket systemd passes, on one
 * core or on all of them. The module imports nothing from this package.
 *
 * ```ini
 * [Service]
 * Type=notify
 * ExecStart=/usr/bin/deno run --allow-env --allow-ffi --allow-net --allow-read jsr:@listen-fds/listen-fds/serve --parallel /srv/app/main.ts
 * ```
 *
 * ```sh
 * # development, without systemd: binds --host/--port like deno serve
 * deno run -A jsr:@listen-fds/listen-fds/serve --parallel --port 8000 main.ts
 * ```
 *
 * Flags (before the module; what follows it is the module's `Deno.args`):
 *
 * | Flag                    | Meaning                                                        |
 * | ----------------------- | -------------------------------------------------------------- |
 * | `--parallel`            | one worker per CPU, or `$DENO_JOBS` (as `deno serve`)          |
 * | `--workers N`           | `N` workers                                                    |
 * | `--host H`, `--port P`  | bind this when not activated (`0.0.0.0`, `8000`)               |
 * | `--name NAME`           | serve the activated fds named `NAME` (default: the first one's)|
 * | `--drain-timeout MS`    | each server's drain on shutdown (1000)                         |
 * | `--shutdown-timeout MS` | the most a shutdown may take before exiting with 1 (10000)     |
 * | `--restart-limit N`     | dead workers restarted within 10 s before failing (5)          |
 * | `--fd-store NAME`       | keep the bound socket in the fd store across restarts          |
 * | `--upgrade`             | hot upgrade on `SIGHUP` (`systemctl reload`)                   |
 * | `--upgrade-timeout MS`  | how long the successor may take to be ready (30000)            |
 *
 * It sends `READY=1` once every worker serves, drains every worker on
 * `SIGTERM`/`SIGINT` (`STOPPING=1`), restarts a worker that dies, and exits
 * with code 1 when workers die more often than `--restart-limit` allows, so
 * that the unit fails and `Restart=` decides. With `--upgrade`, `SIGHUP`
 * starts the same command again as a successor with every socket (and the fd
 * store's contents), and once it is ready hands it the service (`MAINPID=`),
 * drains every worker and exits (`handleUpgrades()`; `Type=notify-reload`).
 * Without `--parallel` or `--workers`, a `ReusePort=yes` set of sockets gets
 * one worker per socket, and anything else is served in the main thread, as
 * `deno serve` does.
 *
 * Permissions: `--allow-env`, `--allow-ffi`, `--allow-read` (the module),
 * `--allow-net` (the placeholder; the module's own needs), or `-A`.
 *
 * @module
 */

import { parseArgs } from "@std/cli/parse-args";
import { ListenFds } from "./mod.ts";
import { ListenFdsError } from "./_errors.ts";
import { notifyReady, notifyStatus } from "./notify.ts";
import { handleShutdown, type Stoppable } from "./_notify/shutdown.ts";
import type { Upgrader } from "./_notify/upgrade.ts";
import {
  bindFallback,
  selectActivated,
  serveParallel,
  socketsPerAddress,
} from "./_parallel.ts";
import { loadServeModule, serveSockets } from "./_serve_module.ts";
import { defaultOnListen } from "./_adopt/serve.ts";
import { libc } from "./_ffi.ts";
import { SIGNALS } from "./_linux.ts";

/** The usage text of the entry. */
export const USAGE: string = `\
Usage: deno run --allow-env --allow-ffi --allow-net --allow-read \\
         jsr:@listen-fds/listen-fds/serve [OPTIONS] MODULE [ARGS...]

Serves MODULE's default export { fetch, onListen? } (as deno serve does) on the
socket-activated listening socket(s), or on --host/--port without activation.

Options:
  --parallel             one worker per CPU (or $DENO_JOBS workers)
  --workers N            N workers
                         [default: one per socket of a ReusePort=yes set,
                         else the main thread serves]
  --host HOST            address to bind when not activated [default: 0.0.0.0]
  --port PORT            port to bind when not activated [default: 8000]
  --name NAME            serve the activated fds named NAME
                         [default: the first fd and every fd with its name]
  --drain-timeout MS     each server's drain on shutdown [default: 1000]
  --shutdown-timeout MS  exit with 1 when shutting down takes longer [default: 10000]
  --restart-limit N      dead workers restarted within 10 s before failing [default: 5]
  --fd-store NAME        keep the socket bound without activation in systemd's fd
                         store (FileDescriptorStoreMax=1) and serve it from there
                         after a restart (implies --name NAME; served by
                         workers: --workers N, else one per CPU)
  --upgrade              hot upgrade on SIGHUP (systemctl reload of a
                         Type=notify-reload unit, or kill -HUP): start this
                         command again with the sockets, hand over once it is
                         ready, drain every worker, exit; if it fails, serve on
  --upgrade-timeout MS   how long the successor may take to be ready
                         [default: 30000]
  -h, --help             this text
`;

/** The entry's parsed command line. */
export interface ServeCommand {
  /** The module's URL. */
  module: string;
  /** The module's `Deno.args`. */
  args: string[];
  /** The worker count; `undefined` serves in the main thread. */
  workers: number | undefined;
  /** Bind address without activation. */
  host: string;
  /** Bind port without activation. */
  port: number;
  /** The activated fds' name. */
  name: string | undefined;
  /** Each server's drain on shutdown, in milliseconds. */
  drainTimeout: number;
  /** The bound of a shutdown, in milliseconds. */
  shutdownTimeout: number;
  /** The restart limit of dead workers. */
  restartLimit: number;
  /** Keep a socket bound without activation in the fd store, by this name. */
  fdStore: string | undefined;
  /** Hot-upgrade on `SIGHUP`. */
  upgrade: boolean;
  /** How long a successor may take to report ready, in milliseconds. */
  upgradeTimeout: number;
}

function integer(flag: string, value: string | undefined, min: number): number {
  const number = Number(value);
  if (value === undefined || !/^[0-9]+$/.test(value) || number < min) {
    throw new ListenFdsError(
      `Cannot parse --${flag}: value is "${value}", expected an integer of at least ${min}`,
      { code: "INVALID_ARGUMENT", value },
    );
  }
  return number;
}

/**
 * Parses the entry's arguments.
 *
 * @param argv The arguments (`Deno.args`).
 * @param env Reads `DENO_JOBS`.
 * @param cwd The directory a relative module path is resolved against.
 * @returns The command, or `"help"`.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` for an unknown flag, a bad
 * number, or no module.
 */
export function parseServeArgs(
  argv: readonly string[],
  env: (name: string) => string | undefined,
  cwd: () => string,
): ServeCommand | "help" {
  const flags = parseArgs([...argv], {
    boolean: ["parallel", "help", "upgrade"],
    string: [
      "workers",
      "host",
      "port",
      "name",
      "drain-timeout",
      "shutdown-timeout",
      "restart-limit",
      "fd-store",
      "upgrade-timeout",
    ],
    alias: { h: "help" },
    stopEarly: true,
    unknown: (arg: string): boolean => {
      if (arg.startsWith("-")) {
        throw new ListenFdsError(
          `Cannot parse the serve command: unknown option "${arg}"`,
          { code: "INVALID_ARGUMENT", value: arg },
        );
      }
      return true;
    },
  });
  if (flags.help) return "help";
  const [module, ...args] = flags._.map(String);
  if (module === undefined) {
    throw new ListenFdsError(
      "Cannot parse the serve command: no module given",
      { code: "INVALID_ARGUMENT" },
    );
  }
  let workers: number | undefined;
  if (flags.workers !== undefined) {
    workers = integer("workers", flags.workers, 1);
  } else if (flags.parallel) {
    const jobs = env("DENO_JOBS");
    workers = jobs !== undefined && jobs !== ""
      ? integer("parallel (DENO_JOBS)", jobs, 1)
      : navigator.hardwareConcurrency ?? 1;
  }
  return {
    module: /^[a-z][a-z0-9+.-]+:/i.test(module) ? module : new URL(
      module,
      `file://${cwd().replace(/\/?$/, "/")}`,
    ).href,
    args,
    workers,
    host: flags.host ?? "0.0.0.0",
    port: flags.port === undefined ? 8000 : integer("port", flags.port, 0),
    name: flags.name,
    drainTimeout: flags["drain-timeout"] === undefined
      ? 1000
      : integer("drain-timeout", flags["drain-timeout"], 0),
    shutdownTimeout: flags["shutdown-timeout"] === undefined
      ? 10_000
      : integer("shutdown-timeout", flags["shutdown-timeout"], 0),
    restartLimit: flags["restart-limit"] === undefined
      ? 5
      : integer("restart-limit", flags["restart-limit"], 0),
    fdStore: flags["fd-store"],
    upgrade: flags.upgrade,
    upgradeTimeout: flags["upgrade-timeout"] === undefined
      ? 30_000
      : integer("upgrade-timeout", flags["upgrade-timeout"], 1),
  };
}

/**
 * Serves in the main thread, as `deno serve` without `--parallel`.
 *
 * @param command The parsed command.
 * @param upgrader With `--upgrade`: gets the socket bound here when nothing
 * was activated.
 * @returns The servers.
 */
async function serveInMainThread(
  command: ServeCommand,
  upgrader: Upgrader | undefined,
): Promise<Deno.HttpServer[]> {
  const exported = await loadServeModule(command.module, command.args);
  const fds = ListenFds.fromEnv();
  const chosen = selectActivated(
    fds,
    command.name === undefined ? {} : { name: command.name },
  );
  if (chosen.length === 0 && upgrader) {
    // The successor gets this socket: bind it here rather than in Deno.serve.
    const bound = bindFallback({ hostname: command.host, port: command.port });
    try {
      upgrader.add(bound.fd, command.name ?? "serve");
    } catch (error) {
      libc().close(bound.fd);
      throw error;
    }
    const servers = serveSockets(exported, [bound.fd], {
      callOnListen: true,
      drainTimeout: command.drainTimeout,
    });
    if (exported.onListen === undefined) {
      defaultOnListen(servers[0]!.addr as Deno.NetAddr | Deno.UnixAddr, false);
    }
    return servers;
  }
  if (chosen.length === 0) {
    return [Deno.serve({
      hostname: command.host,
      port: command.port,
      handler: (request, info) => exported.fetch(request, info),
      onListen: exported.onListen ??
        ((addr): void => defaultOnListen(addr, false)),
    })];
  }
  const servers = serveSockets(
    exported,
    chosen.map((index) => fds.borrow(index)!.fd),
    { callOnListen: true, drainTimeout: command.drainTimeout },
  );
  for (const index of chosen) fds.take(index);
  if (exported.onListen === undefined) {
    defaultOnListen(servers[0]!.addr as Deno.NetAddr | Deno.UnixAddr, false);
  }
  return servers;
}

/** Whether the activated sockets to serve are a `ReusePort=yes` set. */
function reusePortSet(command: ServeCommand): boolean {
  const fds = ListenFds.fromEnv();
  const addresses = selectActivated(
    fds,
    command.name === undefined ? {} : { name: command.name },
  ).flatMap((index) => {
    const address = fds.inspect(index)?.socket?.address;
    return address && ("port" in address || "path" in address)
      ? [address as Deno.NetAddr | Deno.UnixAddr]
      : [];
  });
  return socketsPerAddress(addresses) > 1;
}

/**
 * Installs the hot upgrade of `--upgrade` (before `READY=1`, as systemd 262
 * requires of `Type=notify-reload`): on `SIGHUP` the same command line starts
 * again with every fd of `upgrader`; once it is ready this process tells
 * systemd `MAINPID=`, drains every server (every worker) within
 * `--shutdown-timeout`, and exits.
 *
 * @param servers What to drain after the hand-over.
 * @param upgrader The fds to hand over.
 * @param command The parsed command.
 */
async function handleUpgradesOf(
  servers: Stoppable | Stoppable[],
  upgrader: Upgrader,
  command: ServeCommand,
): Promise<void> {
  const { handleUpgrades } = await import("./_notify/upgrade.ts");
  handleUpgrades(servers, {
    upgrader,
    timeout: command.upgradeTimeout,
    drainTimeout: command.shutdownTimeout,
    onUpgrade(outcome): void {
      console.error(
        outcome.ok
          ? `listen-fds: handed over to pid ${outcome.pid}; draining`
          : `listen-fds: ${outcome.error.message}; serving on`,
      );
    },
  });
}

/**
 * Holds `SIGHUP` until {@linkcode HeldSignal.release}: one that comes before
 * is raised again then (through libc's `kill()`: `Deno.kill()` would need
 * `--allow-run`), for the listeners installed by that time.
 *
 * @returns The hold.
 */
function holdSighup(): HeldSignal {
  let held = false;
  const hold = (): void => {
    held = true;
  };
  Deno.addSignalListener("SIGHUP", hold);
  return {
    release(): void {
      Deno.removeSignalListener("SIGHUP", hold);
      if (held) libc().kill(Deno.pid, SIGNALS.SIGHUP);
    },
  };
}

/** A signal held by {@linkcode holdSighup}. */
interface HeldSignal {
  /** Stops holding; raises the signal again if it came meanwhile. */
  release(): void;
}

/**
 * Runs the entry: parses the arguments, serves, reports readiness, and
 * handles shutdown.
 *
 * @param argv The arguments.
 * @returns Once serving (the process then runs until a signal).
 */
export async function main(argv: readonly string[]): Promise<void> {
  let command: ServeCommand | "help";
  try {
    command = parseServeArgs(
      argv,
      (name) => Deno.env.get(name),
      () => Deno.cwd(),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error(USAGE);
    Deno.exit(2);
  }
  if (command === "help") {
    console.log(USAGE);
    return;
  }
  // With --upgrade, a SIGHUP that comes once the sockets serve but before
  // handleUpgrades() listens (the workers serve before serveParallel()
  // resolves) would end the process: it is held and raised again then.
  const early = command.upgrade ? holdSighup() : undefined;
  try {
    // Before anything takes an fd: the successor gets what this process got.
    const upgrader = command.upgrade
      ? (await import("./_notify/upgrade.ts")).Upgrader.fromListenFds(
        ListenFds.fromEnv(),
      )
      : undefined;
    if (
      command.workers === undefined && command.fdStore === undefined &&
      !reusePortSet(command)
    ) {
      const servers = await serveInMainThread(command, upgrader);
      handleShutdown(servers, { timeout: command.shutdownTimeout });
      if (upgrader) await handleUpgradesOf(servers, upgrader, command);
      early?.release();
      notifyReady();
      return;
    }
    let restarted = 0;
    let workers = command.workers ?? 0;
    const server = await serveParallel({
      module: command.module,
      args: command.args,
      ...(command.workers === undefined ? {} : { workers: command.workers }),
      hostname: command.host,
      port: command.port,
      drainTimeout: command.drainTimeout,
      restartLimit: command.restartLimit,
      ...(command.name === undefined ? {} : { name: command.name }),
      ...(command.fdStore === undefined ? {} : { store: command.fdStore }),
      ...(upgrader ? { upgrader } : {}),
      onWorkerExit(event): void {
        console.error(
          `listen-fds: serve worker ${event.worker} died (${event.reason}); ${
            event.restart ? "restarting it" : "stopping: too many deaths"
          }`,
        );
        if (event.restart) {
          restarted++;
          notifyStatus(
            `serving on ${workers} workers; ${restarted} restarted, last: worker ${event.worker} (${event.reason})`,
          );
        }
      },
    });
    workers = server.workers;
    handleShutdown(server, { timeout: command.shutdownTimeout });
    if (upgrader) await handleUpgradesOf(server, upgrader, command);
    early?.release();
    server.finished.catch((error) => {
      console.error(error instanceof Error ? error.message : String(error));
      Deno.exit(1);
    });
    // Before READY=1: a successor's READY=1 goes to its predecessor, which
    // then hands systemd MAINPID=; this status must not arrive after that.
    notifyStatus(`serving on ${server.workers} workers`);
    notifyReady();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}

if (import.meta.main) await main(Deno.args);

/**
 * A socket-activation launcher for development — systemfd for Deno.
 *
 * It binds sockets itself (TCP over IPv4 or IPv6, Unix, UDP), then runs a
 * command with them as fds 3, 4, … and `LISTEN_FDS`, `LISTEN_PID`,
 * `LISTEN_PIDFDID` and `LISTEN_FDNAMES` set as systemd would. With `--watch`
 * the command restarts on every change while the sockets stay open, so
 * connections made during a restart wait in the kernel's backlog instead of
 * failing. `--accept` runs one command per connection. `--upgrade-on SIGHUP`
 * hot-upgrades: on the signal a new command starts with the same sockets,
 * and the old one is stopped once the new one sent `READY=1`.
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

import { ListenFdsError } from "./_errors.ts";
import type { SocketAddress } from "./_sockaddr.ts";
import { parseLaunchArgs, USAGE } from "./_launcher/args.ts";
import { bindSockets, closeSockets } from "./_launcher/bind.ts";
import { findSetpriv } from "./_launcher/spawn.ts";
import { childEnv, runAccept, runServe } from "./_launcher/run.ts";

export type { SocketAddress } from "./_sockaddr.ts";

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
   * also stop the launcher). The `--upgrade-on` signal is listened to
   * either way, and not forwarded. Each child runs in a process group of its own,
   * so a terminal's Ctrl-C reaches it once, through the launcher.
   *
   * @default {true}
   */
  forwardSignals?: boolean;
}

/**
 * Runs the launcher with command-line arguments: binds the sockets, starts
 * the command with them, restarts it on changes (`--watch`) or once per
 * connection (`--accept`), forwards signals, and returns the exit code (the
 * child's; 128 + signal when a signal killed it).
 *
 * @param args The arguments, as `Deno.args` (`--help` prints the usage).
 * @param options Hooks for programmatic use and tests.
 * @returns The exit code.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` or `INVALID_SOCKET_SPEC` for a
 * bad command line, `SYSCALL_FAILED` when a socket cannot be bound.
 *
 * @example Usage
 * ```ts
 * import { launch } from "@listen-fds/listen-fds/launch";
 * import { assertEquals } from "@std/assert";
 *
 * // A free port as fd 3 of `true`, whose exit code launch() returns.
 * const code = await launch(["-q", "-s", "0", "--", "true"]);
 * assertEquals(code, 0);
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
    const run = { config, sockets, env, spawn, log, stop: options };
    return config.accept ? await runAccept(run) : await runServe(run);
  } finally {
    closeSockets(sockets);
  }
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

/**
 * Command-line parsing of the launcher. Pure: nothing here touches the
 * system.
 *
 * @module
 */

import { ListenFdsError } from "../errors.ts";
import { fdNameProblem, parseSocketSpec } from "./spec.ts";
import type { SocketSpec } from "./spec.ts";

/** An `-E NAME[=VALUE]` option. */
export interface SetEnv {
  /** The variable's name. */
  name: string;
  /** Its value; `undefined` passes the launcher's own value (if set). */
  value: string | undefined;
}

/** What the command line asks for. */
export interface LaunchConfig {
  /** The sockets to bind, in fd order (fd 3 first). */
  sockets: SocketSpec[];
  /**
   * Every fd's name, or `undefined` when no name was given (then
   * `LISTEN_FDNAMES` is not set, as with systemfd). One `--fdname` name for
   * several sockets names them all (as `systemd-socket-activate` does);
   * otherwise a socket without a name is `"unknown"`. In `LISTEN_FDNAMES` a
   * `\` is escaped as `\\`, so that libsystemd and `ListenFds` read the name
   * back as written.
   */
  names: string[] | undefined;
  /** The command and its arguments. */
  command: string[];
  /** Extra environment variables for the child. */
  setEnv: SetEnv[];
  /** Omit `LISTEN_PID` and `LISTEN_PIDFDID` (systemfd's `--no-pid`). */
  noPid: boolean;
  /** One child per connection, like `systemd-socket-activate --accept`. */
  accept: boolean;
  /** Paths whose changes restart the child. */
  watch: string[];
  /** Quiet time after the last change before restarting, in ms. */
  debounce: number;
  /** How long a stopping child may take before SIGKILL, in ms. */
  stopTimeout: number;
  /** The `listen()` backlog of stream sockets. */
  backlog: number;
  /** Set `SO_REUSEADDR` on inet sockets. */
  reuse: boolean;
  /** Print nothing but errors. */
  quiet: boolean;
  /** Show the usage and exit. */
  help: boolean;
}

/** The usage text shown by `--help`. */
export const USAGE: string = `\
Usage: launch [OPTIONS] [--] COMMAND [ARGS...]

Binds sockets, then runs COMMAND with them as fds 3, 4, ... and the systemd
socket-activation variables LISTEN_FDS, LISTEN_PID, LISTEN_PIDFDID and
LISTEN_FDNAMES. With --watch, COMMAND restarts on changes while the sockets
stay open: connections made during a restart wait in the kernel's backlog.

Options:
  -s, --socket SPEC        Bind a socket (repeatable; fd 3 is the first)
      --fdname NAME[:NAME...]
                           Name the sockets in order (LISTEN_FDNAMES); one
                           name names them all
  -w, --watch PATH         Restart COMMAND when PATH changes (repeatable)
      --debounce MS        Wait MS after the last change (default 100)
      --stop-timeout MS    SIGKILL a child still running MS after SIGTERM
                           (default 5000)
  -a, --accept             Run one COMMAND per connection, which gets it as
                           fd 3 (LISTEN_FDNAMES=connection, REMOTE_ADDR,
                           REMOTE_PORT), like systemd-socket-activate -a
  -E, --setenv NAME[=VALUE]
                           Set NAME for COMMAND (without a value: pass the
                           launcher's own value)
      --no-pid             Do not set LISTEN_PID and LISTEN_PIDFDID (for
                           wrappers such as watchers between us and the server)
  -b, --backlog N          listen() backlog of stream sockets (default 1024)
      --no-reuse           Do not set SO_REUSEADDR on TCP and UDP sockets
  -q, --quiet              Print nothing but errors
  -h, --help               Show this help

Socket spec: [NAME=][TYPE::]VALUE
  TYPE    tcp, http, https (TCP listeners; http/https are shown as URLs),
          unix (stream listener), udp (datagram socket)
  VALUE   PORT            127.0.0.1:PORT (as systemfd; 0 picks a free port)
          IPV4:PORT       e.g. 0.0.0.0:8080
          [IPV6]:PORT     e.g. [::1]:3000, [::]:3000
          PATH or @NAME   Unix socket path, or abstract name (unix:: only)
  Without TYPE: a port or an address means tcp, a value with "/" means unix.
  NAME=   the fd's name in LISTEN_FDNAMES (no "/", ":" or "=" in it).

Examples:
  launch -s http::3000 -w src -- deno run -A main.ts
  launch -s web=http::3000 -s admin=unix::/tmp/admin.sock -- ./server
  launch --accept -s tcp::0.0.0.0:7000 -- cat
`;

const DEFAULTS = {
  debounce: 100,
  stopTimeout: 5000,
  backlog: 1024,
};

function usageError(message: string, value?: string): ListenFdsError {
  return new ListenFdsError(message, {
    code: "INVALID_ARGUMENT",
    ...(value === undefined ? {} : { value }),
  });
}

const WITH_VALUE: Record<string, string> = {
  "-s": "--socket",
  "--socket": "--socket",
  "--fdname": "--fdname",
  "-w": "--watch",
  "--watch": "--watch",
  "--debounce": "--debounce",
  "--stop-timeout": "--stop-timeout",
  "-E": "--setenv",
  "--setenv": "--setenv",
  "-b": "--backlog",
  "--backlog": "--backlog",
};

const FLAGS: Record<string, string> = {
  "-a": "--accept",
  "--accept": "--accept",
  "--no-pid": "--no-pid",
  "--no-reuse": "--no-reuse",
  "-q": "--quiet",
  "--quiet": "--quiet",
  "-h": "--help",
  "--help": "--help",
};

/**
 * Parses the launcher's command line. Options stop at `--` or at the first
 * argument that is not an option, which starts the command.
 *
 * @param args The arguments, without the program name.
 * @returns The configuration.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` for unknown or malformed
 * options, `INVALID_SOCKET_SPEC` for a malformed socket spec.
 */
export function parseLaunchArgs(args: readonly string[]): LaunchConfig {
  const sockets: SocketSpec[] = [];
  const fdnames: string[] = [];
  let fdnameGiven = false;
  const config: LaunchConfig = {
    sockets,
    names: undefined,
    command: [],
    setEnv: [],
    noPid: false,
    accept: false,
    watch: [],
    debounce: DEFAULTS.debounce,
    stopTimeout: DEFAULTS.stopTimeout,
    backlog: DEFAULTS.backlog,
    reuse: true,
    quiet: false,
    help: false,
  };
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    let option = arg;
    let value: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq !== -1) {
      option = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    } else if (!arg.startsWith("--") && arg.length > 2) {
      option = arg.slice(0, 2);
      value = arg.slice(2);
    }
    const flag = FLAGS[option];
    if (flag !== undefined) {
      if (value !== undefined) {
        throw usageError(
          `Cannot parse option "${arg}": ${flag} takes no value`,
          arg,
        );
      }
      if (flag === "--accept") config.accept = true;
      else if (flag === "--no-pid") config.noPid = true;
      else if (flag === "--no-reuse") config.reuse = false;
      else if (flag === "--quiet") config.quiet = true;
      else config.help = true;
      continue;
    }
    const long = WITH_VALUE[option];
    if (long === undefined) {
      throw usageError(`Cannot parse option "${arg}": unknown option`, arg);
    }
    if (value === undefined) {
      value = args[++i];
      if (value === undefined) {
        throw usageError(
          `Cannot parse option "${arg}": a value is required`,
          arg,
        );
      }
    }
    switch (long) {
      case "--socket":
        sockets.push(parseSocketSpec(value));
        break;
      case "--fdname":
        fdnameGiven = true;
        for (const name of value.split(":")) {
          const problem = fdNameProblem(name);
          if (problem) {
            throw usageError(
              `Cannot parse --fdname "${value}": fd name "${name}" is invalid: ${problem}`,
              value,
            );
          }
          fdnames.push(name);
        }
        break;
      case "--watch":
        if (value.length === 0) {
          throw usageError(`Cannot parse --watch "": path is empty`, value);
        }
        config.watch.push(value);
        break;
      case "--setenv": {
        const at = value.indexOf("=");
        const name = at === -1 ? value : value.slice(0, at);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          throw usageError(
            `Cannot parse --setenv "${value}": "${name}" is not a variable name`,
            value,
          );
        }
        config.setEnv.push({
          name,
          value: at === -1 ? undefined : value.slice(at + 1),
        });
        break;
      }
      default: {
        const key = long === "--debounce"
          ? "debounce"
          : long === "--stop-timeout"
          ? "stopTimeout"
          : "backlog";
        config[key] = integer(long, value, key === "backlog" ? 1 : 0);
      }
    }
  }
  config.command = args.slice(i);
  if (config.help) return config;
  if (config.command.length === 0) {
    throw usageError("Cannot launch: no command given (put it after --)");
  }
  if (sockets.length === 0) {
    throw usageError("Cannot launch: no socket given (add --socket SPEC)");
  }
  const prefixed = sockets.some((s) => s.name !== undefined);
  if (fdnameGiven && prefixed) {
    throw usageError(
      "Cannot name the sockets: use either --fdname or NAME= prefixes, not both",
    );
  }
  if (fdnames.length > sockets.length) {
    throw usageError(
      `Cannot name the sockets: ${fdnames.length} names for ${sockets.length} sockets`,
    );
  }
  if (fdnameGiven || prefixed) {
    // One --fdname names every socket, as with systemd-socket-activate.
    const only = fdnames.length === 1 ? fdnames[0] : undefined;
    config.names = sockets.map((s, index) =>
      s.name ?? fdnames[index] ?? only ?? "unknown"
    );
  }
  if (config.accept) {
    const datagram = sockets.find((s) => s.transport === "udp");
    if (datagram) {
      throw usageError(
        `Cannot accept connections on "${datagram.spec}": --accept needs stream sockets`,
        datagram.spec,
      );
    }
    if (config.watch.length > 0) {
      throw usageError("Cannot combine --accept with --watch");
    }
  }
  return config;
}

function integer(option: string, text: string, min: number): number {
  if (
    !/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > 2 ** 31 - 1
  ) {
    throw usageError(
      `Cannot parse ${option} "${text}": expected an integer from ${min} to ${
        2 ** 31 - 1
      }`,
      text,
    );
  }
  return Number(text);
}

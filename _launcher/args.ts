/**
 * Command-line parsing of the launcher, with `@std/cli`'s `parseArgs`. Pure:
 * nothing here touches the system.
 *
 * @module
 */

import { parseArgs } from "@std/cli/parse-args";
import { ListenFdsError } from "../_errors.ts";
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
  /**
   * The signal that hot-upgrades the child (`--upgrade-on`): a new child
   * starts with the same sockets, and the old one is stopped once the new
   * one sent `READY=1`. `undefined`: no upgrades (the signal is forwarded).
   */
  upgradeOn: UpgradeSignal | undefined;
  /** How long a new child may take to send `READY=1`, in ms. */
  upgradeTimeout: number;
  /** The `listen()` backlog of stream sockets. */
  backlog: number;
  /** Set `SO_REUSEADDR` on inet sockets. */
  reuse: boolean;
  /** Print nothing but errors. */
  quiet: boolean;
  /** Show the usage and exit. */
  help: boolean;
}

/** The signals `--upgrade-on` accepts. */
export type UpgradeSignal = "SIGHUP" | "SIGUSR1" | "SIGUSR2";

const UPGRADE_SIGNALS: readonly UpgradeSignal[] = [
  "SIGHUP",
  "SIGUSR1",
  "SIGUSR2",
];

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
      --upgrade-on SIGNAL  Hot-upgrade on SIGNAL (SIGHUP, SIGUSR1, SIGUSR2)
                           instead of forwarding it: start a new COMMAND with
                           the same sockets, and once it sends READY=1 to its
                           NOTIFY_SOCKET, SIGTERM the old one (which keeps
                           serving if the new one fails)
      --upgrade-timeout MS Give up an upgrade whose new COMMAND sent no
                           READY=1 within MS (default 30000)
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
  launch --upgrade-on SIGHUP -s web=http::3000 -- deno run -A main.ts
`;

/**
 * The options, in `parseArgs` terms: every long name, its short alias, and
 * whether it takes a value. `--no-pid` and `--no-reuse` negate `pid` and
 * `reuse`.
 */
const OPTIONS = {
  string: [
    "socket",
    "fdname",
    "watch",
    "debounce",
    "stop-timeout",
    "upgrade-on",
    "upgrade-timeout",
    "setenv",
    "backlog",
  ],
  boolean: ["accept", "pid", "reuse", "quiet", "help"],
  collect: ["socket", "fdname", "watch", "setenv"],
  negatable: ["pid", "reuse"],
  alias: {
    s: "socket",
    w: "watch",
    E: "setenv",
    b: "backlog",
    a: "accept",
    q: "quiet",
    h: "help",
  },
  default: {
    pid: true,
    reuse: true,
    debounce: "100",
    "stop-timeout": "5000",
    backlog: "1024",
  },
} as const;

const FLAGS: readonly string[] = [
  "accept",
  "no-pid",
  "no-reuse",
  "quiet",
  "help",
];
const WITH_VALUE: readonly string[] = OPTIONS.string;
const ALIASES: Readonly<Record<string, string>> = OPTIONS.alias;

function usageError(message: string, value?: string): ListenFdsError {
  return new ListenFdsError(message, {
    code: "INVALID_ARGUMENT",
    ...(value === undefined ? {} : { value }),
  });
}

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
  const { options, command } = splitOptions(args);
  const parsed = parseArgs(options, OPTIONS);
  const sockets = parsed.socket.map(parseSocketSpec);
  const config: LaunchConfig = {
    sockets,
    names: undefined,
    command,
    setEnv: parsed.setenv.map(parseSetEnv),
    noPid: !parsed.pid,
    accept: parsed.accept,
    watch: parsed.watch.map((path) => {
      if (path.length > 0) return path;
      throw usageError(`Cannot parse --watch "": path is empty`, path);
    }),
    debounce: integer("--debounce", parsed.debounce, 0),
    stopTimeout: integer("--stop-timeout", parsed["stop-timeout"], 0),
    upgradeOn: parsed["upgrade-on"] === undefined
      ? undefined
      : upgradeSignal(parsed["upgrade-on"]),
    upgradeTimeout: integer(
      "--upgrade-timeout",
      parsed["upgrade-timeout"] ?? "30000",
      1,
    ),
    backlog: integer("--backlog", parsed.backlog, 1),
    reuse: parsed.reuse,
    quiet: parsed.quiet,
    help: parsed.help,
  };
  if (config.help) return config;
  if (command.length === 0) {
    throw usageError("Cannot launch: no command given (put it after --)");
  }
  if (sockets.length === 0) {
    throw usageError("Cannot launch: no socket given (add --socket SPEC)");
  }
  config.names = nameSockets(sockets, parsed.fdname);
  if (config.accept) checkAccept(config);
  if (parsed["upgrade-timeout"] !== undefined && !config.upgradeOn) {
    throw usageError("Cannot use --upgrade-timeout without --upgrade-on");
  }
  return config;
}

/**
 * Splits the command line into the options, each written `--long` or
 * `--long=value` for `parseArgs`, and the command: options end at `--` or at
 * the first argument that is not an option, and an option's value is always
 * the next argument, even when it starts with `-` (`--debounce -5`).
 */
function splitOptions(
  args: readonly string[],
): { options: string[]; command: string[] } {
  const options: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return { options, command: args.slice(i + 1) };
    if (!arg.startsWith("-") || arg === "-") break;
    const long = arg.startsWith("--");
    const eq = long ? arg.indexOf("=") : -1;
    const written = eq !== -1 ? arg.slice(0, eq) : long ? arg : arg.slice(0, 2);
    let value = eq !== -1
      ? arg.slice(eq + 1)
      : !long && arg.length > 2
      ? arg.slice(2)
      : undefined;
    const name = long ? written.slice(2) : ALIASES[written.slice(1)] ?? "";
    if (FLAGS.includes(name)) {
      if (value !== undefined) {
        throw usageError(
          `Cannot parse option "${arg}": --${name} takes no value`,
          arg,
        );
      }
      options.push(`--${name}`);
      continue;
    }
    if (!WITH_VALUE.includes(name)) {
      throw usageError(`Cannot parse option "${arg}": unknown option`, arg);
    }
    value ??= args[++i];
    if (value === undefined) {
      throw usageError(
        `Cannot parse option "${arg}": a value is required`,
        arg,
      );
    }
    options.push(`--${name}=${value}`);
  }
  return { options, command: args.slice(i) };
}

function parseSetEnv(value: string): SetEnv {
  const at = value.indexOf("=");
  const name = at === -1 ? value : value.slice(0, at);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw usageError(
      `Cannot parse --setenv "${value}": "${name}" is not a variable name`,
      value,
    );
  }
  return { name, value: at === -1 ? undefined : value.slice(at + 1) };
}

/**
 * Every socket's name, from `NAME=` prefixes or `--fdname`; `undefined` when
 * neither was given.
 */
function nameSockets(
  sockets: readonly SocketSpec[],
  fdnameValues: readonly string[],
): string[] | undefined {
  const fdnames = fdnameValues.flatMap((value) =>
    value.split(":").map((name) => {
      const problem = fdNameProblem(name);
      if (problem === undefined) return name;
      throw usageError(
        `Cannot parse --fdname "${value}": fd name "${name}" is invalid: ${problem}`,
        value,
      );
    })
  );
  const prefixed = sockets.some((s) => s.name !== undefined);
  if (fdnameValues.length > 0 && prefixed) {
    throw usageError(
      "Cannot name the sockets: use either --fdname or NAME= prefixes, not both",
    );
  }
  if (fdnames.length > sockets.length) {
    throw usageError(
      `Cannot name the sockets: ${fdnames.length} names for ${sockets.length} sockets`,
    );
  }
  if (fdnameValues.length === 0 && !prefixed) return undefined;
  // One --fdname names every socket, as with systemd-socket-activate.
  const only = fdnames.length === 1 ? fdnames[0] : undefined;
  return sockets.map((s, index) =>
    s.name ?? fdnames[index] ?? only ?? "unknown"
  );
}

function checkAccept(config: LaunchConfig): void {
  const datagram = config.sockets.find((s) => s.transport === "udp");
  if (datagram) {
    throw usageError(
      `Cannot accept connections on "${datagram.spec}": --accept needs stream sockets`,
      datagram.spec,
    );
  }
  if (config.watch.length > 0) {
    throw usageError("Cannot combine --accept with --watch");
  }
  if (config.upgradeOn) {
    throw usageError("Cannot combine --accept with --upgrade-on");
  }
}

/** `--upgrade-on`'s value: `SIGHUP`, `HUP` or `hup`, … */
function upgradeSignal(text: string): UpgradeSignal {
  const upper = text.toUpperCase();
  const name =
    (upper.startsWith("SIG") ? upper : `SIG${upper}`) as UpgradeSignal;
  if (UPGRADE_SIGNALS.includes(name)) return name;
  throw usageError(
    `Cannot parse --upgrade-on "${text}": expected SIGHUP, SIGUSR1 or SIGUSR2`,
    text,
  );
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

// @ts-self-types="../launch.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  ReadinessChannel,
  SIGNALS,
  SenderReport,
  exitCode,
  findSetpriv,
  sendSignal,
  spawnChild
} from "./chunk-GRYDIXI6.js";
import {
  bindSockets,
  closeSockets,
  fdNameProblem,
  moveFdAbove,
  parseSocketSpec
} from "./chunk-UHFLBLON.js";
import {
  LAUNCHER_PID
} from "./chunk-QSSB6R3H.js";

// launch.ts
import { ListenFdsError as ListenFdsError3 } from "./_core.js";

// _launcher/args.ts
import { parseArgs } from "@std/cli/parse-args";
import { ListenFdsError } from "./_core.js";
var usageError = (function usageError(message, value) {
  return new ListenFdsError(message, {
    code: "INVALID_ARGUMENT",
    ...value === void 0 ? {} : { value }
  });
});
var parseLaunchArgs = (function parseLaunchArgs(args) {
  const { options, command } = splitOptions(args);
  const parsed = parseArgs(options, OPTIONS);
  const sockets = parsed.socket.map(parseSocketSpec);
  const config = {
    sockets,
    names: void 0,
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
    upgradeOn: parsed["upgrade-on"] === void 0 ? void 0 : upgradeSignal(parsed["upgrade-on"]),
    upgradeTimeout: integer(
      "--upgrade-timeout",
      parsed["upgrade-timeout"] ?? "30000",
      1
    ),
    backlog: integer("--backlog", parsed.backlog, 1),
    reuse: parsed.reuse,
    quiet: parsed.quiet,
    help: parsed.help
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
  if (parsed["upgrade-timeout"] !== void 0 && !config.upgradeOn) {
    throw usageError("Cannot use --upgrade-timeout without --upgrade-on");
  }
  return config;
});
var splitOptions = (function splitOptions(args) {
  const options = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return { options, command: args.slice(i + 1) };
    if (!arg.startsWith("-") || arg === "-") break;
    const long = arg.startsWith("--");
    const eq = long ? arg.indexOf("=") : -1;
    const written = eq !== -1 ? arg.slice(0, eq) : long ? arg : arg.slice(0, 2);
    let value = eq !== -1 ? arg.slice(eq + 1) : !long && arg.length > 2 ? arg.slice(2) : void 0;
    const name = long ? written.slice(2) : ALIASES[written.slice(1)] ?? "";
    if (FLAGS.includes(name)) {
      if (value !== void 0) {
        throw usageError(
          `Cannot parse option "${arg}": --${name} takes no value`,
          arg
        );
      }
      options.push(`--${name}`);
      continue;
    }
    if (!WITH_VALUE.includes(name)) {
      throw usageError(`Cannot parse option "${arg}": unknown option`, arg);
    }
    value ??= args[++i];
    if (value === void 0) {
      throw usageError(
        `Cannot parse option "${arg}": a value is required`,
        arg
      );
    }
    options.push(`--${name}=${value}`);
  }
  return { options, command: args.slice(i) };
});
var parseSetEnv = (function parseSetEnv(value) {
  const at = value.indexOf("=");
  const name = at === -1 ? value : value.slice(0, at);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw usageError(
      `Cannot parse --setenv "${value}": "${name}" is not a variable name`,
      value
    );
  }
  return { name, value: at === -1 ? void 0 : value.slice(at + 1) };
});
var nameSockets = (function nameSockets(sockets, fdnameValues) {
  const fdnames = fdnameValues.flatMap(
    (value) => value.split(":").map((name) => {
      const problem = fdNameProblem(name);
      if (problem === void 0) return name;
      throw usageError(
        `Cannot parse --fdname "${value}": fd name "${name}" is invalid: ${problem}`,
        value
      );
    })
  );
  const prefixed = sockets.some((s) => s.name !== void 0);
  if (fdnameValues.length > 0 && prefixed) {
    throw usageError(
      "Cannot name the sockets: use either --fdname or NAME= prefixes, not both"
    );
  }
  if (fdnames.length > sockets.length) {
    throw usageError(
      `Cannot name the sockets: ${fdnames.length} names for ${sockets.length} sockets`
    );
  }
  if (fdnameValues.length === 0 && !prefixed) return void 0;
  const only = fdnames.length === 1 ? fdnames[0] : void 0;
  return sockets.map(
    (s, index) => s.name ?? fdnames[index] ?? only ?? "unknown"
  );
});
var checkAccept = (function checkAccept(config) {
  const datagram = config.sockets.find((s) => s.transport === "udp");
  if (datagram) {
    throw usageError(
      `Cannot accept connections on "${datagram.spec}": --accept needs stream sockets`,
      datagram.spec
    );
  }
  if (config.watch.length > 0) {
    throw usageError("Cannot combine --accept with --watch");
  }
  if (config.upgradeOn) {
    throw usageError("Cannot combine --accept with --upgrade-on");
  }
});
var upgradeSignal = (function upgradeSignal(text) {
  const upper = text.toUpperCase();
  const name = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  if (UPGRADE_SIGNALS.includes(name)) return name;
  throw usageError(
    `Cannot parse --upgrade-on "${text}": expected SIGHUP, SIGUSR1 or SIGUSR2`,
    text
  );
});
var integer = (function integer(option, text, min) {
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > 2 ** 31 - 1) {
    throw usageError(
      `Cannot parse ${option} "${text}": expected an integer from ${min} to ${2 ** 31 - 1}`,
      text
    );
  }
  return Number(text);
});
var acceptConnections = (function acceptConnections(socket, onConnection) {
  const c = libc();
  let stopped = false;
  const transport = socket.spec.transport === "unix" ? "unix" : "tcp";
  const done = (async () => {
    const accept4 = c.accept4;
    if (!accept4) throw new Error("accept4() is not available");
    while (!stopped) {
      const address = new Uint8Array(SOCKADDR_STORAGE.size);
      const length = new Uint32Array([SOCKADDR_STORAGE.size]);
      const fd = await accept4(
        socket.fd,
        address,
        new Uint8Array(length.buffer),
        LINUX.SOCK_CLOEXEC
      );
      if (fd === -1) {
        if (!stopped) await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      if (stopped) {
        c.close(fd);
        break;
      }
      onConnection(fd, decodeSockaddr(address, length[0], transport));
    }
  })();
  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      c.shutdown(socket.fd, LINUX.SHUT_RDWR);
    }
  };
});
var remoteEnv = (function remoteEnv(peer) {
  if (peer === void 0) return {};
  if ("port" in peer && "hostname" in peer) {
    return { REMOTE_ADDR: peer.hostname, REMOTE_PORT: String(peer.port) };
  }
  if ("path" in peer && peer.path.length > 0) {
    return { REMOTE_ADDR: peer.path };
  }
  return {};
});
var watchPaths = (function watchPaths(paths, debounce, onChange, options = {}) {
  const open = options.watch ?? ((list) => Deno.watchFs(list, { recursive: true }));
  let source;
  try {
    source = open([...paths]);
  } catch (error) {
    throw new ListenFdsError2(
      `Cannot watch ${paths.map((p) => `"${p}"`).join(", ")}: ${error instanceof Error ? error.message : String(error)}`,
      { code: "INVALID_ARGUMENT", cause: error }
    );
  }
  const watch = new Watch(() => open([...paths]), debounce, onChange, options);
  void watch.consume(source);
  return watch;
});
var closeQuietly = (function closeQuietly(source) {
  try {
    source.close();
  } catch {
  }
});
var rankChangedPaths = (function rankChangedPaths(paths) {
  const rank = (path) => {
    const name = path.slice(path.lastIndexOf("/") + 1);
    let exists = true;
    try {
      Deno.lstatSync(path);
    } catch {
      exists = false;
    }
    return (EDITOR_TEMPORARY.test(name) ? 2 : 0) + (exists ? 0 : 1);
  };
  return paths.map((path, index) => ({ path, index, rank: rank(path) })).sort((a, b) => a.rank - b.rank || a.index - b.index).map(({ path }) => path);
});
var processGroupOf = (function processGroupOf(pid) {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === void 0) return void 0;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const group = Number(fields[2]);
  return Number.isInteger(group) && group > 0 ? group : void 0;
});
var childEnv = (function childEnv(config, base) {
  const env = { ...base };
  for (const name of LISTEN_VARIABLES) delete env[name];
  for (const { name, value } of config.setEnv) {
    const resolved = value ?? base[name];
    if (resolved === void 0) delete env[name];
    else env[name] = resolved;
  }
  env[LAUNCHER_PID] = String(Deno.pid);
  if (!config.accept) {
    env.LISTEN_FDS = String(config.sockets.length);
    if (config.names) env.LISTEN_FDNAMES = joinFdNames(config.names);
  }
  return env;
});
var joinFdNames = (function joinFdNames(names) {
  return names.map((name) => name.replaceAll("\\", "\\\\")).join(":");
});
var onSignals = (function onSignals(options, handler, extra = []) {
  const removers = [];
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
});
var forward = (function forward(child, signal) {
  sendSignal(child.pid, SIGNALS[signal]);
});
var describeStatus = (function describeStatus(status) {
  return status.signal === void 0 ? `exited with code ${status.code}` : `was killed by signal ${status.signal}`;
});
var sentBy = (function sentBy(message, child) {
  return message.pid === child.pid || message.group === child.pid;
});
var runServe = (async function runServe(run) {
  const { config, log } = run;
  const events = new Events();
  const notifications = config.upgradeOn ? ChildNotifications.open(
    (message) => events.push({ kind: "notified", message })
  ) : void 0;
  const env = notifications ? { ...run.env, NOTIFY_SOCKET: notifications.address } : run.env;
  const start = () => startChild(
    { ...run, env },
    (child2, status) => events.push({ kind: "exited", child: child2, status })
  );
  let child;
  let childReady = false;
  let upgrade;
  const retired = /* @__PURE__ */ new Set();
  let pendingChange;
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
    (paths) => events.push({ kind: "changed", paths })
  );
  const retire = (old) => {
    retired.add(old);
    void stopChild(old, config.stopTimeout);
  };
  const endUpgrade = () => {
    if (upgrade) clearTimeout(upgrade.timer);
    upgrade = void 0;
    if (notifications) notifications.fast = false;
    if (pendingChange) events.push({ kind: "changed", paths: pendingChange });
    pendingChange = void 0;
  };
  const serving = () => child ? `pid ${child.pid} keeps serving` : "no child is serving";
  let last;
  try {
    child = start();
    while (true) {
      const event = await events.next();
      if (event.kind === "upgrade") {
        if (stopping) continue;
        if (upgrade) {
          log(
            `launch: upgrade: pid ${upgrade.child.pid} is still starting; ${config.upgradeOn} ignored`
          );
          continue;
        }
        log(
          `launch: upgrade: starting a new child${child ? `; pid ${child.pid} serves until it sends READY=1` : ""}`
        );
        let next;
        try {
          next = start();
        } catch (error) {
          log(
            `launch: upgrade failed: ${error instanceof Error ? error.message : String(error)}; ${serving()}`
          );
          continue;
        }
        const timer = setTimeout(
          () => events.push({ kind: "upgrade-timeout", child: next }),
          config.upgradeTimeout
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
              `launch: upgrade: pid ${child.pid} is ready; stopping pid ${previous.pid}`
            );
            retire(previous);
          } else log(`launch: upgrade: pid ${child.pid} is ready`);
        } else if (child && !childReady && message.ready && sentBy(message, child)) {
          childReady = true;
          log(`launch: pid ${child.pid} is ready`);
        }
      } else if (event.kind === "upgrade-timeout") {
        if (upgrade?.child !== event.child) continue;
        log(
          `launch: upgrade failed: pid ${event.child.pid} sent no READY=1 within ${config.upgradeTimeout} ms${upgrade.said.details()}; stopping it; ${serving()}`
        );
        endUpgrade();
        retire(event.child);
      } else if (event.kind === "exited") {
        const { child: ended, status } = event;
        if (upgrade?.child === ended) {
          if (notifications && notifications.flush() > 0) {
            events.push(event);
            continue;
          }
          if (!stopping) {
            log(
              `launch: upgrade failed: pid ${ended.pid} ${describeStatus(status)} before it sent READY=1${upgrade.said.details()}; ${serving()}`
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
        if (ended !== child) continue;
        child = void 0;
        childReady = false;
        last = status;
        if (upgrade) {
          if (!stopping) {
            log(
              `launch: pid ${ended.pid} ${describeStatus(last)} during the upgrade; waiting for pid ${upgrade.child.pid}`
            );
          }
          continue;
        }
        if (stopping || !watcher) return exitCode(last);
        log(
          `launch: pid ${ended.pid} ${describeStatus(last)}; restarting on the next change`
        );
      } else if (event.kind === "stop") {
        if (!child && !upgrade) return last ? exitCode(last) : 0;
      } else if (!stopping) {
        if (upgrade) {
          pendingChange = event.paths;
          continue;
        }
        const [first] = event.paths;
        log(`launch: restarting: ${event.paths.length} changed (${first})`);
        const previous = child;
        child = void 0;
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
    const remaining = [child, upgrade?.child].filter(
      (c) => c?.running === true
    );
    for (const c of remaining) sendSignal(c.pid, SIGNALS.SIGTERM);
    await Promise.all([...remaining, ...retired].map((c) => c.exited));
    notifications?.close();
  }
});
var startChild = (function startChild(run, onExit) {
  const { command } = run.config;
  const fds = run.sockets.map((s) => s.fd);
  const child = spawnChild(command, { fds, env: run.env, ...run.spawn });
  run.log(`launch: started pid ${child.pid}: ${command.join(" ")}`);
  child.exited.then((status) => onExit(child, status));
  return child;
});
var watchChanges = (function watchChanges(run, onChange) {
  const { watch, debounce } = run.config;
  if (watch.length === 0) return void 0;
  return watchPaths(watch, debounce, onChange, {
    onError: (error) => run.log(
      `launch: watching ${watch.join(", ")} failed: ${error instanceof Error ? error.message : String(error)}; watching again`
    )
  });
});
var stopChild = (async function stopChild(child, timeout) {
  sendSignal(child.pid, SIGNALS.SIGTERM);
  let timer;
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => {
      sendSignal(child.pid, SIGNALS.SIGKILL);
      resolve();
    }, timeout);
  });
  await Promise.race([child.exited, killed]);
  clearTimeout(timer);
  await child.exited;
});
var runAccept = (async function runAccept(run) {
  const children = /* @__PURE__ */ new Set();
  let wake = () => {
  };
  const stopped = new Promise((resolve) => wake = resolve);
  const removeSignals = onSignals(run.stop, (signal) => {
    for (const child of children) forward(child, signal);
    if (signal !== "SIGHUP") wake();
  });
  const loops = run.sockets.map(
    (socket) => acceptConnections(socket, (fd, peer) => {
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
          `launch: cannot start a child for a connection: ${error instanceof Error ? error.message : String(error)}`
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
});
var spawnForConnection = (function spawnForConnection(run, fd, peer) {
  const connection = moveFdAbove(fd, 4);
  try {
    return spawnChild(run.config.command, {
      fds: [connection],
      env: {
        ...run.env,
        LISTEN_FDS: "1",
        LISTEN_FDNAMES: "connection",
        ...remoteEnv(peer)
      },
      ...run.spawn
    });
  } finally {
    libc2().close(connection);
  }
});
var launch = (async function launch(args, options = {}) {
  const config = parseLaunchArgs(args);
  const log = config.quiet ? () => {
  } : options.log ?? ((line) => console.error(line));
  if (config.help) {
    if (options.log) options.log(USAGE);
    else console.log(USAGE);
    return 0;
  }
  for (const path of config.watch) {
    try {
      await Deno.stat(path);
    } catch (error) {
      throw new ListenFdsError3(
        `Cannot watch "${path}": ${error instanceof Deno.errors.NotFound ? "no such file or directory" : String(error)}`,
        { code: "INVALID_ARGUMENT", value: path, cause: error }
      );
    }
  }
  const env = childEnv(config, options.env ?? Deno.env.toObject());
  const setpriv = findSetpriv(env.PATH);
  if (setpriv === void 0) {
    log(
      "launch: setpriv (util-linux) is not installed: a child can outlive a launcher killed with SIGKILL"
    );
  }
  const spawn = { setPid: !config.noPid, setpriv };
  const sockets = bindSockets(config.sockets, {
    backlog: config.backlog,
    reuse: config.reuse,
    minFd: Math.max(64, 3 + config.sockets.length)
  });
  try {
    const launched = sockets.map((socket, i) => ({
      fd: 3 + i,
      name: config.names?.[i],
      address: socket.address,
      description: socket.description,
      spec: socket.spec.spec
    }));
    for (const socket of launched) {
      const name = socket.name === void 0 ? "" : ` (${socket.name})`;
      log(`launch: ${socket.description} -> fd ${socket.fd}${name}`);
    }
    options.onListen?.(launched);
    const run = { config, sockets, env, spawn, log, stop: options };
    return config.accept ? await runAccept(run) : await runServe(run);
  } finally {
    closeSockets(sockets);
  }
});
var UPGRADE_SIGNALS = [
  "SIGHUP",
  "SIGUSR1",
  "SIGUSR2"
];
var USAGE = `Usage: launch [OPTIONS] [--] COMMAND [ARGS...]

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
var OPTIONS = {
  string: [
    "socket",
    "fdname",
    "watch",
    "debounce",
    "stop-timeout",
    "upgrade-on",
    "upgrade-timeout",
    "setenv",
    "backlog"
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
    h: "help"
  },
  default: {
    pid: true,
    reuse: true,
    debounce: "100",
    "stop-timeout": "5000",
    backlog: "1024"
  }
};
var FLAGS = [
  "accept",
  "no-pid",
  "no-reuse",
  "quiet",
  "help"
];
var WITH_VALUE = OPTIONS.string;
var ALIASES = OPTIONS.alias;

// _launcher/run.ts
import { libc as libc2 } from "./_core.js";
import { LISTEN_VARIABLES } from "./_core.js";

// _launcher/accept.ts
import { libc } from "./_core.js";
import { LINUX, SOCKADDR_STORAGE } from "./_core.js";
import { decodeSockaddr } from "./_core.js";

// _launcher/watch.ts
import { ListenFdsError as ListenFdsError2 } from "./_core.js";
var RETRY_DELAY = 1e3;
var Watch = class {
  constructor(open, debounce, onChange, options) {
    this.open = open;
    this.debounce = debounce;
    this.onChange = onChange;
    this.options = options;
  }
  open;
  debounce;
  onChange;
  options;
  #closed = false;
  #source;
  #timer;
  #retry;
  #changed = /* @__PURE__ */ new Set();
  async consume(source) {
    this.#source = source;
    try {
      for await (const event of source) {
        if (this.#closed) break;
        if (event.kind === "access") continue;
        for (const path of event.paths) this.#changed.add(path);
        this.#schedule();
      }
    } catch (error) {
      if (this.#closed) return;
      this.#report(error);
      closeQuietly(source);
      this.#reopen();
    }
  }
  close() {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#retry);
    if (this.#source) closeQuietly(this.#source);
  }
  #schedule() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = void 0;
      if (this.#closed) return;
      const list = rankChangedPaths([...this.#changed]);
      this.#changed.clear();
      this.onChange(list);
    }, this.debounce);
  }
  #reopen() {
    if (this.#closed) return;
    let source;
    try {
      source = this.open();
    } catch (error) {
      this.#report(error);
      this.#retry = setTimeout(() => this.#reopen(), RETRY_DELAY);
      return;
    }
    void this.consume(source);
  }
  #report(error) {
    try {
      this.options.onError?.(error);
    } catch {
    }
  }
};
var EDITOR_TEMPORARY = /(?:^4913$|^\.#|^#.*#$|~$|\.sw[a-p]$|\.kate-swp$|___jb_(?:tmp|old)___$|\.(?:tmp|temp|crswap)(?:\.[\w-]+)?$)/i;

// _launcher/ready.ts
import { readProcFile } from "./_core.js";
var FAST_MS = 5;
var SLOW_MS = 100;
var ChildNotifications = class _ChildNotifications {
  #channel;
  #onMessage;
  #timer;
  #fast = false;
  constructor(channel, onMessage) {
    this.#channel = channel;
    this.#onMessage = onMessage;
    this.#schedule();
  }
  /**
   * Opens the socket and starts reading it.
   *
   * @param onMessage Called with each notification, from any sender.
   * @returns The open socket.
   * @throws {ListenFdsError} `SYSCALL_FAILED` when it cannot be made.
   */
  static open(onMessage) {
    const channel = ReadinessChannel.open(
      "@listen-fds-launch",
      "launcher's notify"
    );
    return new _ChildNotifications(channel, onMessage);
  }
  /** The `NOTIFY_SOCKET` value for children. */
  get address() {
    return this.#channel.address;
  }
  /**
   * Reads every few milliseconds (an upgrade is waiting for `READY=1`)
   * instead of every 100.
   *
   * @param fast Whether to.
   */
  set fast(fast) {
    if (fast === this.#fast) return;
    this.#fast = fast;
    if (this.#timer !== void 0) {
      clearTimeout(this.#timer);
      this.#schedule();
    }
  }
  #schedule() {
    this.#timer = setTimeout(() => {
      this.#timer = void 0;
      this.#read();
      this.#schedule();
    }, this.#fast ? FAST_MS : SLOW_MS);
  }
  #read() {
    let count = 0;
    while (true) {
      const message = this.#channel.receive(() => true);
      if (!message) return count;
      count++;
      this.#onMessage({ ...message, group: processGroupOf(message.pid) });
    }
  }
  /**
   * Reads what is queued now, without waiting for the next poll: a child
   * that sent `STATUS=` and exited is heard before its exit is handled.
   *
   * @returns How many notifications were passed on.
   */
  flush() {
    return this.#read();
  }
  /** Stops reading and closes the socket. */
  close() {
    clearTimeout(this.#timer);
    this.#timer = void 0;
    this.#channel.close();
  }
};

// _launcher/run.ts
var FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];
var Events = class {
  #queue = [];
  #wake;
  push(event) {
    this.#queue.push(event);
    this.#wake?.();
  }
  async next() {
    while (this.#queue.length === 0) {
      await new Promise((resolve) => this.#wake = resolve);
      this.#wake = void 0;
    }
    return this.#queue.shift();
  }
};

// launch.ts
if (import.meta.main) {
  try {
    Deno.exit(await launch(Deno.args));
  } catch (error) {
    if (error instanceof ListenFdsError3) {
      console.error(`launch: ${error.message}`);
      const usage = error.code === "INVALID_ARGUMENT" || error.code === "INVALID_SOCKET_SPEC";
      if (usage) console.error("Run with --help for the usage.");
      Deno.exit(usage ? 2 : 1);
    }
    throw error;
  }
}
export {
  launch
};

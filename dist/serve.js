// @ts-self-types="../serve.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import "./chunk-3ICIJJSP.js";
import {
  handleShutdown
} from "./chunk-Q3MBBKSR.js";
import "./chunk-GRYDIXI6.js";
import {
  bindFallback,
  selectActivated,
  serveParallel,
  socketsPerAddress
} from "./chunk-EUFOMDH3.js";
import "./chunk-TY2RU3GK.js";
import {
  notifyReady,
  notifyStatus
} from "./chunk-IW6ZKCGU.js";
import "./chunk-UHFLBLON.js";
import "./chunk-QSSB6R3H.js";
import {
  loadServeModule,
  serveSockets
} from "./chunk-7KI7QCP6.js";

// serve.ts
import { parseArgs } from "@std/cli/parse-args";
import { ListenFds } from "./_core.js";
import { ListenFdsError } from "./_core.js";
import { defaultOnListen } from "./_core.js";
import { libc } from "./_core.js";
import { SIGNALS } from "./_core.js";
var integer = (function integer(flag, value, min) {
  const number = Number(value);
  if (value === void 0 || !/^[0-9]+$/.test(value) || number < min) {
    throw new ListenFdsError(
      `Cannot parse --${flag}: value is "${value}", expected an integer of at least ${min}`,
      { code: "INVALID_ARGUMENT", value }
    );
  }
  return number;
});
var parseServeArgs = (function parseServeArgs(argv, env, cwd) {
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
      "upgrade-timeout"
    ],
    alias: { h: "help" },
    stopEarly: true,
    unknown: (arg) => {
      if (arg.startsWith("-")) {
        throw new ListenFdsError(
          `Cannot parse the serve command: unknown option "${arg}"`,
          { code: "INVALID_ARGUMENT", value: arg }
        );
      }
      return true;
    }
  });
  if (flags.help) return "help";
  const [module, ...args] = flags._.map(String);
  if (module === void 0) {
    throw new ListenFdsError(
      "Cannot parse the serve command: no module given",
      { code: "INVALID_ARGUMENT" }
    );
  }
  let workers;
  if (flags.workers !== void 0) {
    workers = integer("workers", flags.workers, 1);
  } else if (flags.parallel) {
    const jobs = env("DENO_JOBS");
    workers = jobs !== void 0 && jobs !== "" ? integer("parallel (DENO_JOBS)", jobs, 1) : navigator.hardwareConcurrency ?? 1;
  }
  return {
    module: /^[a-z][a-z0-9+.-]+:/i.test(module) ? module : new URL(
      module,
      `file://${cwd().replace(/\/?$/, "/")}`
    ).href,
    args,
    workers,
    host: flags.host ?? "0.0.0.0",
    port: flags.port === void 0 ? 8e3 : integer("port", flags.port, 0),
    name: flags.name,
    drainTimeout: flags["drain-timeout"] === void 0 ? 1e3 : integer("drain-timeout", flags["drain-timeout"], 0),
    shutdownTimeout: flags["shutdown-timeout"] === void 0 ? 1e4 : integer("shutdown-timeout", flags["shutdown-timeout"], 0),
    restartLimit: flags["restart-limit"] === void 0 ? 5 : integer("restart-limit", flags["restart-limit"], 0),
    fdStore: flags["fd-store"],
    upgrade: flags.upgrade,
    upgradeTimeout: flags["upgrade-timeout"] === void 0 ? 3e4 : integer("upgrade-timeout", flags["upgrade-timeout"], 1)
  };
});
var serveInMainThread = (async function serveInMainThread(command, upgrader) {
  const exported = await loadServeModule(command.module, command.args);
  const fds = ListenFds.fromEnv();
  const chosen = selectActivated(
    fds,
    command.name === void 0 ? {} : { name: command.name }
  );
  if (chosen.length === 0 && upgrader) {
    const bound = bindFallback({ hostname: command.host, port: command.port });
    try {
      upgrader.add(bound.fd, command.name ?? "serve");
    } catch (error) {
      libc().close(bound.fd);
      throw error;
    }
    const servers2 = serveSockets(exported, [bound.fd], {
      callOnListen: true,
      drainTimeout: command.drainTimeout
    });
    if (exported.onListen === void 0) {
      defaultOnListen(servers2[0].addr, false);
    }
    return servers2;
  }
  if (chosen.length === 0) {
    return [Deno.serve({
      hostname: command.host,
      port: command.port,
      handler: (request, info) => exported.fetch(request, info),
      onListen: exported.onListen ?? ((addr) => defaultOnListen(addr, false))
    })];
  }
  const servers = serveSockets(
    exported,
    chosen.map((index) => fds.borrow(index).fd),
    { callOnListen: true, drainTimeout: command.drainTimeout }
  );
  for (const index of chosen) fds.take(index);
  if (exported.onListen === void 0) {
    defaultOnListen(servers[0].addr, false);
  }
  return servers;
});
var reusePortSet = (function reusePortSet(command) {
  const fds = ListenFds.fromEnv();
  const addresses = selectActivated(
    fds,
    command.name === void 0 ? {} : { name: command.name }
  ).flatMap((index) => {
    const address = fds.inspect(index)?.socket?.address;
    return address && ("port" in address || "path" in address) ? [address] : [];
  });
  return socketsPerAddress(addresses) > 1;
});
var handleUpgradesOf = (async function handleUpgradesOf(servers, upgrader, command) {
  const { handleUpgrades } = await import("./upgrade-CPYQPIJX.js");
  handleUpgrades(servers, {
    upgrader,
    timeout: command.upgradeTimeout,
    drainTimeout: command.shutdownTimeout,
    onUpgrade(outcome) {
      console.error(
        outcome.ok ? `listen-fds: handed over to pid ${outcome.pid}; draining` : `listen-fds: ${outcome.error.message}; serving on`
      );
    }
  });
});
var holdSighup = (function holdSighup() {
  let held = false;
  const hold = () => {
    held = true;
  };
  Deno.addSignalListener("SIGHUP", hold);
  return {
    release() {
      Deno.removeSignalListener("SIGHUP", hold);
      if (held) libc().kill(Deno.pid, SIGNALS.SIGHUP);
    }
  };
});
var main = (async function main(argv) {
  let command;
  try {
    command = parseServeArgs(
      argv,
      (name) => Deno.env.get(name),
      () => Deno.cwd()
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
  const early = command.upgrade ? holdSighup() : void 0;
  try {
    const upgrader = command.upgrade ? (await import("./upgrade-CPYQPIJX.js")).Upgrader.fromListenFds(
      ListenFds.fromEnv()
    ) : void 0;
    if (command.workers === void 0 && command.fdStore === void 0 && !reusePortSet(command)) {
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
      ...command.workers === void 0 ? {} : { workers: command.workers },
      hostname: command.host,
      port: command.port,
      drainTimeout: command.drainTimeout,
      restartLimit: command.restartLimit,
      ...command.name === void 0 ? {} : { name: command.name },
      ...command.fdStore === void 0 ? {} : { store: command.fdStore },
      ...upgrader ? { upgrader } : {},
      onWorkerExit(event) {
        console.error(
          `listen-fds: serve worker ${event.worker} died (${event.reason}); ${event.restart ? "restarting it" : "stopping: too many deaths"}`
        );
        if (event.restart) {
          restarted++;
          notifyStatus(
            `serving on ${workers} workers; ${restarted} restarted, last: worker ${event.worker} (${event.reason})`
          );
        }
      }
    });
    workers = server.workers;
    handleShutdown(server, { timeout: command.shutdownTimeout });
    if (upgrader) await handleUpgradesOf(server, upgrader, command);
    early?.release();
    server.finished.catch((error) => {
      console.error(error instanceof Error ? error.message : String(error));
      Deno.exit(1);
    });
    notifyStatus(`serving on ${server.workers} workers`);
    notifyReady();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
});
var USAGE = `Usage: deno run --allow-env --allow-ffi --allow-net --allow-read \\
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
if (import.meta.main) await main(Deno.args);
export {
  USAGE,
  main,
  parseServeArgs
};

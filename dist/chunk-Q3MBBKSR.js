// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  ReadinessChannel,
  SIGNALS,
  SenderReport,
  pidfdIdPipe,
  sendPidfdId,
  sendSignal,
  spawnChild
} from "./chunk-GRYDIXI6.js";
import {
  monotonicMicroseconds,
  notify,
  notifyStopping
} from "./chunk-IW6ZKCGU.js";
import {
  LAUNCHER_PID,
  UPGRADE_SOCKET,
  launcherPid,
  onStoreFds
} from "./chunk-QSSB6R3H.js";

// _notify/upgrade.ts
import { checkMilliseconds as checkMilliseconds2, ListenFdsError as ListenFdsError3 } from "./_core.js";
import { errno, libc, syscallError } from "./_core.js";
import { LINUX } from "./_core.js";
import { LISTEN_VARIABLES } from "./_core.js";
import { statFd } from "./_core.js";
import { readProcFile } from "./_core.js";

// _notify/reload.ts
import { ListenFdsError } from "./_core.js";
var errnoOf = (function errnoOf(error) {
  if (error instanceof ListenFdsError && error.errno !== void 0) {
    return error.errno;
  }
  const code = error?.errno;
  if (typeof code === "number" && Number.isInteger(code)) return Math.abs(code);
  const byClass = [
    [Deno.errors.NotFound, 2],
    [Deno.errors.PermissionDenied, 13],
    [Deno.errors.AlreadyExists, 17],
    [Deno.errors.InvalidData, 22],
    [Deno.errors.TimedOut, 110],
    [Deno.errors.AddrInUse, 98],
    [Deno.errors.ConnectionRefused, 111]
  ];
  for (const [type, number] of byClass) {
    if (typeof type === "function" && error instanceof type) return number;
  }
  return void 0;
});
var statusLine = (function statusLine(prefix, error) {
  const message = error instanceof Error ? error.message : String(error);
  return `${prefix}: ${message}`.replace(/[\n\0]+/g, " ").slice(0, 2e3);
});
var handleReload = (function handleReload(onReload, options = {}) {
  if (typeof onReload !== "function") {
    throw new ListenFdsError(
      "Cannot handle reloads: the reload callback is not a function",
      { code: "INVALID_ARGUMENT" }
    );
  }
  const signal = options.signal ?? "SIGHUP";
  const send = (state) => {
    if (options.notify === false) return;
    try {
      notify(state, options.notify ?? {});
    } catch {
    }
  };
  let chain = Promise.resolve();
  let pending;
  let failedBefore = false;
  const runOnce = async () => {
    send({ RELOADING: 1, MONOTONIC_USEC: monotonicMicroseconds() });
    try {
      await onReload();
    } catch (error) {
      failedBefore = true;
      const state = {
        STATUS: statusLine("Reload failed", error)
      };
      const code = errnoOf(error);
      if (code !== void 0) state.ERRNO = code;
      state.READY = 1;
      send(state);
      options.onError?.(error);
      throw error;
    }
    if (failedBefore) {
      failedBefore = false;
      send({ STATUS: "", READY: 1 });
    } else send({ READY: 1 });
  };
  const reload = () => {
    if (pending) return pending;
    const next = chain.catch(() => {
    }).then(() => {
      pending = void 0;
      return runOnce();
    });
    pending = next;
    chain = next;
    return next;
  };
  const onSignal = () => {
    reload().catch(() => {
    });
  };
  Deno.addSignalListener(signal, onSignal);
  const remove = () => {
    try {
      Deno.removeSignalListener(signal, onSignal);
    } catch {
    }
  };
  return { reload, remove, [Symbol.dispose]: remove };
});
var handleShutdown = (function handleShutdown(servers, options = {}) {
  const list = checkServers(servers, "handle shutdown");
  const timeout = options.timeout ?? 1e4;
  checkMilliseconds(timeout, "Cannot handle shutdown: timeout");
  const repeated = options.repeatedSignal ?? "ignore";
  if (repeated !== "ignore" && repeated !== "exit") {
    throw new ListenFdsError2(
      `Cannot handle shutdown: repeatedSignal "${repeated}" is neither "ignore" nor "exit"`,
      { code: "INVALID_ARGUMENT", value: String(repeated) }
    );
  }
  let running2;
  const shutdown = () => {
    running2 ??= runShutdown(list, timeout, options).finally(remove);
    return running2;
  };
  const remove = listenForSignals(
    options.signals ?? ["SIGTERM", "SIGINT"],
    (signal) => {
      if (running2 === void 0) {
        shutdown();
      } else if (repeated === "exit") {
        const number = SIGNAL_NUMBERS[signal];
        Deno.exit(number === void 0 ? 1 : 128 + number);
      }
    }
  );
  return { shutdown, remove, [Symbol.dispose]: remove };
});
var checkServers = (function checkServers(servers, action) {
  const list = Array.isArray(servers) ? servers : [servers];
  for (const server of list) {
    if (typeof server.shutdown !== "function" && typeof server.close !== "function") {
      throw new ListenFdsError2(
        `Cannot ${action}: the server has neither shutdown() nor close()`,
        { code: "INVALID_ARGUMENT" }
      );
    }
  }
  return list;
});
var runShutdown = (async function runShutdown(list, timeout, options) {
  if (options.notify !== false) {
    try {
      notifyStopping(options.notify ?? {});
    } catch {
    }
  }
  const { outcome, failure } = await stopAll(list, timeout);
  if (outcome !== "graceful") {
    for (const server of list) {
      server.closeAllConnections?.();
    }
  }
  try {
    await options.onShutdown?.(outcome, failure);
  } finally {
    if (options.exit ?? true) Deno.exit(outcome === "graceful" ? 0 : 1);
  }
  return outcome;
});
var stopAll = (async function stopAll(list, timeout) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ outcome: "timeout" }), timeout);
  });
  const stopped = Promise.all(list.map((server) => {
    try {
      return stopServer(server);
    } catch (error) {
      return Promise.reject(error);
    }
  })).then(
    () => ({ outcome: "graceful" }),
    (failure) => ({ outcome: "failed", failure })
  );
  try {
    return await Promise.race([stopped, expired]);
  } finally {
    clearTimeout(timer);
  }
});
var listenForSignals = (function listenForSignals(signals, onSignal) {
  const listeners = /* @__PURE__ */ new Map();
  for (const signal of signals) {
    if (listeners.has(signal)) continue;
    const listener = () => onSignal(signal);
    Deno.addSignalListener(signal, listener);
    listeners.set(signal, listener);
  }
  return () => {
    for (const [signal, listener] of listeners) {
      try {
        Deno.removeSignalListener(signal, listener);
      } catch {
      }
    }
    listeners.clear();
  };
});
var stopServer = (function stopServer(server) {
  if (typeof server.shutdown === "function") {
    return server.shutdown();
  }
  const closable = server;
  return new Promise((resolve, reject) => {
    let result;
    if (closable.close.length >= 1) {
      result = closable.close((error) => error ? reject(error) : resolve());
      closable.closeIdleConnections?.();
    } else {
      result = closable.close();
      if (!(result instanceof Promise)) resolve();
    }
    if (result instanceof Promise) result.then(() => resolve(), reject);
  });
});
var delay = (function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
});
var pipe = (function pipe() {
  const c = libc();
  if (!c.pipe2) {
    throw new ListenFdsError3("Cannot start a successor: libc has no pipe2", {
      code: "UNSUPPORTED_PLATFORM"
    });
  }
  const ends = new Int32Array(2);
  if (c.pipe2(
    new Uint8Array(ends.buffer),
    LINUX.O_CLOEXEC | LINUX.O_NONBLOCK
  ) === -1) {
    throw syscallError("Cannot create the successor pid pipe", "pipe2");
  }
  return { read: ends[0], write: ends[1] };
});
var readPid = (function readPid(fd) {
  const buffer = new Uint8Array(32);
  const n = Number(libc().read(fd, buffer, BigInt(buffer.length)));
  if (n <= 0) return void 0;
  const text = new TextDecoder().decode(buffer.subarray(0, n)).trim();
  return /^[1-9][0-9]*$/.test(text) ? Number(text) : void 0;
});
var running = (function running(pid) {
  if (libc().kill(pid, 0) !== 0) return errno() === LINUX.EPERM;
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === void 0) return false;
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
});
var stopProcess = (async function stopProcess(pid) {
  sendSignal(pid, SIGNALS.SIGTERM);
  const deadline = performance.now() + 1e3;
  while (running(pid) && performance.now() < deadline) await delay(10);
  if (running(pid)) sendSignal(pid, SIGNALS.SIGKILL);
  while (running(pid)) await delay(10);
});
var ownCommand = (function ownCommand() {
  const text = readProcFile("/proc/self/cmdline") ?? "";
  const args = text.split("\0");
  if (args.at(-1) === "") args.pop();
  if (args.length === 0) return [];
  try {
    args[0] = Deno.execPath();
  } catch {
  }
  return args;
});
var handleUpgrades = (function handleUpgrades(servers, options) {
  const list = checkServers(servers, "handle upgrades");
  const drainTimeout = options.drainTimeout ?? 1e4;
  checkMilliseconds2(drainTimeout, "Cannot handle upgrades: drainTimeout");
  const signal = options.signal ?? "SIGHUP";
  const { upgrader } = options;
  const send = (state) => {
    if (options.notify === false) return;
    try {
      notify(state, options.notify ?? {});
    } catch {
    }
  };
  let running2;
  let handedOver = false;
  let failedBefore = false;
  const run = async () => {
    send({ RELOADING: 1, MONOTONIC_USEC: monotonicMicroseconds() });
    let result;
    try {
      const { command, env, timeout } = options;
      result = await upgrader.upgrade({
        ...command ? { command } : {},
        ...env ? { env } : {},
        ...timeout !== void 0 ? { timeout } : {}
      });
    } catch (caught) {
      const error = caught instanceof ListenFdsError3 ? caught : new ListenFdsError3(
        `Cannot upgrade: ${caught instanceof Error ? caught.message : caught}`,
        { code: "UPGRADE_FAILED", cause: caught }
      );
      failedBefore = true;
      const state2 = {
        STATUS: statusLine("Upgrade failed", error)
      };
      const code = errnoOf(error.cause ?? error) ?? errnoOf(error);
      if (code !== void 0) state2.ERRNO = code;
      state2.READY = 1;
      send(state2);
      if (options.onUpgrade) await options.onUpgrade({ ok: false, error });
      else console.error(`${error.message}; serving on`);
      throw error;
    }
    handedOver = true;
    const state = { MAINPID: result.pid };
    if (failedBefore) state.STATUS = "";
    state.READY = 1;
    send(state);
    remove();
    await options.onUpgrade?.({ ok: true, pid: result.pid });
    const outcome = await stopAll2(list, drainTimeout);
    upgrader.close();
    if (options.exit ?? true) Deno.exit(outcome === "graceful" ? 0 : 1);
    return result;
  };
  const upgrade = () => {
    if (handedOver) {
      return Promise.reject(
        new ListenFdsError3(
          "Cannot upgrade: this process already handed over to its successor",
          { code: "UPGRADE_IN_PROGRESS" }
        )
      );
    }
    running2 ??= run().finally(() => {
      if (!handedOver) running2 = void 0;
    });
    return running2;
  };
  const onSignal = () => {
    upgrade().catch(() => {
    });
  };
  const remove = () => {
    try {
      Deno.removeSignalListener(signal, onSignal);
    } catch {
    }
  };
  Deno.addSignalListener(signal, onSignal);
  return { upgrade, remove, [Symbol.dispose]: remove };
});
var stopAll2 = (async function stopAll2(list, timeout) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeout);
  });
  const stopped = Promise.all(list.map(stopServer)).then(
    () => "graceful",
    () => "graceful"
  );
  const outcome = await Promise.race([stopped, expired]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    for (const server of list) {
      server.closeAllConnections?.();
    }
  }
  return outcome;
});

// _notify/shutdown.ts
import { checkMilliseconds, ListenFdsError as ListenFdsError2 } from "./_core.js";
var SIGNAL_NUMBERS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGTERM: 15
};

// _notify/upgrade.ts
var ABSTRACT_PREFIX = "@listen-fds-upgrade";
var Upgrader = class _Upgrader {
  #fds = [];
  #inodes = /* @__PURE__ */ new Set();
  #running;
  #stopListening;
  /**
   * An empty upgrader; add fds with {@linkcode Upgrader.add}.
   */
  constructor() {
    this.#stopListening = onStoreFds((change, fds, name) => {
      if (change === "remove") this.remove(name);
      for (const fd of fds) {
        try {
          this.add(fd, name);
        } catch {
        }
      }
    });
  }
  /**
   * An upgrader holding a duplicate of every untaken fd of a set, with its
   * name: the sockets and the fd store's contents the process was started
   * with.
   *
   * @param fds The set, usually `ListenFds.fromEnv()`.
   * @returns The upgrader.
   * @throws {ListenFdsError} `SYSCALL_FAILED` when an fd cannot be
   * duplicated.
   *
   * @example Usage
   * ```ts ignore
   * import { ListenFds } from "jsr:@listen-fds/listen-fds";
   * import { Upgrader } from "jsr:@listen-fds/listen-fds/notify";
   *
   * const upgrader = Upgrader.fromListenFds(ListenFds.fromEnv());
   * ```
   */
  static fromListenFds(fds) {
    const upgrader = new _Upgrader();
    try {
      for (let i = 0; i < fds.length; i++) {
        const entry = fds.borrow(i);
        if (entry) upgrader.add(entry.fd, entry.name);
      }
    } catch (error) {
      upgrader.close();
      throw error;
    }
    return upgrader;
  }
  /**
   * Adds an fd to hand over: a close-on-exec duplicate is kept, so the
   * caller may close or hand its own to Deno. An fd whose file is already
   * held (same inode) is not added twice.
   *
   * @param fd The fd.
   * @param name Its `LISTEN_FDNAMES` name: printable ASCII without `:`.
   * @throws {ListenFdsError} `INVALID_ARGUMENT` for a bad name,
   * `FD_NOT_OPEN`/`SYSCALL_FAILED` when the fd cannot be duplicated.
   */
  add(fd, name) {
    if (name.length === 0 || name.length > 255 || /[^\x20-\x7e]|:/.test(name)) {
      throw new ListenFdsError3(
        `Cannot hand fd ${fd} to a successor: name "${name}" is not 1 to 255 printable ASCII characters without ":"`,
        { code: "INVALID_ARGUMENT", fd, value: name }
      );
    }
    const { mode, inode } = statFd(fd);
    const key = `${mode & LINUX.S_IFMT}:${inode}`;
    if (this.#inodes.has(key)) return;
    const copy = libc().fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 3);
    if (copy === -1) {
      throw syscallError(
        `Cannot duplicate fd ${fd} for a successor`,
        "fcntl",
        fd
      );
    }
    this.#inodes.add(key);
    this.#fds.push({ fd: copy, name });
  }
  /**
   * Stops handing over every fd with a name (and closes the duplicates), as
   * `removeStoredFds()` does for the fd store (it calls this).
   *
   * @param name The name.
   */
  remove(name) {
    const kept = [];
    for (const entry of this.#fds) {
      if (entry.name !== name) {
        kept.push(entry);
        continue;
      }
      try {
        const { mode, inode } = statFd(entry.fd);
        this.#inodes.delete(`${mode & LINUX.S_IFMT}:${inode}`);
      } catch {
      }
      libc().close(entry.fd);
    }
    this.#fds = kept;
  }
  /**
   * The fds a successor gets, in `LISTEN_FDS` order.
   *
   * @returns The upgrader's duplicates and their names.
   */
  get fds() {
    return [...this.#fds];
  }
  /** Whether an upgrade is running. */
  get upgrading() {
    return this.#running !== void 0;
  }
  /**
   * Starts a successor with every fd and waits until it reports ready
   * (`READY=1` from its pid on the private socket).
   *
   * @param options The command, environment and time bound.
   * @returns The successor's pid.
   * @throws {ListenFdsError} `UPGRADE_IN_PROGRESS` when another upgrade is
   * running; `UPGRADE_FAILED` under the development launcher (`launch`,
   * which would not supervise the successor: use `launch --upgrade-on`), or
   * when the successor exited before it was ready
   * (its exit code or signal, and any `STATUS=`/`ERRNO=` it sent, are in the
   * message) or did not report ready within `timeout` (it is then stopped);
   * `SYSCALL_FAILED` when it cannot be started.
   */
  upgrade(options = {}) {
    if (this.#running) {
      return Promise.reject(
        new ListenFdsError3(
          "Cannot start a successor: an upgrade is already running",
          { code: "UPGRADE_IN_PROGRESS" }
        )
      );
    }
    const launcher = launcherPid();
    if (launcher !== void 0) {
      return Promise.reject(
        new ListenFdsError3(
          `Cannot upgrade: this process runs under launch (pid ${launcher}), which would not supervise the successor; let launch upgrade it (launch --upgrade-on SIGHUP)`,
          { code: "UPGRADE_FAILED", variable: LAUNCHER_PID, value: launcher }
        )
      );
    }
    const timeout = options.timeout ?? 3e4;
    if (!(Number.isFinite(timeout) && timeout > 0)) {
      return Promise.reject(
        new ListenFdsError3(
          `Cannot start a successor: timeout ${timeout} ms is not a finite positive number`,
          { code: "INVALID_ARGUMENT", value: String(timeout) }
        )
      );
    }
    this.#running = this.#upgrade(options, timeout).finally(() => {
      this.#running = void 0;
    });
    return this.#running;
  }
  async #upgrade(options, timeout) {
    const fds = [...this.#fds];
    const command = options.command ?? ownCommand();
    if (command.length === 0) {
      throw new ListenFdsError3("Cannot start a successor: empty command", {
        code: "INVALID_ARGUMENT"
      });
    }
    const channel = ReadinessChannel.open(ABSTRACT_PREFIX, "upgrade readiness");
    const moved = [];
    const opened = [];
    try {
      const env = {
        ...options.env ?? Deno.env.toObject()
      };
      for (const name of LISTEN_VARIABLES) delete env[name];
      delete env[UPGRADE_SOCKET];
      delete env[LAUNCHER_PID];
      if (fds.length > 0) {
        env.LISTEN_FDS = String(fds.length);
        env.LISTEN_FDNAMES = fds.map((entry) => entry.name).join(":");
      }
      env[UPGRADE_SOCKET] = channel.address;
      const sources = fds.map((entry) => {
        if (entry.fd >= 3 + fds.length) return entry.fd;
        const copy = libc().fcntl(
          entry.fd,
          LINUX.F_DUPFD_CLOEXEC,
          3 + fds.length
        );
        if (copy === -1) {
          throw syscallError(
            `Cannot move fd ${entry.fd} for a successor`,
            "fcntl",
            entry.fd
          );
        }
        moved.push(copy);
        return copy;
      });
      const pidPipe = pipe();
      opened.push(pidPipe.read, pidPipe.write);
      const idPipe = pidfdIdPipe();
      if (idPipe) opened.push(...idPipe);
      const shell = spawnChild(
        [
          "/bin/sh",
          "-c",
          DETACH_SCRIPT,
          "upgrade",
          `/proc/${Deno.pid}/fd/${pidPipe.write}`,
          idPipe ? `/proc/${Deno.pid}/fd/${idPipe[0]}` : "",
          ...command
        ],
        { fds: sources, env, setPid: false }
      );
      for (const fd of moved.splice(0)) libc().close(fd);
      await shell.exited;
      const pid = readPid(pidPipe.read);
      if (pid === void 0) {
        throw new ListenFdsError3(
          `Cannot upgrade: the successor (${command.join(" ")}) could not be started`,
          { code: "UPGRADE_FAILED" }
        );
      }
      if (idPipe) {
        opened.splice(opened.indexOf(idPipe[1]), 1);
        sendPidfdId(pid, idPipe[1]);
      }
      const what = `successor ${pid} (${command.join(" ")})`;
      const deadline = performance.now() + timeout;
      const said = new SenderReport();
      while (true) {
        const message = channel.receive((sender) => sender === pid);
        if (message) said.add(message);
        if (message?.ready) return { pid, fds };
        if (!running(pid)) {
          throw new ListenFdsError3(
            `Cannot upgrade: ${what} exited before it was ready${said.details()}`,
            { code: "UPGRADE_FAILED", value: String(pid) }
          );
        }
        if (performance.now() >= deadline) {
          await stopProcess(pid);
          throw new ListenFdsError3(
            `Cannot upgrade: ${what} did not report ready within ${timeout} ms; it was stopped${said.details()}`,
            { code: "UPGRADE_FAILED", value: String(pid) }
          );
        }
        await delay(message ? 0 : 5);
      }
    } finally {
      for (const fd of [...moved, ...opened]) libc().close(fd);
      channel.close();
    }
  }
  /** Closes the duplicates (an upgrade in progress keeps its own). */
  close() {
    this.#stopListening();
    for (const { fd } of this.#fds.splice(0)) libc().close(fd);
    this.#inodes.clear();
  }
  /** Closes the duplicates. */
  [Symbol.dispose]() {
    this.close();
  }
};
var DETACH_SCRIPT = [
  "pid_path=$1 id_path=$2; shift 2",
  "sh -c '",
  "  LISTEN_PID=$$; export LISTEN_PID",
  '  if [ -n "$1" ]; then',
  '    IFS= read -r LISTEN_PIDFDID < "$1"',
  '    if [ -n "$LISTEN_PIDFDID" ]; then export LISTEN_PIDFDID;',
  "    else unset LISTEN_PIDFDID; fi",
  "  fi",
  '  shift; exec "$@"',
  `' successor "$id_path" "$@" &`,
  // A successor whose pid cannot be told would serve unsupervised.
  'echo $! > "$pid_path" || { kill $!; exit 1; }'
].join("\n");

export {
  handleShutdown,
  handleReload,
  Upgrader,
  ownCommand,
  handleUpgrades
};

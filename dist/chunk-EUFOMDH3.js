// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  storeFds
} from "./chunk-TY2RU3GK.js";
import {
  bindSockets,
  closeSockets
} from "./chunk-UHFLBLON.js";

// _parallel.ts
import { ListenFdsError } from "./_core.js";
import { libc, syscallError } from "./_core.js";
import { LINUX } from "./_core.js";
import { ListenFds } from "./_core.js";
import { requireSocket } from "./_core.js";
var serveParallel = (async function serveParallel(options) {
  const module = String(options.module);
  checkCount("workers", options.workers, 1);
  checkCount("restartLimit", options.restartLimit, 0);
  checkCount("restartInterval", options.restartInterval, 0);
  const fds = options.fds ?? ListenFds.fromEnv();
  const chosen = selectActivated(
    fds,
    options.index === void 0 && options.name === void 0 && options.store !== void 0 ? { name: options.store } : options
  );
  let bound;
  let sockets;
  if (chosen.length > 0) {
    sockets = chosen.map((index) => {
      const fd = fds.borrow(index).fd;
      const { address } = requireSocket(
        fd,
        `serve HTTP on fd ${fd}`,
        "stream",
        true
      );
      return { fd, address };
    });
  } else {
    bound = bindFallback(options);
    if (options.store !== void 0) {
      try {
        storeFds([bound.fd], { name: options.store });
      } catch (error) {
        closeSockets([bound]);
        throw error;
      }
    }
    sockets = [{
      fd: bound.fd,
      address: bound.address
    }];
  }
  const perAddress = socketsPerAddress(sockets.map((socket) => socket.address));
  const count = options.workers ?? (perAddress > 1 ? perAddress : navigator.hardwareConcurrency ?? 1);
  const pool = new Pool(module, sockets, count, options);
  try {
    await pool.start();
  } catch (error) {
    if (bound) closeSockets([bound]);
    throw error;
  }
  if (options.upgrader) {
    try {
      const names = chosen.length > 0 ? chosen.map((index) => fds.names[index]) : [options.store ?? options.name ?? BOUND_NAME];
      sockets.forEach(({ fd }, i) => options.upgrader.add(fd, names[i]));
    } catch (error) {
      await pool.stop();
      if (bound) closeSockets([bound]);
      throw error;
    }
  }
  for (const index of chosen) fds.take(index);
  if (bound && options.store === void 0) {
    pool.onClose = () => closeSockets([bound]);
  } else if (bound) pool.onClose = () => libc().close(bound.fd);
  else pool.onClose = () => sockets.forEach(({ fd }) => libc().close(fd));
  const reporter = options.onListen ?? defaultOnListen;
  if (options.onListen || !pool.moduleHasOnListen) {
    reporter(sockets[0].address, count);
  }
  return pool.server();
});
var checkCount = (function checkCount(name, value, min) {
  if (value !== void 0 && !(Number.isSafeInteger(value) && value >= min)) {
    throw new ListenFdsError(
      `Cannot serve in parallel: ${name} ${value} is not an integer of at least ${min}`,
      { code: "INVALID_ARGUMENT", value: String(value) }
    );
  }
});
var defaultOnListen = (function defaultOnListen(addr, workers) {
  const where = "path" in addr ? addr.path : `http://${addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname}:${addr.port}/`;
  console.error(
    `Listening on ${where} with ${workers} worker${workers === 1 ? "" : "s"}`
  );
});
var selectActivated = (function selectActivated(fds, options) {
  const untaken = (index) => fds.borrow(index) !== void 0;
  if (options.index !== void 0) {
    return untaken(options.index) ? [options.index] : [];
  }
  const name = options.name ?? fds.names.find((_, index) => untaken(index));
  if (name === void 0) return [];
  return fds.names.flatMap(
    (candidate, index) => candidate === name && untaken(index) ? [index] : []
  );
});
var bindFallback = (function bindFallback(options) {
  let spec;
  if (options.path !== void 0) {
    spec = {
      transport: "unix",
      scheme: "unix",
      path: options.path,
      name: void 0,
      spec: options.path
    };
  } else if (options.port !== void 0) {
    checkCount("port", options.port, 0);
    const given = options.hostname ?? "0.0.0.0";
    const hostname = given === "localhost" ? "127.0.0.1" : given.replace(/^\[(.*)\]$/, "$1");
    spec = {
      transport: "tcp",
      scheme: "http",
      family: hostname.includes(":") ? "inet6" : "inet",
      hostname,
      port: options.port,
      name: void 0,
      spec: `${hostname}:${options.port}`
    };
  } else {
    throw new ListenFdsError(
      "Cannot serve in parallel: no activated listening socket, and neither port nor path to bind",
      { code: "FD_NOT_FOUND" }
    );
  }
  const [bound] = bindSockets([spec], {
    backlog: 4096,
    reuse: true,
    minFd: 3
  });
  return bound;
});
var duplicate = (function duplicate(fd) {
  const copy = libc().fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 3);
  if (copy === -1) {
    throw syscallError(`Cannot duplicate fd ${fd} for a worker`, "fcntl", fd);
  }
  return copy;
});
var assignSockets = (function assignSockets(sockets, workers) {
  return Array.from(
    { length: workers },
    (_, i) => sockets <= workers ? [i % sockets] : Array.from({ length: sockets }, (_2, j) => j).filter(
      (j) => j % workers === i
    )
  );
});
var addressKey = (function addressKey(address) {
  return "path" in address ? `unix:${address.path}` : `${address.hostname}:${address.port}`;
});
var socketsPerAddress = (function socketsPerAddress(addresses) {
  const counts = /* @__PURE__ */ new Map();
  for (const address of addresses) {
    const key = addressKey(address);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
});
var planWorkers = (function planWorkers(addresses, workers) {
  const groups = /* @__PURE__ */ new Map();
  addresses.forEach((address, index) => {
    const key = addressKey(address);
    groups.set(key, [...groups.get(key) ?? [], index]);
  });
  const plan = Array.from({ length: workers }, () => []);
  for (const group of groups.values()) {
    assignSockets(group.length, workers).forEach(
      (positions, worker) => plan[worker].push(...positions.map((position) => group[position]))
    );
  }
  return plan;
});
var BOUND_NAME = "serve";
var RESTART_DELAY_MS = 100;
var WORKER_URL = new URL(
  `./_serve_worker.${import.meta.url.endsWith(".js") ? "js" : "ts"}`,
  import.meta.url
);
var Pool = class {
  #module;
  #sockets;
  #slots;
  #options;
  #deaths = [];
  #restarts = 0;
  #stopping;
  #finished = Promise.withResolvers();
  #failure;
  #restartTimers = /* @__PURE__ */ new Set();
  moduleHasOnListen = false;
  onClose = () => {
  };
  constructor(module, sockets, workers, options) {
    this.#module = module;
    this.#sockets = sockets;
    this.#options = options;
    this.#slots = planWorkers(sockets.map((socket) => socket.address), workers).map((assigned, index) => ({ index, sockets: assigned, phase: "gone" }));
    this.#finished.promise.catch(() => {
    });
  }
  async start() {
    const results = await Promise.allSettled(
      this.#slots.map((slot) => this.#start(slot, true))
    );
    const failed = results.find((result) => result.status === "rejected");
    if (failed) {
      await this.#stopAll();
      throw failed.reason;
    }
  }
  /** Stops every worker after a successful start, before it is handed out. */
  stop() {
    return this.#stopAll();
  }
  server() {
    const restarts = () => this.#restarts;
    const finished = this.#finished.promise.then(() => {
      if (this.#failure) throw this.#failure;
    });
    return {
      addr: this.#sockets[0].address,
      workers: this.#slots.length,
      get restarts() {
        return restarts();
      },
      finished,
      shutdown: () => this.#shutdown(),
      [Symbol.asyncDispose]: () => this.#shutdown()
    };
  }
  #start(slot, first) {
    const { promise, resolve, reject } = Promise.withResolvers();
    const worker = new Worker(WORKER_URL, {
      type: "module",
      name: `listen-fds serve worker ${slot.index}`
    });
    slot.worker = worker;
    slot.phase = "load";
    slot.started = { resolve, reject };
    const post = (message) => worker.postMessage(message);
    worker.onmessage = (event) => {
      if (slot.worker !== worker) return;
      const message = event.data;
      switch (message.type) {
        case "loaded": {
          if (slot.phase !== "load") return;
          if (first && slot.index === 0) {
            this.moduleHasOnListen = message.onListen;
          }
          let fds;
          try {
            fds = this.#duplicates(slot);
          } catch (error) {
            this.#gone(slot);
            reject(error);
            return;
          }
          slot.phase = "adopt";
          post({
            type: "serve",
            fds,
            callOnListen: first && slot.index === 0,
            drainTimeout: this.#options.drainTimeout,
            via: this.#options.via
          });
          return;
        }
        case "serving":
          if (slot.phase !== "adopt") return;
          slot.phase = "serving";
          slot.started = void 0;
          resolve();
          return;
        case "failed":
          this.#died(slot, message.message, message.code);
          return;
        case "exit":
          this.#died(slot, `exited with code ${message.code}`);
          return;
        case "stopped":
          this.#gone(slot);
          return;
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (slot.worker === worker) this.#died(slot, event.message);
    };
    post({
      type: "load",
      module: this.#module,
      args: [...this.#options.args ?? []]
    });
    return promise;
  }
  #duplicates(slot) {
    const copies = [];
    try {
      for (const socket of slot.sockets) {
        copies.push(duplicate(this.#sockets[socket].fd));
      }
    } catch (error) {
      for (const fd of copies) libc().close(fd);
      throw error;
    }
    return copies;
  }
  /** Terminates a slot's worker; its adopted sockets close with it. */
  #gone(slot) {
    slot.worker?.terminate();
    slot.worker = void 0;
    slot.phase = "gone";
    const stopped = slot.stopped;
    slot.stopped = void 0;
    stopped?.();
  }
  #died(slot, reason, code) {
    const phase = slot.phase;
    const started = slot.started;
    slot.started = void 0;
    this.#gone(slot);
    if (phase === "load" || phase === "adopt") {
      started?.reject(
        new ListenFdsError(
          `Cannot start serve worker ${slot.index} for ${this.#module}: ${reason}`,
          { code: "WORKER_FAILED", ...code ? { value: code } : {} }
        )
      );
      return;
    }
    if (phase !== "serving" || this.#stopping) return;
    this.#serverDied(slot, reason);
  }
  #serverDied(slot, reason) {
    const now = performance.now();
    const interval = this.#options.restartInterval ?? 1e4;
    this.#deaths.push(now);
    while (this.#deaths.length && now - this.#deaths[0] > interval) {
      this.#deaths.shift();
    }
    const limit = this.#options.restartLimit ?? 5;
    const restart = this.#deaths.length <= limit;
    const event = { worker: slot.index, reason, restart };
    if (this.#options.onWorkerExit) this.#options.onWorkerExit(event);
    else {
      console.error(
        `listen-fds: serve worker ${slot.index} died (${reason}); ${restart ? "restarting it" : `${this.#deaths.length} deaths within ${interval} ms exceed the restart limit of ${limit}: stopping`}`
      );
    }
    if (!restart) {
      this.#failure = new ListenFdsError(
        `Serve worker ${slot.index} died (${reason}); ${this.#deaths.length} workers died within ${interval} ms, more than restartLimit ${limit}`,
        { code: "WORKER_FAILED" }
      );
      void this.#shutdown();
      return;
    }
    const timer = setTimeout(() => {
      this.#restartTimers.delete(timer);
      if (this.#stopping) return;
      this.#restarts++;
      this.#start(slot, false).catch((error) => {
        if (!this.#stopping) {
          this.#serverDied(
            slot,
            error instanceof Error ? error.message : String(error)
          );
        }
      });
    }, RESTART_DELAY_MS);
    this.#restartTimers.add(timer);
  }
  #shutdown() {
    this.#stopping ??= this.#stopAll().then(() => {
      this.onClose();
      this.#finished.resolve();
    });
    return this.#stopping;
  }
  /** Drains and stops every worker; workers still starting are terminated. */
  async #stopAll() {
    for (const timer of this.#restartTimers) clearTimeout(timer);
    this.#restartTimers.clear();
    await Promise.all(this.#slots.map((slot) => {
      if (!slot.worker) return void 0;
      if (slot.phase !== "serving") {
        const started = slot.started;
        slot.started = void 0;
        this.#gone(slot);
        started?.reject(
          new ListenFdsError(
            `Cannot start serve worker ${slot.index}: the server is shutting down`,
            { code: "WORKER_FAILED" }
          )
        );
        return void 0;
      }
      slot.phase = "stopping";
      const { promise, resolve } = Promise.withResolvers();
      slot.stopped = resolve;
      slot.worker.postMessage({ type: "shutdown" });
      return promise;
    }));
  }
};

export {
  serveParallel,
  selectActivated,
  bindFallback,
  socketsPerAddress
};

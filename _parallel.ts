/**
 * Serving a `deno serve` module (default export `{ fetch }`) on several
 * cores of a socket-activated service: one `Worker` per core, each adopting
 * its own duplicate of the activated listening socket, or its own socket when
 * the `.socket` unit has `ReusePort=yes` and repeated `ListenStream=` lines.
 *
 * ```ts ignore
 * import { ListenFds } from "jsr:@listen-fds/listen-fds";
 * import { serveParallel } from "jsr:@listen-fds/listen-fds/parallel";
 * import { handleShutdown, handleUpgrades, notifyReady, Upgrader } from "jsr:@listen-fds/listen-fds/notify";
 *
 * const fds = ListenFds.fromEnv();
 * const upgrader = Upgrader.fromListenFds(fds); // optional: hot upgrades
 * const server = await serveParallel({
 *   module: new URL("./app.ts", import.meta.url),
 *   workers: 2,
 *   port: 8000, // when not socket-activated
 *   fds,
 *   upgrader,
 * });
 * handleShutdown(server);
 * handleUpgrades(server, { upgrader }); // SIGHUP: successor, then drain all workers
 * notifyReady(); // every worker serves
 * ```
 *
 * Internal: the entry is `parallel.ts` (`jsr:@listen-fds/listen-fds/parallel`).
 *
 * @module
 */

import { ListenFdsError } from "./_errors.ts";
import { libc, syscallError } from "./_ffi.ts";
import { LINUX } from "./_linux.ts";
import { ListenFds } from "./listen_fds.ts";
import type { HandOffVia } from "./_adopt/options.ts";
import { requireSocket } from "./_adopt/placeholder.ts";
import { storeFds } from "./_notify/fd_store.ts";
import { bindSockets, closeSockets } from "./_launcher/bind.ts";
import type { BoundSocket } from "./_launcher/bind.ts";
import type { SocketSpec } from "./_launcher/spec.ts";
import type { MainToWorker, WorkerToMain } from "./_serve_protocol.ts";
import type { Upgrader } from "./_notify/upgrade.ts";

/** Options of {@linkcode serveParallel}. */
export interface ServeParallelOptions {
  /**
   * The module to serve, as `deno serve` takes it: its default export has a
   * `fetch(request, info)` handler and optionally `onListen(addr)`. Every
   * worker imports it; the calling thread does not.
   */
  module: string | URL;
  /**
   * How many workers serve. With `k` activated sockets of one address
   * (`ReusePort=yes`), each socket is served by at least one worker and each
   * worker serves at least one socket.
   *
   * @default {the number of activated sockets of one address when there are
   * several (`ReusePort=yes`), else `navigator.hardwareConcurrency`}
   */
  workers?: number;
  /**
   * The activated sockets to serve: every untaken fd with this name. Without
   * `name` or `index`: the first untaken fd and every other untaken fd with
   * its name.
   */
  name?: string;
  /** Serve only the activated fd at this position in `LISTEN_FDS` order. */
  index?: number;
  /**
   * The activated fds to choose from.
   *
   * @default {ListenFds.fromEnv()}
   */
  fds?: ListenFds;
  /**
   * When no activated fd matches (development without systemd): the port to
   * bind, once, in this thread; every worker then adopts a duplicate. `0`
   * picks a free port.
   */
  port?: number;
  /**
   * With `port`: a literal IPv4 or IPv6 address, or `localhost`.
   *
   * @default {"0.0.0.0"}
   */
  hostname?: string;
  /** Instead of `port`: the Unix socket path to bind. */
  path?: string;
  /**
   * Keep the served socket in systemd's fd store under this name (the unit
   * needs `FileDescriptorStoreMax=` of at least 1): a socket bound here
   * because nothing was activated is stored, and on the next start it comes
   * back in `LISTEN_FDS` with this name and is served instead of bound again.
   * A restart (`systemctl restart`, or `Restart=` after a failure) then
   * loses no connection, without a `.socket` unit. Also the default `name`.
   */
  store?: string;
  /**
   * Hand the served sockets to this upgrader too, for `handleUpgrades()`:
   * the activated ones under their names (already there when the upgrader
   * was made with `Upgrader.fromListenFds()` before this call), and a socket
   * bound here because nothing was activated under `store`, else `name`,
   * else `"serve"`. Without it a successor would have to bind the address
   * again, which fails while this process holds it.
   */
  upgrader?: Pick<Upgrader, "add">;
  /** What `Deno.args` is inside the module. @default {[]} */
  args?: readonly string[];
  /**
   * Each worker's drain on shutdown, in milliseconds (see
   * `AdoptServeOptions.drainTimeout`).
   *
   * @default {1000}
   */
  drainTimeout?: number;
  /** The hand-off path in every worker. @default {"auto"} */
  via?: HandOffVia;
  /**
   * A worker that dies (an uncaught error, `Deno.exit()`, `self.close()`) is
   * restarted on a fresh duplicate of its sockets, unless more than
   * `restartLimit` workers died within {@linkcode restartInterval}: then every
   * worker is shut down and {@linkcode ParallelServer.finished} rejects with
   * `WORKER_FAILED`, so the service fails and systemd's `Restart=` decides.
   * `0` never restarts.
   *
   * @default {5}
   */
  restartLimit?: number;
  /** The window of {@linkcode restartLimit}, in milliseconds. @default {10000} */
  restartInterval?: number;
  /**
   * Called when a serving worker died, before it is restarted (or the
   * server fails). By default the event is printed to stderr.
   */
  onWorkerExit?: (event: WorkerExitEvent) => void;
  /**
   * Called once every worker serves, with the served address and the worker
   * count. By default `Listening on http://…/ with N workers` is printed to
   * stderr, unless the module has its own `onListen` (called in worker 0).
   */
  onListen?: (addr: Deno.NetAddr | Deno.UnixAddr, workers: number) => void;
}

/** A worker that died while serving. */
export interface WorkerExitEvent {
  /** The worker's number, from 0. */
  worker: number;
  /** What happened: `Uncaught Error: …` or `exited with code 3`. */
  reason: string;
  /** Whether it is restarted; `false` when the restart limit is reached. */
  restart: boolean;
}

/** The running workers; `handleShutdown()` accepts it. */
export interface ParallelServer extends AsyncDisposable {
  /** The served address (the activated socket's, or the bound one). */
  readonly addr: Deno.NetAddr | Deno.UnixAddr;
  /** How many workers serve. */
  readonly workers: number;
  /** How many workers were restarted after dying. */
  readonly restarts: number;
  /**
   * Settles once every worker stopped: resolves after
   * {@linkcode ParallelServer.shutdown}, rejects with `WORKER_FAILED` when
   * workers died more often than `restartLimit` allows.
   */
  readonly finished: Promise<void>;
  /**
   * Drains and stops every worker, then closes this thread's copies of the
   * sockets; later calls return the same promise.
   */
  shutdown(): Promise<void>;
}

/** The name a socket bound by {@linkcode serveParallel} is handed over with. */
const BOUND_NAME = "serve";

/** Milliseconds before a dead worker is restarted. */
const RESTART_DELAY_MS = 100;

/**
 * The worker module, next to this one and of the same kind: `_serve_worker.ts`
 * from the sources, `_serve_worker.js` from `dist/` (where this code is in a
 * chunk built by `tools/build.ts`).
 */
const WORKER_URL = new URL(
  `./_serve_worker.${import.meta.url.endsWith(".js") ? "js" : "ts"}`,
  import.meta.url,
);

/**
 * A socket the pool serves: this thread's copy (the activated fd itself, or
 * the one bound here), from which each worker gets a duplicate.
 */
interface PoolSocket {
  fd: number;
  address: Deno.NetAddr | Deno.UnixAddr;
}

/**
 * Serves a `deno serve` module on several cores: one worker per core, each
 * with its own duplicate of the activated socket (or its own socket of a
 * `ReusePort=yes` set), and resolves once every worker serves: the moment for
 * `READY=1`.
 *
 * This thread keeps one copy of each socket (outside any event loop, so it
 * is never woken by a connection) to restart workers with; a worker that
 * dies is restarted (see {@linkcode ServeParallelOptions.restartLimit}).
 * While a worker is down or draining, its connections wait in the socket's
 * backlog.
 *
 * @param options The module, the worker count, which sockets, and what to
 * bind when the process was not socket-activated.
 * @returns The running server, once every worker serves.
 * @throws {ListenFdsError} `WORKER_FAILED` when a worker cannot start (the
 * module cannot be imported, has no `fetch`, or the hand-off fails: the
 * message says which); `FD_NOT_FOUND` when nothing is activated and neither
 * `port` nor `path` is given; `WRONG_FD_TYPE`, `INVALID_ARGUMENT`,
 * `SYSCALL_FAILED`; as `storeFds()` with `store`. Nothing is taken from
 * `fds` on failure.
 *
 * @example Usage
 * ```ts ignore
 * import { serveParallel } from "jsr:@listen-fds/listen-fds/parallel";
 *
 * const server = await serveParallel({ module: "file:///srv/app/main.ts", workers: 4, port: 8000 });
 * console.log(`${server.workers} workers on`, server.addr);
 * ```
 */
export async function serveParallel(
  options: ServeParallelOptions,
): Promise<ParallelServer> {
  const module = String(options.module);
  checkCount("workers", options.workers, 1);
  checkCount("restartLimit", options.restartLimit, 0);
  checkCount("restartInterval", options.restartInterval, 0);
  const fds = options.fds ?? ListenFds.fromEnv();
  const chosen = selectActivated(
    fds,
    options.index === undefined && options.name === undefined &&
      options.store !== undefined
      ? { name: options.store }
      : options,
  );
  let bound: BoundSocket | undefined;
  let sockets: PoolSocket[];
  if (chosen.length > 0) {
    sockets = chosen.map((index) => {
      const fd = fds.borrow(index)!.fd;
      const { address } = requireSocket(
        fd,
        `serve HTTP on fd ${fd}`,
        "stream",
        true,
      );
      return { fd, address };
    });
  } else {
    bound = bindFallback(options);
    if (options.store !== undefined) {
      try {
        storeFds([bound.fd], { name: options.store });
      } catch (error) {
        closeSockets([bound]);
        throw error;
      }
    }
    sockets = [{
      fd: bound.fd,
      address: bound.address as Deno.NetAddr | Deno.UnixAddr,
    }];
  }
  const perAddress = socketsPerAddress(sockets.map((socket) => socket.address));
  const count = options.workers ??
    (perAddress > 1 ? perAddress : navigator.hardwareConcurrency ?? 1);
  const pool = new Pool(module, sockets, count, options);
  try {
    await pool.start();
  } catch (error) {
    if (bound) closeSockets([bound]);
    throw error;
  }
  if (options.upgrader) {
    try {
      const names = chosen.length > 0
        ? chosen.map((index) => fds.names[index]!)
        : [options.store ?? options.name ?? BOUND_NAME];
      sockets.forEach(({ fd }, i) => options.upgrader!.add(fd, names[i]!));
    } catch (error) {
      await pool.stop();
      if (bound) closeSockets([bound]);
      throw error;
    }
  }
  for (const index of chosen) fds.take(index);
  // A stored Unix socket keeps its path: the next start serves it.
  if (bound && options.store === undefined) {
    pool.onClose = () => closeSockets([bound]);
  } else if (bound) pool.onClose = () => libc().close(bound.fd);
  else pool.onClose = () => sockets.forEach(({ fd }) => libc().close(fd));
  const reporter = options.onListen ?? defaultOnListen;
  if (options.onListen || !pool.moduleHasOnListen) {
    reporter(sockets[0]!.address, count);
  }
  return pool.server();
}

function checkCount(
  name: string,
  value: number | undefined,
  min: number,
): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= min)) {
    throw new ListenFdsError(
      `Cannot serve in parallel: ${name} ${value} is not an integer of at least ${min}`,
      { code: "INVALID_ARGUMENT", value: String(value) },
    );
  }
}

function defaultOnListen(
  addr: Deno.NetAddr | Deno.UnixAddr,
  workers: number,
): void {
  const where = "path" in addr
    ? addr.path
    : `http://${
      addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname
    }:${addr.port}/`;
  console.error(
    `Listening on ${where} with ${workers} worker${workers === 1 ? "" : "s"}`,
  );
}

/**
 * The indices of the untaken activated fds to serve: the one at `index`;
 * else every untaken fd named `name`; else the first untaken fd and every
 * other untaken fd with its name.
 *
 * @param fds The activated fds.
 * @param options The selector.
 * @returns The indices, empty when nothing matches.
 */
export function selectActivated(
  fds: ListenFds,
  options: { name?: string | undefined; index?: number | undefined },
): number[] {
  const untaken = (index: number): boolean => fds.borrow(index) !== undefined;
  if (options.index !== undefined) {
    return untaken(options.index) ? [options.index] : [];
  }
  const name = options.name ??
    fds.names.find((_, index) => untaken(index));
  if (name === undefined) return [];
  return fds.names.flatMap((candidate, index) =>
    candidate === name && untaken(index) ? [index] : []
  );
}

/**
 * Binds the development socket when nothing was activated: `path`, else
 * `hostname` and `port` (backlog 4096, `SO_REUSEADDR`, close-on-exec).
 *
 * @param options Where to bind.
 * @returns The bound socket.
 * @throws {ListenFdsError} `FD_NOT_FOUND` when neither `port` nor `path` is
 * given, `INVALID_ARGUMENT` for a bad port, `SYSCALL_FAILED` when binding
 * fails.
 */
export function bindFallback(
  options: Pick<ServeParallelOptions, "port" | "hostname" | "path">,
): BoundSocket {
  let spec: SocketSpec;
  if (options.path !== undefined) {
    spec = {
      transport: "unix",
      scheme: "unix",
      path: options.path,
      name: undefined,
      spec: options.path,
    };
  } else if (options.port !== undefined) {
    checkCount("port", options.port, 0);
    const given = options.hostname ?? "0.0.0.0";
    const hostname = given === "localhost"
      ? "127.0.0.1"
      : given.replace(/^\[(.*)\]$/, "$1");
    spec = {
      transport: "tcp",
      scheme: "http",
      family: hostname.includes(":") ? "inet6" : "inet",
      hostname,
      port: options.port,
      name: undefined,
      spec: `${hostname}:${options.port}`,
    };
  } else {
    throw new ListenFdsError(
      "Cannot serve in parallel: no activated listening socket, and neither port nor path to bind",
      { code: "FD_NOT_FOUND" },
    );
  }
  const [bound] = bindSockets([spec], {
    backlog: 4096,
    reuse: true,
    minFd: 3,
  });
  return bound!;
}

/** Duplicates an fd, close-on-exec. */
function duplicate(fd: number): number {
  const copy = libc().fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 3);
  if (copy === -1) {
    throw syscallError(`Cannot duplicate fd ${fd} for a worker`, "fcntl", fd);
  }
  return copy;
}

/**
 * Which sockets each worker serves: with `k` sockets and `n` workers, worker
 * `i` serves socket `i % k` when `k <= n`, else every socket `j` with
 * `j % n === i`.
 *
 * @param sockets The socket count `k`.
 * @param workers The worker count `n`.
 * @returns For each worker, the positions of its sockets.
 */
export function assignSockets(sockets: number, workers: number): number[][] {
  return Array.from(
    { length: workers },
    (_, i) =>
      sockets <= workers
        ? [i % sockets]
        : Array.from({ length: sockets }, (_, j) => j).filter((j) =>
          j % workers === i
        ),
  );
}

function addressKey(address: Deno.NetAddr | Deno.UnixAddr): string {
  return "path" in address
    ? `unix:${address.path}`
    : `${address.hostname}:${address.port}`;
}

/**
 * The most sockets that share one address: more than 1 for a
 * `ReusePort=yes` set.
 *
 * @param addresses The address of every socket.
 * @returns The size of the largest group.
 */
export function socketsPerAddress(
  addresses: readonly (Deno.NetAddr | Deno.UnixAddr)[],
): number {
  const counts = new Map<string, number>();
  for (const address of addresses) {
    const key = addressKey(address);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

/**
 * Which sockets each worker serves: every address is served by every worker,
 * its sockets spread by {@linkcode assignSockets}.
 *
 * @param addresses The address of every socket.
 * @param workers The worker count.
 * @returns For each worker, the positions of its sockets.
 */
export function planWorkers(
  addresses: readonly (Deno.NetAddr | Deno.UnixAddr)[],
  workers: number,
): number[][] {
  const groups = new Map<string, number[]>();
  addresses.forEach((address, index) => {
    const key = addressKey(address);
    groups.set(key, [...groups.get(key) ?? [], index]);
  });
  const plan: number[][] = Array.from({ length: workers }, () => []);
  for (const group of groups.values()) {
    assignSockets(group.length, workers).forEach((positions, worker) =>
      plan[worker]!.push(...positions.map((position) => group[position]!))
    );
  }
  return plan;
}

type Phase = "load" | "adopt" | "serving" | "stopping" | "gone";

/** One worker position; its worker is replaced when it dies. */
interface Slot {
  index: number;
  sockets: number[];
  worker?: Worker | undefined;
  phase: Phase;
  /** Settles the current start. */
  started?: { resolve(): void; reject(error: unknown): void } | undefined;
  /** Resolves once the worker is gone after a shutdown request. */
  stopped?: (() => void) | undefined;
}

class Pool {
  readonly #module: string;
  readonly #sockets: PoolSocket[];
  readonly #slots: Slot[];
  readonly #options: ServeParallelOptions;
  readonly #deaths: number[] = [];
  #restarts = 0;
  #stopping: Promise<void> | undefined;
  #finished: PromiseWithResolvers<void> = Promise.withResolvers();
  #failure: ListenFdsError | undefined;
  #restartTimers = new Set<ReturnType<typeof setTimeout>>();
  moduleHasOnListen = false;
  onClose: () => void = () => {};

  constructor(
    module: string,
    sockets: PoolSocket[],
    workers: number,
    options: ServeParallelOptions,
  ) {
    this.#module = module;
    this.#sockets = sockets;
    this.#options = options;
    this.#slots = planWorkers(sockets.map((socket) => socket.address), workers)
      .map((assigned, index) => ({ index, sockets: assigned, phase: "gone" }));
    // Nobody has to await finished unless the server fails.
    this.#finished.promise.catch(() => {});
  }

  async start(): Promise<void> {
    const results = await Promise.allSettled(
      this.#slots.map((slot) => this.#start(slot, true)),
    );
    const failed = results.find((result) => result.status === "rejected");
    if (failed) {
      await this.#stopAll();
      throw (failed as PromiseRejectedResult).reason;
    }
  }

  /** Stops every worker after a successful start, before it is handed out. */
  stop(): Promise<void> {
    return this.#stopAll();
  }

  server(): ParallelServer {
    const restarts = (): number => this.#restarts;
    const finished = this.#finished.promise.then(() => {
      if (this.#failure) throw this.#failure;
    });
    return {
      addr: this.#sockets[0]!.address,
      workers: this.#slots.length,
      get restarts(): number {
        return restarts();
      },
      finished,
      shutdown: () => this.#shutdown(),
      [Symbol.asyncDispose]: () => this.#shutdown(),
    };
  }

  #start(slot: Slot, first: boolean): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const worker = new Worker(WORKER_URL, {
      type: "module",
      name: `listen-fds serve worker ${slot.index}`,
    });
    slot.worker = worker;
    slot.phase = "load";
    slot.started = { resolve, reject };
    const post = (message: MainToWorker): void => worker.postMessage(message);
    worker.onmessage = (event: MessageEvent<WorkerToMain>): void => {
      if (slot.worker !== worker) return;
      const message = event.data;
      switch (message.type) {
        case "loaded": {
          if (slot.phase !== "load") return;
          // Whether the module reports its own address (deno serve's rule).
          if (first && slot.index === 0) {
            this.moduleHasOnListen = message.onListen;
          }
          let fds: number[];
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
            via: this.#options.via,
          });
          return;
        }
        case "serving":
          if (slot.phase !== "adopt") return;
          slot.phase = "serving";
          slot.started = undefined;
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
    worker.onerror = (event: ErrorEvent): void => {
      event.preventDefault();
      if (slot.worker === worker) this.#died(slot, event.message);
    };
    post({
      type: "load",
      module: this.#module,
      args: [...this.#options.args ?? []],
    });
    return promise;
  }

  #duplicates(slot: Slot): number[] {
    const copies: number[] = [];
    try {
      for (const socket of slot.sockets) {
        copies.push(duplicate(this.#sockets[socket]!.fd));
      }
    } catch (error) {
      for (const fd of copies) libc().close(fd);
      throw error;
    }
    return copies;
  }

  /** Terminates a slot's worker; its adopted sockets close with it. */
  #gone(slot: Slot): void {
    slot.worker?.terminate();
    slot.worker = undefined;
    slot.phase = "gone";
    const stopped = slot.stopped;
    slot.stopped = undefined;
    stopped?.();
  }

  #died(slot: Slot, reason: string, code?: string): void {
    const phase = slot.phase;
    const started = slot.started;
    slot.started = undefined;
    this.#gone(slot);
    if (phase === "load" || phase === "adopt") {
      // A fd handed over in "adopt" is the worker's: it adopted it (and it
      // closed with the worker) or closed it itself before reporting.
      started?.reject(
        new ListenFdsError(
          `Cannot start serve worker ${slot.index} for ${this.#module}: ${reason}`,
          { code: "WORKER_FAILED", ...(code ? { value: code } : {}) },
        ),
      );
      return;
    }
    if (phase !== "serving" || this.#stopping) return;
    this.#serverDied(slot, reason);
  }

  #serverDied(slot: Slot, reason: string): void {
    const now = performance.now();
    const interval = this.#options.restartInterval ?? 10_000;
    this.#deaths.push(now);
    while (this.#deaths.length && now - this.#deaths[0]! > interval) {
      this.#deaths.shift();
    }
    const limit = this.#options.restartLimit ?? 5;
    const restart = this.#deaths.length <= limit;
    const event: WorkerExitEvent = { worker: slot.index, reason, restart };
    if (this.#options.onWorkerExit) this.#options.onWorkerExit(event);
    else {
      console.error(
        `listen-fds: serve worker ${slot.index} died (${reason}); ${
          restart
            ? "restarting it"
            : `${this.#deaths.length} deaths within ${interval} ms exceed the restart limit of ${limit}: stopping`
        }`,
      );
    }
    if (!restart) {
      this.#failure = new ListenFdsError(
        `Serve worker ${slot.index} died (${reason}); ${this.#deaths.length} workers died within ${interval} ms, more than restartLimit ${limit}`,
        { code: "WORKER_FAILED" },
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
            error instanceof Error ? error.message : String(error),
          );
        }
      });
    }, RESTART_DELAY_MS);
    this.#restartTimers.add(timer);
  }

  #shutdown(): Promise<void> {
    this.#stopping ??= this.#stopAll().then(() => {
      this.onClose();
      this.#finished.resolve();
    });
    return this.#stopping;
  }

  /** Drains and stops every worker; workers still starting are terminated. */
  async #stopAll(): Promise<void> {
    for (const timer of this.#restartTimers) clearTimeout(timer);
    this.#restartTimers.clear();
    await Promise.all(this.#slots.map((slot) => {
      if (!slot.worker) return undefined;
      if (slot.phase !== "serving") {
        const started = slot.started;
        slot.started = undefined;
        this.#gone(slot);
        started?.reject(
          new ListenFdsError(
            `Cannot start serve worker ${slot.index}: the server is shutting down`,
            { code: "WORKER_FAILED" },
          ),
        );
        return undefined;
      }
      slot.phase = "stopping";
      const { promise, resolve } = Promise.withResolvers<void>();
      slot.stopped = resolve;
      slot.worker.postMessage({ type: "shutdown" } satisfies MainToWorker);
      return promise;
    }));
  }
}

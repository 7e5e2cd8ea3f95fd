/**
 * Serving a `deno serve` module (default export `{ fetch }`) on several
 * cores of a socket-activated service, from your own main module: one
 * `Worker` per core, each adopting its own duplicate of the activated
 * listening socket, or its own socket when the `.socket` unit has
 * `ReusePort=yes` and repeated `ListenStream=` lines. The command-line
 * equivalent is the `./serve` entry. A service on one core does not load
 * this entry.
 *
 * @example Usage
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
 * @module
 */

export { serveParallel } from "./_parallel.ts";
export type {
  ParallelServer,
  ServeParallelOptions,
  WorkerExitEvent,
} from "./_parallel.ts";

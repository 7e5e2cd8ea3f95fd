/**
 * Loading a `deno serve` module (default export `{ fetch, onListen? }`) and
 * serving it on listening fds with the native hand-off: what one worker of
 * {@linkcode serveParallel} does, and what the `./serve` entry does in the
 * main thread without `--parallel`.
 *
 * Internal: not one of the package's exports.
 *
 * @module
 */

import { ListenFdsError } from "./_errors.ts";
import { libc } from "./_ffi.ts";
import { adoptServe } from "./_adopt/serve.ts";
import type { HandOffVia } from "./_adopt/options.ts";

/** What `deno serve` accepts as a module's default export. */
export interface ServeDefaultExport {
  /** The request handler. */
  fetch: Deno.ServeHandler;
  /** Called once the server listens, with its address. */
  onListen?: (localAddr: Deno.NetAddr | Deno.UnixAddr) => void;
}

/** How the sockets of one worker are served. */
export interface ServeSocketsOptions {
  /** Passed to the hand-off: see `AdoptServeOptions.drainTimeout`. */
  drainTimeout?: number | undefined;
  /** Passed to the hand-off. */
  via?: HandOffVia | undefined;
  /** Call the module's `onListen` (once, with the first socket's address). */
  callOnListen: boolean;
}

/**
 * Imports a module and checks that its default export is what `deno serve`
 * accepts.
 *
 * @param specifier The module's URL.
 * @param args What `Deno.args` should be inside the module.
 * @returns The default export.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` when the default export has no
 * `fetch` function; whatever importing the module throws.
 */
export async function loadServeModule(
  specifier: string,
  args?: readonly string[],
): Promise<ServeDefaultExport> {
  if (args !== undefined) {
    Object.defineProperty(Deno, "args", {
      value: Object.freeze([...args]),
      configurable: true,
      enumerable: true,
    });
  }
  const module = await import(specifier);
  const exported = module.default as Partial<ServeDefaultExport> | undefined;
  if (exported === null || typeof exported !== "object") {
    throw new ListenFdsError(
      `Cannot serve ${specifier}: it has no default export; export default { fetch(request) { … } }`,
      { code: "INVALID_ARGUMENT", value: specifier },
    );
  }
  if (typeof exported.fetch !== "function") {
    throw new ListenFdsError(
      `Cannot serve ${specifier}: its default export has no fetch() function`,
      { code: "INVALID_ARGUMENT", value: specifier },
    );
  }
  if (
    exported.onListen !== undefined && typeof exported.onListen !== "function"
  ) {
    throw new ListenFdsError(
      `Cannot serve ${specifier}: the onListen of its default export is not a function`,
      { code: "INVALID_ARGUMENT", value: specifier },
    );
  }
  return exported as ServeDefaultExport;
}

/**
 * Serves a loaded module on listening fds, all or nothing: on a failure the
 * servers started so far are shut down and every fd not adopted yet is
 * closed (an adopted fd belongs to its server).
 *
 * @param exported The module's default export.
 * @param fds Listening stream sockets this thread owns.
 * @param options Drain and hand-off options.
 * @returns One server per fd.
 * @throws {ListenFdsError} As `adoptServe()`.
 */
export function serveSockets(
  exported: ServeDefaultExport,
  fds: readonly number[],
  options: ServeSocketsOptions,
): Deno.HttpServer[] {
  const servers: Deno.HttpServer[] = [];
  const handler: Deno.ServeHandler = (request, info) =>
    exported.fetch(request, info);
  let next = 0;
  try {
    for (; next < fds.length; next++) {
      const server = adoptServe(fds[next]!, {
        handler,
        onListen(): void {},
        ...(options.drainTimeout !== undefined
          ? { drainTimeout: options.drainTimeout }
          : {}),
        ...(options.via !== undefined ? { via: options.via } : {}),
      });
      servers.push(server);
    }
  } catch (error) {
    // adoptServe leaves a failed fd open: it and the rest are still ours.
    for (const fd of fds.slice(next)) libc().close(fd);
    for (const server of servers) void server.shutdown();
    throw error;
  }
  if (options.callOnListen && servers[0]) {
    exported.onListen?.(servers[0].addr as Deno.NetAddr | Deno.UnixAddr);
  }
  return servers;
}

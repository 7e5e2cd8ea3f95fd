/**
 * Serves HTTP on an activated listening socket with `Deno.serve` itself: a
 * placeholder `Deno.serve()` on loopback port 0 (or a private Unix path) is
 * started and the activated socket takes its place in Deno's reactor (see
 * `epoll.ts`), so requests run at native speed.
 *
 * @module
 */

import { checkMilliseconds, ListenFdsError } from "../_errors.ts";
import { detachListener } from "./epoll.ts";
import { deferredNodeServe } from "./node.ts";
import type { AdoptServeOptions } from "./options.ts";
import {
  adoptIntoPlaceholder,
  requireSocket,
  withPlaceholder,
} from "./placeholder.ts";
import { chooseVia } from "./policy.ts";

/**
 * Prints what `Deno.serve`'s default `onListen` prints, with the real
 * address.
 *
 * @param addr The address.
 * @param tls Whether the server speaks HTTPS.
 */
export function defaultOnListen(
  addr: Deno.NetAddr | Deno.UnixAddr,
  tls: boolean,
): void {
  if ("path" in addr) {
    console.error(`Listening on ${addr.path}`);
    return;
  }
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  console.error(
    `Listening on ${tls ? "https" : "http"}://${host}:${addr.port}/`,
  );
}

/**
 * Serves HTTP on a listening fd.
 *
 * @param fd A listening TCP or Unix stream socket (checked first; untouched
 * when the type is wrong).
 * @param options `Deno.serve` options and the hand-off choice.
 * @returns The server; its `addr` is the activated socket's address.
 * @throws {ListenFdsError} `WRONG_FD_TYPE`, `ADOPTION_FAILED`,
 * `PERMISSION_REQUIRED`, `INVALID_ARGUMENT` without a handler.
 */
export function adoptServe(
  fd: number,
  options: AdoptServeOptions & { handler: Deno.ServeHandler },
): Deno.HttpServer {
  const action = `serve HTTP on fd ${fd}`;
  const { address } = requireSocket(fd, action, "stream", true);
  const tls = options.cert !== undefined && options.key !== undefined;
  const server = chooseVia(
    fd,
    action,
    options,
    () => serveNatively(fd, address, options, action),
    () => deferredNodeServe(fd, address, options),
  );
  (options.onListen ?? ((addr) => defaultOnListen(addr, tls)))(address);
  return server;
}

/** Milliseconds without a new request that end a drain on a Unix socket. */
const QUIET_MS = 100;
/** How often a drain looks at the request count, in milliseconds. */
const POLL_MS = 10;

/** What a draining server needs to know about its requests. */
interface DrainState {
  /** Requests started so far (only compared, never reset). */
  requests: number;
  /** Set once `shutdown()` began: responses then close their connection. */
  draining: boolean;
}

/**
 * Wraps a handler to count requests: one increment per request, plus a flag
 * test; responses get `Connection: close` only once draining began.
 */
function countingHandler(
  handler: Deno.ServeHandler,
  state: DrainState,
): Deno.ServeHandler {
  return (request, info) => {
    state.requests++;
    if (!state.draining) return handler(request, info);
    const response = handler(request, info);
    return response instanceof Promise
      ? response.then(closeAfter)
      : closeAfter(response);
  };
}

/**
 * Asks the client to close the connection after this response, so its next
 * request opens a new connection, which waits in the shared backlog for the
 * next instance instead of racing the shutdown on an idle keep-alive one.
 */
function closeAfter(response: Response): Response {
  // A protocol upgrade (WebSocket) keeps its connection.
  if (!(response instanceof Response) || response.status === 101) {
    return response;
  }
  try {
    response.headers.set("connection", "close");
    return response;
  } catch {
    // Immutable headers (Response.redirect(), a fetch() response): copy.
    const headers = new Headers(response.headers);
    headers.set("connection", "close");
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The adopted listener: its fd slot and inode, and whether it is TCP. */
interface DrainListener {
  fd: number;
  inode: bigint;
  tcp: boolean;
}

/**
 * Stops accepting on the shared socket, then waits, at most `timeout`, while
 * an accepted TCP connection is silent or busy (see `countConnections()`);
 * on a Unix socket, until no request has started for {@linkcode QUIET_MS}.
 * The connection counting (`_connections.ts`) loads here, not with the
 * hand-off: an activated start does not need it.
 */
async function drain(
  listener: DrainListener,
  state: DrainState,
  timeout: number,
): Promise<void> {
  state.draining = true;
  const connections = listener.tcp ? await import("./_connections.ts") : null;
  // Read before the detach, while the slot still holds the socket.
  const address = connections?.listenerAddress(listener.fd);
  if (!detachListener(listener.fd, listener.inode)) return;
  const start = performance.now();
  if (connections && address) {
    while (true) {
      const expired = performance.now() - start >= timeout;
      const { silent, busy } = connections.countConnections(address, {
        shutDownSilent: expired,
      });
      if (silent + busy === 0 || expired) return;
      await delay(POLL_MS);
    }
  }
  let seen = state.requests;
  let quietSince = start;
  while (true) {
    await delay(POLL_MS);
    const now = performance.now();
    if (state.requests !== seen) {
      seen = state.requests;
      quietSince = now;
    }
    if (now - quietSince >= QUIET_MS || now - start >= timeout) return;
  }
}

/**
 * Makes `shutdown()` (and `signal`) drain first, then run `Deno.serve`'s own
 * graceful shutdown, which waits for the requests in flight.
 */
function drainOnShutdown(
  server: Deno.HttpServer,
  listener: DrainListener,
  options: { state: DrainState; timeout: number; signal?: AbortSignal },
): void {
  const close = server.shutdown.bind(server);
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= drain(listener, options.state, options.timeout).then(
      close,
      close,
    );
    return stopping;
  };
  Object.defineProperty(server, "shutdown", {
    value: shutdown,
    enumerable: true,
    configurable: true,
    writable: true,
  });
  const signal = options.signal;
  if (signal?.aborted) void shutdown();
  else signal?.addEventListener("abort", () => void shutdown(), { once: true });
}

/** The drain of a native server: its requests and its time limit. */
interface Drain {
  state: DrainState;
  timeout: number;
  signal: AbortSignal | undefined;
}

function serveNatively(
  fd: number,
  address: Deno.NetAddr | Deno.UnixAddr,
  options: AdoptServeOptions & { handler: Deno.ServeHandler },
  action: string,
): Deno.HttpServer {
  const { serveOptions, handler, drain } = placeholderOptions(
    fd,
    address,
    options,
    action,
  );
  return withPlaceholder(
    { fd, unix: "path" in address, action },
    (place) =>
      Deno.serve(
        { ...serveOptions, ...place, onListen(): void {}, handler } as
          & Deno.ServeTcpOptions
          & Deno.ServeInit<Deno.NetAddr>,
      ),
    (server, _place, slot) => {
      const listener = adoptIntoPlaceholder(server, {
        fd,
        address,
        action,
        release: () => void server.shutdown(),
        slot,
      });
      if (drain) {
        const { signal, ...rest } = drain;
        drainOnShutdown(
          server,
          { ...listener, tcp: !("path" in address) },
          signal === undefined ? rest : { ...rest, signal },
        );
      }
      return server;
    },
  );
}

/** The options of `ListenFds.serve()` that would bind an address. */
const ADDRESS_FIELDS = [
  "port",
  "hostname",
  "path",
  "transport",
  "reusePort",
  "tcpBacklog",
  "name",
  "index",
  "cid",
] as const;

/**
 * Deno reports the listener's own path as a Unix peer's address: report the
 * activated path instead of the placeholder's.
 */
function withPeer(
  handler: Deno.ServeHandler,
  address: Deno.UnixAddr,
): Deno.ServeHandler {
  return (request, info) =>
    handler(request, {
      remoteAddr: address,
      get completed(): Promise<void> {
        return info.completed;
      },
    });
}

/**
 * What the placeholder `Deno.serve()` gets: only behaviour options (the
 * address options, the development fallback of `ListenFds.serve()`, must not
 * bind anything), the handler (counting requests for the drain; on a Unix
 * socket reporting the activated path as the peer) and TLS (TCP only).
 */
function placeholderOptions(
  fd: number,
  address: Deno.NetAddr | Deno.UnixAddr,
  options: AdoptServeOptions & { handler: Deno.ServeHandler },
  action: string,
): {
  serveOptions: Record<string, unknown>;
  handler: Deno.ServeHandler;
  drain: Drain | undefined;
} {
  const {
    via: _via,
    onListen: _onListen,
    handler: userHandler,
    cert,
    key,
    drainTimeout = 1000,
    signal,
    ...rest
  } = options as
    & AdoptServeOptions
    & { handler: Deno.ServeHandler }
    & Record<string, unknown>;
  checkMilliseconds(drainTimeout, `Cannot ${action}: drainTimeout`, { fd });
  for (const field of ADDRESS_FIELDS) delete rest[field];
  // drainTimeout 0: Deno.serve's own behaviour, signal included.
  const state: DrainState | undefined = drainTimeout > 0
    ? { requests: 0, draining: false }
    : undefined;
  if (!state && signal !== undefined) rest.signal = signal;
  let handler = state ? countingHandler(userHandler, state) : userHandler;
  if ("path" in address) {
    if (cert !== undefined || key !== undefined) {
      throw new ListenFdsError(
        `Cannot ${action}: TLS (cert and key) is not supported on a Unix socket`,
        { code: "INVALID_ARGUMENT", fd },
      );
    }
    handler = withPeer(handler, address);
  } else if (cert !== undefined && key !== undefined) {
    Object.assign(rest, { cert, key });
  }
  const drain = state && { state, timeout: drainTimeout, signal };
  return { serveOptions: rest, handler, drain };
}

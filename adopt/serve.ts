/**
 * Serves HTTP on an activated listening socket with `Deno.serve` itself: a
 * placeholder `Deno.serve()` on loopback port 0 (or a private Unix path) is
 * started and the activated socket takes its place in Deno's reactor (see
 * `epoll.ts`), so requests run at native speed.
 *
 * @module
 */

import { ListenFdsError } from "../errors.ts";
import type { FdInfo } from "../fd_info.ts";
import { findPlaceholder, takeOver } from "./epoll.ts";
import { chooseVia, requireListeningStream } from "./listener.ts";
import { nodeServe } from "./node.ts";
import {
  type HandOffOptions,
  PLACEHOLDER_HOSTNAME,
  placeholderMatcher,
  privateSocketPath,
  setAddress,
  UNIX_PLACEHOLDER_PERMISSIONS,
  withPermission,
} from "./placeholder.ts";

/**
 * Options of a hand-off to `Deno.serve`: its own options (the address fields
 * are ignored: the activated socket decides) plus TLS.
 */
export interface AdoptServeOptions extends HandOffOptions {
  /** The request handler (Hono's `app.fetch` fits). */
  handler?: Deno.ServeHandler;
  /** Called once the server accepts connections, with the real address. */
  onListen?: ((localAddr: Deno.NetAddr | Deno.UnixAddr) => void) | undefined;
  /** Turns a handler error into a response. */
  onError?: ((error: unknown) => Response | Promise<Response>) | undefined;
  /** Shuts the server down when aborted. */
  signal?: AbortSignal | undefined;
  /** TLS certificate chain (PEM); serve HTTPS with `key`. */
  cert?: string | undefined;
  /** TLS private key (PEM). */
  key?: string | undefined;
}

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
  const info: FdInfo = requireListeningStream(fd, action);
  const address = info.socket!.address as Deno.NetAddr | Deno.UnixAddr;
  const tls = options.cert !== undefined && options.key !== undefined;
  const server = chooseVia(
    fd,
    action,
    options,
    () => serveNatively(fd, address, options, action),
    () => nodeServe(fd, address, options),
  );
  (options.onListen ?? ((addr) => defaultOnListen(addr, tls)))(address);
  return server;
}

function serveNatively(
  fd: number,
  address: Deno.NetAddr | Deno.UnixAddr,
  options: AdoptServeOptions & { handler: Deno.ServeHandler },
  action: string,
): Deno.HttpServer {
  // Only behaviour options reach the placeholder: the address options (the
  // development fallback of ListenFds.serve()) must not bind anything.
  const {
    via: _via,
    onListen: _onListen,
    handler,
    cert,
    key,
    ...rest
  } = options as
    & AdoptServeOptions
    & { handler: Deno.ServeHandler }
    & Record<
      string,
      unknown
    >;
  for (
    const field of [
      "port",
      "hostname",
      "path",
      "transport",
      "reusePort",
      "tcpBacklog",
      "name",
      "index",
      "cid",
    ]
  ) delete rest[field];
  const tlsOptions = cert !== undefined && key !== undefined
    ? { cert, key }
    : {};
  if ("path" in address) {
    if (cert !== undefined || key !== undefined) {
      throw new ListenFdsError(
        `Cannot ${action}: TLS (cert and key) is not supported on a Unix socket`,
        { code: "INVALID_ARGUMENT", fd },
      );
    }
    const socketPath = privateSocketPath(action);
    try {
      const server = withPermission(
        action,
        UNIX_PLACEHOLDER_PERMISSIONS,
        () =>
          Deno.serve(
            {
              ...rest,
              path: socketPath.path,
              onListen(): void {},
              // Deno reports the listener's own path as a Unix peer's address;
              // report the activated path instead of the placeholder's.
              handler: (request, info) =>
                handler(request, {
                  remoteAddr: address,
                  get completed(): Promise<void> {
                    return info.completed;
                  },
                }),
            } as Deno.ServeUnixOptions & Deno.ServeInit<Deno.UnixAddr>,
          ),
      );
      return finish(fd, server, address, action);
    } finally {
      socketPath.remove();
    }
  }
  const server = withPermission(
    action,
    `--allow-net=${PLACEHOLDER_HOSTNAME}`,
    () =>
      Deno.serve(
        {
          ...rest,
          ...tlsOptions,
          hostname: PLACEHOLDER_HOSTNAME,
          port: 0,
          onListen(): void {},
          handler,
        } as Deno.ServeTcpOptions & Deno.ServeInit<Deno.NetAddr>,
      ),
  );
  return finish(fd, server, address, action);
}

function finish(
  fd: number,
  server: Deno.HttpServer,
  address: Deno.Addr,
  action: string,
): Deno.HttpServer {
  try {
    const placeholder = findPlaceholder(
      placeholderMatcher(server.addr),
      fd,
      action,
    );
    takeOver(fd, placeholder, { registered: true, nonBlocking: true, action });
  } catch (error) {
    void server.shutdown();
    throw error;
  }
  setAddress(server, "addr", address);
  return server;
}

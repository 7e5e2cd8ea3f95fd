/**
 * The option types of the hand-off methods of `ListenFds`: which activated fd
 * to use, how to hand it over, and the ordinary `Deno.listen`/`Deno.serve`
 * options to bind with when the process was not activated.
 *
 * @module
 */

/** How a hand-off gets the fd into Deno's networking. */
export type HandOffVia = "auto" | "adopt" | "node";

/** Options shared by every socket hand-off. */
export interface HandOffOptions {
  /**
   * `"adopt"`: take the fd over inside Deno's own reactor (native speed);
   * `"node"`: use the portable `node:net`/`node:http` path (Deno 2.8.3 or
   * later, about 40% of native HTTP throughput); `"auto"`: adopt, and use the
   * `node:` path if the takeover cannot be verified.
   *
   * @default {"auto"}
   */
  via?: HandOffVia;
}

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
  /** Shuts the server down (draining first, see `drainTimeout`) when aborted. */
  signal?: AbortSignal | undefined;
  /**
   * The most time `shutdown()` (or `signal`) waits for clients that
   * connected but have not sent a whole request yet, in milliseconds.
   *
   * Draining stops accepting at once without closing the shared socket (new
   * connections wait in its backlog for the next instance or a successor),
   * answers every response with `Connection: close`, and waits while any
   * connection the server accepted is silent (no byte received yet), has a
   * request arriving, or has one being answered, as the kernel's `TCP_INFO`
   * counters of each connection tell. Then `Deno.serve`'s own shutdown closes
   * the idle keep-alive connections and finishes every request in flight. A
   * client that connects, waits and then sends its request within this bound
   * is answered. On a Unix socket (no `TCP_INFO`) the drain instead lasts
   * until no request has started for 100 ms.
   *
   * `0` closes at once, as `Deno.serve` does (silent and half-sent
   * connections are dropped). Only the native (`via: "adopt"`) path drains;
   * the `node:` path's `close()` already answers what it accepted.
   *
   * @default {1000}
   */
  drainTimeout?: number | undefined;
  /** TLS certificate chain (PEM); serve HTTPS with `key`. */
  cert?: string | undefined;
  /** TLS private key (PEM). */
  key?: string | undefined;
}

/**
 * Which activated fd to use: the first untaken fd with `name`, else the fd at
 * `index`. With neither: the fd, when exactly one was passed; when several
 * were, an `FD_NOT_FOUND` error (choose one by name or index).
 */
export interface FdSelector {
  /** The name from `LISTEN_FDNAMES` (`FileDescriptorName=`). */
  name?: string;
  /** The position in `LISTEN_FDS` order, from 0. */
  index?: number;
}

/** Whether a hand-off may bind its own address. */
export interface FallbackOptions {
  /**
   * `true`: when the process was not socket-activated at all (`LISTEN_FDS`
   * is not set), bind the address in these options instead (development
   * without systemd). `false`: demand activation, with a `NOT_ACTIVATED`
   * error when there is none. Either way, an activated process never binds
   * the address: a selector that matches no untaken fd is `FD_NOT_FOUND`.
   *
   * @default {true}
   */
  fallback?: boolean;
}

/**
 * Options of `ListenFds.listen()`: the selector, the hand-off choice, and the
 * `Deno.listen()` options used when the process was not activated (not
 * needed with `fallback: false`).
 */
export type ListenOrBindOptions =
  & FdSelector
  & HandOffOptions
  & (
    | (
      & { fallback?: true }
      & (
        | (Deno.TcpListenOptions & { transport?: "tcp" })
        | Deno.UnixListenOptions & { transport: "unix" }
      )
    )
    | (
      & { fallback: false }
      & Partial<Deno.TcpListenOptions>
      & { transport?: "tcp" | "unix"; path?: string }
    )
  );

/**
 * Options of `ListenFds.serve()`: the selector, the hand-off choice,
 * `fallback`, and the `Deno.serve()` options; the address fields (`port`,
 * `hostname`, `path`) are used only when the process was not activated.
 */
export type ServeOrBindOptions =
  & FdSelector
  & AdoptServeOptions
  & FallbackOptions
  & (
    | Omit<Deno.ServeTcpOptions, "onListen">
    | Omit<Deno.ServeUnixOptions, "onListen">
  );

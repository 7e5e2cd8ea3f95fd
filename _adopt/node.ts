/**
 * The `node:` path of a hand-off, loaded on first use: `node_net.ts` and
 * `node_http.ts` stay off the import path of every service that adopts its
 * sockets natively (the common case), which keeps an activated start lean.
 * The listener or server is returned at once and forwards to the `node:` one
 * as soon as its module has loaded (a few milliseconds); if that fails,
 * `accept()` or `finished` rejects with the error.
 *
 * @module
 */

import type { NodeServeOptions } from "./node_http.ts";

/** A failed load is reported by `accept()` and `finished`, not twice. */
function ignore(): void {}

/**
 * A listener over `node:net`, listening on an fd once its module has loaded.
 *
 * @param fd The listening socket (ownership moves to the listener).
 * @param addr Its address.
 * @returns The listener.
 */
export function deferredNodeListener(
  fd: number,
  addr: Deno.Addr,
): Deno.Listener {
  return new DeferredListener(
    import("./node_net.ts").then((module) => module.nodeListener(fd, addr)),
    addr,
  );
}

class DeferredListener implements Deno.Listener {
  #inner: Promise<Deno.Listener>;
  #closed = false;
  readonly addr: Deno.Addr;

  constructor(inner: Promise<Deno.Listener>, addr: Deno.Addr) {
    this.#inner = inner;
    this.addr = addr;
  }

  accept(): Promise<Deno.Conn> {
    if (this.#closed) {
      return Promise.reject(
        new Deno.errors.BadResource("Listener has been closed"),
      );
    }
    return this.#inner.then((listener) => listener.accept());
  }

  close(): void {
    if (this.#closed) {
      throw new Deno.errors.BadResource("Listener has been closed");
    }
    this.#closed = true;
    this.#inner.then((listener) => listener.close(), ignore);
  }

  ref(): void {
    this.#inner.then((listener) => listener.ref(), ignore);
  }

  unref(): void {
    this.#inner.then((listener) => listener.unref(), ignore);
  }

  async *[Symbol.asyncIterator](): AsyncIterableIterator<Deno.Conn> {
    // Ends when the node: listener is closed (a close() before it loaded
    // closes it first: that callback was registered first).
    yield* await this.#inner;
  }

  [Symbol.dispose](): void {
    if (!this.#closed) this.close();
  }
}

/**
 * An HTTP server over `node:http`/`node:https`, listening on an fd once its
 * module has loaded.
 *
 * @param fd The listening socket (ownership moves to the server).
 * @param addr Its address.
 * @param options Handler, error handler, signal and TLS.
 * @returns A server shaped like {@linkcode Deno.HttpServer}.
 */
export function deferredNodeServe(
  fd: number,
  addr: Deno.Addr,
  options: NodeServeOptions,
): Deno.HttpServer {
  const inner = import("./node_http.ts").then((module) =>
    module.nodeServe(fd, addr, options)
  );
  const shutdown = (): Promise<void> =>
    inner.then((server) => server.shutdown());
  return {
    addr,
    finished: inner.then((server) => server.finished),
    shutdown,
    ref: () => void inner.then((server) => server.ref(), ignore),
    unref: () => void inner.then((server) => server.unref(), ignore),
    [Symbol.asyncDispose]: shutdown,
  } as Deno.HttpServer;
}

/**
 * The portable path for listeners: `node:net` listens on the activated fd
 * (`listen({ fd })`, Deno 2.8.3 or later) and adapters present the result as
 * {@linkcode Deno.Listener} and {@linkcode Deno.Conn}. It needs no permission
 * flag. The `node:http` bridge for `serve()` is in `node_http.ts`.
 *
 * The `node:` modules are loaded only when this path is taken
 * ({@linkcode nodeBuiltin}, `process.getBuiltinModule`), so importing this
 * module and the native path pay nothing for them.
 *
 * @module
 */

import type * as NodeNet from "node:net";

/**
 * Loads a `node:` built-in module (Node's `process.getBuiltinModule`): a
 * module is loaded when first asked for, not when this file is imported.
 *
 * @param name The module, e.g. `"node:net"`.
 * @returns The module.
 */
export function nodeBuiltin<T>(name: `node:${string}`): T {
  const process = (globalThis as unknown as {
    process: { getBuiltinModule(name: string): unknown };
  }).process;
  return process.getBuiltinModule(name) as T;
}

function badResource(message: string): Error {
  return new Deno.errors.BadResource(message);
}

/**
 * A {@linkcode Deno.Conn} over a `node:net` socket.
 */
export class NodeConn implements Deno.Conn {
  #socket: NodeNet.Socket;
  #chunks: Uint8Array[] = [];
  #ended = false;
  #error: unknown;
  #wake: (() => void) | undefined;
  #closed = false;
  #readable: Deno.Conn["readable"] | undefined;
  #writable: Deno.Conn["writable"] | undefined;
  /** The local address. */
  readonly localAddr: Deno.Addr;
  /** The peer's address. */
  readonly remoteAddr: Deno.Addr;

  /**
   * Wraps a connected `node:net` socket.
   *
   * @param socket The socket.
   * @param localAddr The local address to report.
   */
  constructor(socket: NodeNet.Socket, localAddr: Deno.Addr) {
    this.#socket = socket;
    this.localAddr = localAddr;
    this.remoteAddr = localAddr.transport === "unix"
      ? { transport: "unix", path: "" }
      : {
        transport: "tcp",
        hostname: socket.remoteAddress ?? "",
        port: socket.remotePort ?? 0,
      };
    socket.pause();
    socket.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(chunk);
      socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (error: unknown) => {
      this.#error = error;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * Reads into `p`.
   *
   * @param p The buffer.
   * @returns The number of bytes read, or `null` at end of stream.
   */
  async read(p: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0 && !this.#ended && !this.#error) {
      if (this.#closed) throw badResource("Connection is closed");
      const wait = new Promise<void>((resolve) => this.#wake = resolve);
      this.#socket.resume();
      await wait;
    }
    const chunk = this.#chunks.shift();
    if (chunk) {
      const n = Math.min(p.length, chunk.length);
      p.set(chunk.subarray(0, n));
      if (n < chunk.length) this.#chunks.unshift(chunk.subarray(n));
      return n;
    }
    if (this.#error) throw this.#error;
    return null;
  }

  /**
   * Writes `p`.
   *
   * @param p The bytes.
   * @returns The number of bytes written (all of them).
   */
  write(p: Uint8Array): Promise<number> {
    if (this.#closed) {
      return Promise.reject(badResource("Connection is closed"));
    }
    const copy = p.slice();
    return new Promise((resolve, reject) => {
      this.#socket.write(copy, (error?: Error | null) => {
        if (error) reject(error);
        else resolve(copy.length);
      });
    });
  }

  /** Closes the connection. */
  close(): void {
    if (this.#closed) throw badResource("Connection is closed");
    this.#closed = true;
    this.#socket.destroy();
    this.#notify();
  }

  /**
   * Shuts down the sending side.
   *
   * @returns When the end was sent.
   */
  closeWrite(): Promise<void> {
    return new Promise((resolve) => this.#socket.end(() => resolve()));
  }

  /** Keeps the event loop alive while the connection is open. */
  ref(): void {
    this.#socket.ref();
  }

  /** Lets the event loop end while the connection is open. */
  unref(): void {
    this.#socket.unref();
  }

  /**
   * Enables or disables Nagle's algorithm.
   *
   * @param noDelay `true` to send at once.
   */
  setNoDelay(noDelay = true): void {
    this.#socket.setNoDelay(noDelay);
  }

  /**
   * Enables or disables keep-alive probes.
   *
   * @param keepAlive `true` to enable them.
   */
  setKeepAlive(keepAlive = true): void {
    this.#socket.setKeepAlive(keepAlive);
  }

  /**
   * The connection as a byte stream to read from.
   *
   * @returns The stream.
   */
  get readable(): Deno.Conn["readable"] {
    this.#readable ??= new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const buffer = new Uint8Array(65536);
        const n = await this.read(buffer).catch((error) => {
          controller.error(error);
          return null;
        });
        if (n === null) {
          controller.close();
          if (!this.#closed) this.close();
        } else {
          controller.enqueue(buffer.subarray(0, n));
        }
      },
      cancel: () => {
        if (!this.#closed) this.close();
      },
    }) as Deno.Conn["readable"];
    return this.#readable;
  }

  /**
   * The connection as a byte stream to write to.
   *
   * @returns The stream.
   */
  get writable(): Deno.Conn["writable"] {
    this.#writable ??= new WritableStream<Uint8Array>({
      write: async (chunk) => {
        await this.write(chunk);
      },
      close: () => {
        if (!this.#closed) this.close();
      },
      abort: () => {
        if (!this.#closed) this.close();
      },
    }) as Deno.Conn["writable"];
    return this.#writable;
  }

  /** Closes the connection if it is open. */
  [Symbol.dispose](): void {
    if (!this.#closed) this.close();
  }
}

/**
 * A {@linkcode Deno.Listener} over a `node:net` server listening on an fd.
 */
export class NodeListener implements Deno.Listener {
  #server: NodeNet.Server;
  #queue: NodeNet.Socket[] = [];
  #waiting: {
    resolve: (conn: Deno.Conn) => void;
    reject: (error: unknown) => void;
  }[] = [];
  #closed = false;
  /** The activated socket's address. */
  readonly addr: Deno.Addr;

  /**
   * Listens on an fd.
   *
   * @param fd The listening socket (ownership moves to the server).
   * @param addr Its address.
   */
  constructor(fd: number, addr: Deno.Addr) {
    this.addr = addr;
    const net = nodeBuiltin<typeof NodeNet>("node:net");
    this.#server = net.createServer({ pauseOnConnect: true }, (socket) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter.resolve(new NodeConn(socket, addr));
      else this.#queue.push(socket);
    });
    this.#server.listen({ fd });
  }

  /**
   * Waits for the next connection.
   *
   * @returns The connection.
   */
  accept(): Promise<Deno.Conn> {
    if (this.#closed) {
      return Promise.reject(badResource("Listener has been closed"));
    }
    const socket = this.#queue.shift();
    if (socket) return Promise.resolve(new NodeConn(socket, this.addr));
    return new Promise((resolve, reject) =>
      this.#waiting.push({ resolve, reject })
    );
  }

  /** Stops listening and closes the socket. */
  close(): void {
    if (this.#closed) throw badResource("Listener has been closed");
    this.#closed = true;
    this.#server.close();
    for (const socket of this.#queue.splice(0)) socket.destroy();
    for (const waiter of this.#waiting.splice(0)) {
      waiter.reject(badResource("Listener has been closed"));
    }
  }

  /** Keeps the event loop alive while listening. */
  ref(): void {
    this.#server.ref();
  }

  /** Lets the event loop end while listening. */
  unref(): void {
    this.#server.unref();
  }

  /**
   * Yields connections until the listener is closed.
   *
   * @returns The iterator.
   */
  async *[Symbol.asyncIterator](): AsyncIterableIterator<Deno.Conn> {
    while (true) {
      try {
        yield await this.accept();
      } catch (error) {
        if (error instanceof Deno.errors.BadResource) return;
        throw error;
      }
    }
  }

  /** Closes the listener if it is open. */
  [Symbol.dispose](): void {
    if (!this.#closed) this.close();
  }
}

/**
 * Serves a listening fd through `node:net`.
 *
 * @param fd The listening socket.
 * @param addr Its address.
 * @returns The listener.
 */
export function nodeListener(fd: number, addr: Deno.Addr): Deno.Listener {
  return new NodeListener(fd, addr);
}

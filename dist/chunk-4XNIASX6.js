// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _adopt/node_net.ts
var nodeBuiltin = (function nodeBuiltin(name) {
  const process = globalThis.process;
  return process.getBuiltinModule(name);
});
var badResource = (function badResource(message) {
  return new Deno.errors.BadResource(message);
});
var nodeListener = (function nodeListener(fd, addr) {
  return new NodeListener(fd, addr);
});
var NodeConn = class {
  #socket;
  #chunks = [];
  #ended = false;
  #error;
  #wake;
  #closed = false;
  #readable;
  #writable;
  /** The local address. */
  localAddr;
  /** The peer's address. */
  remoteAddr;
  /**
   * Wraps a connected `node:net` socket.
   *
   * @param socket The socket.
   * @param localAddr The local address to report.
   */
  constructor(socket, localAddr) {
    this.#socket = socket;
    this.localAddr = localAddr;
    this.remoteAddr = localAddr.transport === "unix" ? { transport: "unix", path: "" } : {
      transport: "tcp",
      hostname: socket.remoteAddress ?? "",
      port: socket.remotePort ?? 0
    };
    socket.pause();
    socket.on("data", (chunk) => {
      this.#chunks.push(chunk);
      socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (error) => {
      this.#error = error;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
  }
  #notify() {
    const wake = this.#wake;
    this.#wake = void 0;
    wake?.();
  }
  /**
   * Reads into `p`.
   *
   * @param p The buffer.
   * @returns The number of bytes read, or `null` at end of stream.
   */
  async read(p) {
    while (this.#chunks.length === 0 && !this.#ended && !this.#error) {
      if (this.#closed) throw badResource("Connection is closed");
      const wait = new Promise((resolve) => this.#wake = resolve);
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
  write(p) {
    if (this.#closed) {
      return Promise.reject(badResource("Connection is closed"));
    }
    const copy = p.slice();
    return new Promise((resolve, reject) => {
      this.#socket.write(copy, (error) => {
        if (error) reject(error);
        else resolve(copy.length);
      });
    });
  }
  /** Closes the connection. */
  close() {
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
  closeWrite() {
    return new Promise((resolve) => this.#socket.end(() => resolve()));
  }
  /** Keeps the event loop alive while the connection is open. */
  ref() {
    this.#socket.ref();
  }
  /** Lets the event loop end while the connection is open. */
  unref() {
    this.#socket.unref();
  }
  /**
   * Enables or disables Nagle's algorithm.
   *
   * @param noDelay `true` to send at once.
   */
  setNoDelay(noDelay = true) {
    this.#socket.setNoDelay(noDelay);
  }
  /**
   * Enables or disables keep-alive probes.
   *
   * @param keepAlive `true` to enable them.
   */
  setKeepAlive(keepAlive = true) {
    this.#socket.setKeepAlive(keepAlive);
  }
  /**
   * The connection as a byte stream to read from.
   *
   * @returns The stream.
   */
  get readable() {
    this.#readable ??= new ReadableStream({
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
      }
    });
    return this.#readable;
  }
  /**
   * The connection as a byte stream to write to.
   *
   * @returns The stream.
   */
  get writable() {
    this.#writable ??= new WritableStream({
      write: async (chunk) => {
        await this.write(chunk);
      },
      close: () => {
        if (!this.#closed) this.close();
      },
      abort: () => {
        if (!this.#closed) this.close();
      }
    });
    return this.#writable;
  }
  /** Closes the connection if it is open. */
  [Symbol.dispose]() {
    if (!this.#closed) this.close();
  }
};
var NodeListener = class {
  #server;
  #queue = [];
  #waiting = [];
  #closed = false;
  /** The activated socket's address. */
  addr;
  /**
   * Listens on an fd.
   *
   * @param fd The listening socket (ownership moves to the server).
   * @param addr Its address.
   */
  constructor(fd, addr) {
    this.addr = addr;
    const net = nodeBuiltin("node:net");
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
  accept() {
    if (this.#closed) {
      return Promise.reject(badResource("Listener has been closed"));
    }
    const socket = this.#queue.shift();
    if (socket) return Promise.resolve(new NodeConn(socket, this.addr));
    return new Promise(
      (resolve, reject) => this.#waiting.push({ resolve, reject })
    );
  }
  /** Stops listening and closes the socket. */
  close() {
    if (this.#closed) throw badResource("Listener has been closed");
    this.#closed = true;
    this.#server.close();
    for (const socket of this.#queue.splice(0)) socket.destroy();
    for (const waiter of this.#waiting.splice(0)) {
      waiter.reject(badResource("Listener has been closed"));
    }
  }
  /** Keeps the event loop alive while listening. */
  ref() {
    this.#server.ref();
  }
  /** Lets the event loop end while listening. */
  unref() {
    this.#server.unref();
  }
  /**
   * Yields connections until the listener is closed.
   *
   * @returns The iterator.
   */
  async *[Symbol.asyncIterator]() {
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
  [Symbol.dispose]() {
    if (!this.#closed) this.close();
  }
};

export {
  nodeBuiltin,
  NodeConn,
  NodeListener,
  nodeListener
};

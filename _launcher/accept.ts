/**
 * The accept loop of `--accept` mode: one child per connection, as
 * `systemd-socket-activate --accept` and `Accept=yes` socket units do.
 *
 * @module
 */

import { libc } from "../_ffi.ts";
import { LINUX, SOCKADDR_STORAGE } from "../_linux.ts";
import { decodeSockaddr } from "../_sockaddr.ts";
import type { SocketAddress } from "../_sockaddr.ts";
import type { BoundSocket } from "./bind.ts";

/** A running accept loop. */
export interface AcceptLoop {
  /** Settles when the loop has ended after {@linkcode AcceptLoop.stop}. */
  done: Promise<void>;
  /** Stops accepting (wakes the blocked `accept4()` with `shutdown()`). */
  stop(): void;
}

/**
 * Accepts connections on a listening socket until stopped. Every accepted
 * fd is close-on-exec and handed to `onConnection`, which owns it.
 *
 * @param socket The listening socket.
 * @param onConnection Called with each connection's fd and peer address.
 * @returns The loop.
 */
export function acceptConnections(
  socket: BoundSocket,
  onConnection: (fd: number, peer: SocketAddress | undefined) => void,
): AcceptLoop {
  const c = libc();
  let stopped = false;
  const transport = socket.spec.transport === "unix" ? "unix" : "tcp";
  const done = (async () => {
    const accept4 = c.accept4;
    if (!accept4) throw new Error("accept4() is not available");
    while (!stopped) {
      const address = new Uint8Array(SOCKADDR_STORAGE.size);
      const length = new Uint32Array([SOCKADDR_STORAGE.size]);
      const fd = await accept4(
        socket.fd,
        address,
        new Uint8Array(length.buffer),
        LINUX.SOCK_CLOEXEC,
      );
      if (fd === -1) {
        // EINTR, ECONNABORTED, EMFILE …: errno stays on the worker thread.
        if (!stopped) await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      if (stopped) {
        c.close(fd);
        break;
      }
      onConnection(fd, decodeSockaddr(address, length[0]!, transport));
    }
  })();
  return {
    done,
    stop(): void {
      if (stopped) return;
      stopped = true;
      c.shutdown(socket.fd, LINUX.SHUT_RDWR);
    },
  };
}

/**
 * The CGI-style variables systemd sets for an `Accept=yes` connection:
 * `REMOTE_ADDR` and `REMOTE_PORT` for IP, `REMOTE_ADDR` alone for a named
 * Unix peer, nothing for an unnamed one.
 *
 * @param peer The peer address.
 * @returns The variables.
 */
export function remoteEnv(
  peer: SocketAddress | undefined,
): Record<string, string> {
  if (peer === undefined) return {};
  if ("port" in peer && "hostname" in peer) {
    return { REMOTE_ADDR: peer.hostname, REMOTE_PORT: String(peer.port) };
  }
  if ("path" in peer && peer.path.length > 0) {
    return { REMOTE_ADDR: peer.path };
  }
  return {};
}

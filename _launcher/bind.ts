/**
 * Binding the launcher's sockets through libc: `socket()`, `bind()`,
 * `listen()`. Every fd stays close-on-exec in the launcher.
 *
 * @module
 */

import { libc, syscallError } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { encodeInetSockaddr, encodeUnixSockaddr } from "../_sockaddr.ts";
import { socketAddress } from "../_fd_info.ts";
import type { SocketAddress } from "../_fd_info.ts";
import { describeSocket } from "./spec.ts";
import type { SocketSpec } from "./spec.ts";

/** A socket the launcher bound. */
export interface BoundSocket {
  /** The launcher's fd (close-on-exec, never in the child's 3, 4, … range). */
  fd: number;
  /** The spec it was bound from. */
  spec: SocketSpec;
  /** The bound address (with the port the kernel picked for port 0). */
  address: SocketAddress;
  /** How it is shown, e.g. `http://127.0.0.1:3000/`. */
  description: string;
}

/** Options of {@linkcode bindSockets}. */
export interface BindOptions {
  /** The `listen()` backlog. */
  backlog: number;
  /** Set `SO_REUSEADDR` on inet sockets. */
  reuse: boolean;
  /**
   * The lowest fd number the sockets may keep: they are moved above the
   * child's range, so that `dup2()` into 3, 4, … never has source == target.
   */
  minFd: number;
}

/**
 * Binds every socket, all or nothing: on a failure the sockets bound so far
 * are closed.
 *
 * @param specs The sockets, in order.
 * @param options Backlog, reuse and the lowest fd to keep.
 * @returns The bound sockets, in the same order.
 * @throws {ListenFdsError} `SYSCALL_FAILED` naming the spec and the call.
 */
export function bindSockets(
  specs: readonly SocketSpec[],
  options: BindOptions,
): BoundSocket[] {
  const bound: BoundSocket[] = [];
  try {
    for (const spec of specs) bound.push(bindSocket(spec, options));
  } catch (error) {
    closeSockets(bound);
    throw error;
  }
  return bound;
}

/**
 * Closes sockets the launcher bound and removes the Unix socket files it
 * created.
 *
 * @param sockets The sockets.
 */
export function closeSockets(sockets: readonly BoundSocket[]): void {
  for (const socket of sockets) {
    libc().close(socket.fd);
    const { spec } = socket;
    if (spec.transport === "unix" && !spec.path.startsWith("@")) {
      removeStaleSocket(spec.path);
    }
  }
}

/**
 * Moves an fd to the lowest free number at or above `min`, close-on-exec,
 * and closes the original.
 *
 * @param fd The fd.
 * @param min The lowest acceptable number.
 * @returns The new fd (or `fd` itself when it already is at or above `min`
 * and close-on-exec).
 */
export function moveFdAbove(fd: number, min: number): number {
  const c = libc();
  if (fd >= min) return fd;
  const moved = c.fcntl(fd, LINUX.F_DUPFD_CLOEXEC, min);
  if (moved === -1) {
    const error = syscallError(
      `Cannot move fd ${fd} above ${min}`,
      "fcntl",
      fd,
    );
    c.close(fd);
    throw error;
  }
  c.close(fd);
  return moved;
}

function bindSocket(spec: SocketSpec, options: BindOptions): BoundSocket {
  const c = libc();
  const family = spec.transport === "unix"
    ? LINUX.AF_UNIX
    : spec.family === "inet6"
    ? LINUX.AF_INET6
    : LINUX.AF_INET;
  const type = spec.transport === "udp" ? LINUX.SOCK_DGRAM : LINUX.SOCK_STREAM;
  const what = `Cannot bind socket "${spec.spec}"`;
  let fd = c.socket(family, type | LINUX.SOCK_CLOEXEC, 0);
  if (fd === -1) throw syscallError(what, "socket");
  fd = moveFdAbove(fd, options.minFd);
  try {
    if (spec.transport !== "unix" && options.reuse) {
      const one = new Int32Array([1]);
      const result = c.setsockopt(
        fd,
        LINUX.SOL_SOCKET,
        LINUX.SO_REUSEADDR,
        new Uint8Array(one.buffer),
        4,
      );
      if (result === -1) throw syscallError(what, "setsockopt", fd);
    }
    const { address, length } = sockaddrOf(spec);
    if (c.bind(fd, address, length) === -1) {
      throw syscallError(what, "bind", fd);
    }
    if (type === LINUX.SOCK_STREAM && c.listen(fd, options.backlog) === -1) {
      throw syscallError(what, "listen", fd);
    }
    const bound = socketAddress(fd, "getsockname", spec.transport) ??
      (spec.transport === "unix" ? { transport: "unix", path: spec.path } : {
        transport: spec.transport,
        hostname: spec.hostname,
        port: spec.port,
      });
    return {
      fd,
      spec,
      address: bound,
      description: describeSocket(
        spec,
        bound as {
          hostname?: string;
          port?: number;
          path?: string;
        },
      ),
    };
  } catch (error) {
    c.close(fd);
    throw error;
  }
}

/** The address to bind, encoded; a stale Unix socket file is removed. */
function sockaddrOf(spec: SocketSpec): { address: Uint8Array; length: number } {
  if (spec.transport !== "unix") {
    const address = encodeInetSockaddr(spec.hostname, spec.port);
    return { address, length: address.length };
  }
  if (!spec.path.startsWith("@")) removeStaleSocket(spec.path);
  const { bytes, length } = encodeUnixSockaddr(spec.path);
  return { address: bytes, length };
}

/** Removes a leftover Unix socket file (never any other kind of file). */
function removeStaleSocket(path: string): void {
  try {
    if (Deno.lstatSync(path).isSocket) Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

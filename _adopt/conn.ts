/**
 * Hands an activated connected stream socket to Deno as a genuine
 * {@linkcode Deno.Conn}: `Accept=yes` services (one connection per instance,
 * on fd 3) and inetd-style services (`StandardInput=socket`, the connection on
 * fds 0 and 1). A placeholder connection over loopback (or a private Unix
 * path) is made and the activated socket takes its place in Deno's reactor
 * (see `epoll.ts`).
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import { cString, libc, syscallError } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { socketAddress, statFd } from "../_fd_info.ts";
import { findPlaceholder, takeOver } from "./epoll.ts";
import {
  type CheckedSocket,
  listenAt,
  placeholderMatcher,
  requireSocket,
  setAddress,
  withPlaceholder,
} from "./placeholder.ts";

/**
 * Hands a connected TCP or Unix stream socket to Deno's networking.
 *
 * @param fd A connected stream socket (checked first; untouched when the
 * type is wrong).
 * @returns The connection, with the activated socket's local and peer
 * addresses.
 * @throws {ListenFdsError} `WRONG_FD_TYPE`, `ADOPTION_FAILED`,
 * `PERMISSION_REQUIRED`.
 */
export async function adoptConn(fd: number): Promise<Deno.Conn> {
  const action = `take fd ${fd} as a connection`;
  const checked = requireSocket(fd, action, "stream", false);
  return await adoptConnected(fd, checked, action, true);
}

/**
 * Hands the inetd-style connection on fds 0 and 1 (`StandardInput=socket`)
 * to Deno's networking. Fds 0 and 1 are then pointed at `/dev/null`, so that
 * closing the connection really closes it.
 *
 * @returns The connection.
 * @throws {ListenFdsError} `WRONG_FD_TYPE` when fd 0 is not a connected
 * stream socket, `ADOPTION_FAILED`, `PERMISSION_REQUIRED`.
 *
 * @example Usage
 * ```ts
 * import { adoptInetdConn, ListenFdsError } from "@listen-fds/listen-fds";
 *
 * // A service with StandardInput=socket (no LISTEN_* variables).
 * try {
 *   const conn = await adoptInetdConn();
 *   await conn.readable.pipeTo(conn.writable);
 * } catch (error) {
 *   if (!(error instanceof ListenFdsError && error.code === "WRONG_FD_TYPE")) {
 *     throw error;
 *   }
 *   console.error("fd 0 is no connection: start me from an Accept=yes socket");
 * }
 * ```
 */
export async function adoptInetdConn(): Promise<Deno.Conn> {
  const action = "take the inetd connection on fd 0";
  const checked = requireSocket(0, action, "stream", false);
  return await adoptConnected(0, checked, action, false);
}

/**
 * Connects a placeholder pair over a placeholder listener and swaps the
 * activated connection into the client end.
 */
function adoptConnected(
  fd: number,
  { socket, address }: CheckedSocket,
  action: string,
  closeSource: boolean,
): Promise<Deno.Conn> {
  return withPlaceholder(
    { fd, unix: "path" in address, action },
    listenAt,
    async (listener, place) => {
      const conn = await connectPlaceholder(listener);
      try {
        const placeholder = findPlaceholder(
          "path" in place
            ? unixClientMatcher(place.path)
            : placeholderMatcher(conn.localAddr, conn.remoteAddr),
          fd,
          action,
        );
        takeOver(fd, placeholder, {
          registered: true,
          nonBlocking: true,
          action,
          closeSource,
        });
      } catch (error) {
        conn.close();
        throw error;
      }
      if (!closeSource) replaceInetdFds(fd);
      setAddress(conn, "localAddr", address);
      setAddress(
        conn,
        "remoteAddr",
        socket.peer ?? { transport: "unix", path: "" },
      );
      return conn;
    },
  );
}

/** Connects to the placeholder listener, keeps the client end, closes it. */
async function connectPlaceholder(listener: Deno.Listener): Promise<Deno.Conn> {
  let conn: Deno.Conn;
  let other: Deno.Conn;
  try {
    [conn, other] = await Promise.all([
      Deno.connect(
        listener.addr as Deno.ConnectOptions & Deno.UnixConnectOptions,
      ),
      listener.accept(),
    ]);
  } finally {
    listener.close();
  }
  other.close();
  return conn;
}

/** Recognises the client end of a Unix placeholder connection. */
function unixClientMatcher(path: string): (fd: number) => boolean {
  return (fd) => {
    const peer = socketAddress(fd, "getpeername", "unix");
    const local = socketAddress(fd, "getsockname", "unix");
    return peer !== undefined && "path" in peer && peer.path === path &&
      !(local !== undefined && "path" in local && local.path === path);
  };
}

/** Points fd 0 (and fd 1 when it is the same socket) at `/dev/null`. */
function replaceInetdFds(fd: number): void {
  const c = libc();
  const inode = statFd(fd).inode;
  const sameSocket = (n: number): boolean => {
    try {
      return statFd(n).inode === inode;
    } catch {
      return false;
    }
  };
  const targets = [0, 1].filter(sameSocket);
  const devNull = c.open(
    cString("/dev/null"),
    LINUX.O_RDWR | LINUX.O_CLOEXEC,
    0,
  );
  if (devNull === -1) {
    throw syscallError("Cannot point fds 0 and 1 at /dev/null", "open");
  }
  try {
    for (const target of targets) {
      if (c.dup2(devNull, target) === -1) {
        throw syscallError(
          `Cannot point fd ${target} at /dev/null`,
          "dup2",
          target,
        );
      }
    }
  } finally {
    c.close(devNull);
  }
  if (targets.length === 0) {
    throw new ListenFdsError(
      "Cannot release fd 0: it changed during the takeover",
      {
        code: "ADOPTION_FAILED",
        fd: 0,
      },
    );
  }
}

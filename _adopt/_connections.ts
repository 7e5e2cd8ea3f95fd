/**
 * What a draining HTTP server still owes its clients, read from the kernel:
 * the TCP connections this process accepted from one listening socket, each
 * classified by its `TCP_INFO` counters as waiting for a response (no request
 * yet, a request still arriving, or one being answered) or idle (every byte
 * received was answered: an idle keep-alive connection).
 *
 * Internal to the hand-off code in `adopt/`.
 *
 * @module
 */

import { libc } from "../_ffi.ts";
import { LINUX, SOCKADDR_IN, SOCKADDR_IN6, TCP_INFO } from "../_linux.ts";
import { listOpenFds, readFdLink } from "./proc.ts";

/** The connections of one listener, by state. */
export interface ConnectionCounts {
  /** Accepted, not a byte received yet (the slow client's case). */
  silent: number;
  /** Data received after the last response began (a request arriving or being answered). */
  busy: number;
  /** Everything received was answered: an idle keep-alive connection. */
  idle: number;
}

/** The local address of a TCP listener, as the kernel encodes it. */
export interface ListenerAddress {
  /** `AF_INET` or `AF_INET6`. */
  family: number;
  /** The port, host byte order. */
  port: number;
  /** The raw address bytes; all zero for a wildcard listener. */
  address: Uint8Array;
}

/**
 * Reads the local address of a TCP listening socket.
 *
 * @param fd The listener.
 * @returns Its address, or `undefined` when it is not an inet socket.
 */
export function listenerAddress(fd: number): ListenerAddress | undefined {
  return localAddress(fd);
}

function localAddress(fd: number): ListenerAddress | undefined {
  const bytes = new Uint8Array(SOCKADDR_IN6.size);
  const length = new Uint32Array([bytes.length]);
  if (libc().getsockname(fd, bytes, new Uint8Array(length.buffer)) === -1) {
    return undefined;
  }
  const view = new DataView(bytes.buffer);
  const family = view.getUint16(0, true);
  if (family === LINUX.AF_INET) {
    return {
      family,
      port: view.getUint16(SOCKADDR_IN.sin_port, false),
      address: bytes.slice(SOCKADDR_IN.sin_addr, SOCKADDR_IN.sin_addr + 4),
    };
  }
  if (family === LINUX.AF_INET6) {
    return {
      family,
      port: view.getUint16(SOCKADDR_IN6.sin6_port, false),
      address: bytes.slice(SOCKADDR_IN6.sin6_addr, SOCKADDR_IN6.sin6_addr + 16),
    };
  }
  return undefined;
}

function matches(listener: ListenerAddress, local: ListenerAddress): boolean {
  if (local.family !== listener.family || local.port !== listener.port) {
    return false;
  }
  // A wildcard listener accepts on every local address.
  if (listener.address.every((byte) => byte === 0)) return true;
  return listener.address.every((byte, i) => local.address[i] === byte);
}

/**
 * Counts the established TCP connections of this process whose local address
 * is the listener's (so accepted from it), by state. The listener itself and
 * sockets of other ports are skipped; nothing is changed.
 *
 * A connection is `silent` when no data segment came in yet, `busy` when
 * data came in but none went out yet, data came in more recently than the
 * last data went out (millisecond resolution), or received bytes wait unread
 * (`FIONREAD`: a request the server has not read yet), `idle` otherwise.
 *
 * @param listener The listener's address.
 * @param options `shutDownSilent`: also `shutdown(SHUT_RDWR)` the silent
 * connections (a drain that reached its bound; Deno before 2.1 would wait
 * for them forever).
 * @returns The counts.
 */
export function countConnections(
  listener: ListenerAddress,
  options: { shutDownSilent?: boolean } = {},
): ConnectionCounts {
  const c = libc();
  const counts: ConnectionCounts = { silent: 0, busy: 0, idle: 0 };
  const info = new Uint8Array(TCP_INFO.size);
  const view = new DataView(info.buffer);
  const length = new Uint32Array(1);
  const lengthBytes = new Uint8Array(length.buffer);
  const unread = new Int32Array(1);
  const unreadBytes = new Uint8Array(unread.buffer);
  for (const fd of listOpenFds()) {
    if (fd < 3 || !readFdLink(fd)?.startsWith("socket:")) continue;
    const local = localAddress(fd);
    if (!local || !matches(listener, local)) continue;
    info.fill(0);
    length[0] = info.length;
    if (
      c.getsockopt(fd, LINUX.IPPROTO_TCP, LINUX.TCP_INFO, info, lengthBytes) ===
        -1 || length[0]! < TCP_INFO.tcpi_data_segs_out + 4
    ) continue;
    if (view.getUint8(TCP_INFO.tcpi_state) !== LINUX.TCP_ESTABLISHED) continue;
    const segsIn = view.getUint32(TCP_INFO.tcpi_data_segs_in, true);
    const segsOut = view.getUint32(TCP_INFO.tcpi_data_segs_out, true);
    const sinceSent = view.getUint32(TCP_INFO.tcpi_last_data_sent, true);
    const sinceReceived = view.getUint32(TCP_INFO.tcpi_last_data_recv, true);
    unread[0] = 0;
    c.ioctl(fd, BigInt(LINUX.FIONREAD), unreadBytes);
    if (segsIn === 0) {
      counts.silent++;
      // Checked just above: an accepted connection of this listener that
      // never sent a byte. shutdown() ends it without closing the fd, which
      // stays Deno's to close.
      if (options.shutDownSilent) c.shutdown(fd, LINUX.SHUT_RDWR);
    } else if (
      segsOut === 0 || sinceReceived < sinceSent || unread[0]! > 0
    ) counts.busy++;
    else counts.idle++;
  }
  return counts;
}

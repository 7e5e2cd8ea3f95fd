/**
 * Hands an activated datagram socket (UDP or Unix datagram) to Deno as a
 * genuine {@linkcode Deno.DatagramConn}: a placeholder
 * `Deno.listenDatagram()` (unstable: `--unstable-net`) takes the activated
 * socket in its place in Deno's reactor (see `epoll.ts`).
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import {
  adoptIntoPlaceholder,
  describeMismatch,
  PLACEHOLDER_HOSTNAME,
  privateSocketPath,
  requireFd,
  setAddress,
  UNIX_PLACEHOLDER_PERMISSIONS,
  withPermission,
} from "./placeholder.ts";

type ListenDatagram = (
  options: {
    transport: string;
    hostname?: string;
    port?: number;
    path?: string;
  },
) => Deno.DatagramConn;

/**
 * Hands a datagram socket to Deno's networking.
 *
 * @param fd A UDP (IPv4/IPv6) or Unix datagram socket (checked first;
 * untouched when the type is wrong).
 * @returns The datagram socket; its `addr` is the activated socket's address.
 * @throws {ListenFdsError} `WRONG_FD_TYPE`, `UNSTABLE_API_REQUIRED` without
 * `--unstable-net`, `ADOPTION_FAILED`, `PERMISSION_REQUIRED`.
 */
export function adoptDatagram(fd: number): Deno.DatagramConn {
  const action = `take fd ${fd} as a datagram socket`;
  const info = requireFd(fd, action, (info) => {
    const socket = info.socket;
    if (!socket) return describeMismatch(info);
    if (socket.type !== "dgram") return `socket type is "${socket.type}"`;
    if (!["inet", "inet6", "unix"].includes(socket.family)) {
      return `socket family is "${socket.family}"`;
    }
    return undefined;
  });
  const listenDatagram =
    (Deno as unknown as { listenDatagram?: ListenDatagram })
      .listenDatagram;
  if (typeof listenDatagram !== "function") {
    throw new ListenFdsError(
      `Cannot ${action}: Deno.listenDatagram is unstable, run again with the --unstable-net flag`,
      { code: "UNSTABLE_API_REQUIRED", fd },
    );
  }
  const address = info.socket!.address as Deno.NetAddr | Deno.UnixAddr;
  let conn: Deno.DatagramConn;
  if ("path" in address) {
    const socketPath = privateSocketPath(action);
    try {
      conn = withPermission(
        action,
        UNIX_PLACEHOLDER_PERMISSIONS,
        () =>
          listenDatagram({ transport: "unixpacket", path: socketPath.path }),
      );
      adoptIntoPlaceholder(fd, conn.addr, action, () => conn.close());
    } finally {
      socketPath.remove();
    }
  } else {
    conn = withPermission(
      action,
      `--allow-net=${PLACEHOLDER_HOSTNAME}`,
      () =>
        listenDatagram({
          transport: "udp",
          hostname: PLACEHOLDER_HOSTNAME,
          port: 0,
        }),
    );
    adoptIntoPlaceholder(fd, conn.addr, action, () => conn.close());
  }
  setAddress(conn, "addr", address);
  return conn;
}

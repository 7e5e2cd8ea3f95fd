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
  requireSocket,
  withPlaceholder,
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
  const { address } = requireSocket(fd, action, "dgram");
  const listenDatagram =
    (Deno as unknown as { listenDatagram?: ListenDatagram })
      .listenDatagram;
  if (typeof listenDatagram !== "function") {
    throw new ListenFdsError(
      `Cannot ${action}: Deno.listenDatagram is unstable, run again with the --unstable-net flag`,
      { code: "UNSTABLE_API_REQUIRED", fd },
    );
  }
  return withPlaceholder(
    { fd, unix: "path" in address, action },
    (place) =>
      listenDatagram(
        "path" in place
          ? { transport: "unixpacket", ...place }
          : { transport: "udp", ...place },
      ),
    (conn, _place, slot) => {
      const release = (): void => conn.close();
      adoptIntoPlaceholder(conn, { fd, address, action, release, slot });
      return conn;
    },
  );
}

/**
 * Encoding and decoding of C `struct sockaddr` values (Linux layout) to and
 * from Deno's address objects. Internal to this module.
 *
 * @module
 */

import { cString } from "./_ffi.ts";
import {
  LINUX,
  SOCKADDR_IN,
  SOCKADDR_IN6,
  SOCKADDR_UN,
  SOCKADDR_VM,
} from "./_linux.ts";
import { ListenFdsError } from "./_errors.ts";

/** A socket address as this module reports it: one of Deno's own shapes. */
export type SocketAddress =
  | Deno.NetAddr
  | Deno.UnixAddr
  | { transport: "vsock"; cid: number; port: number };

/** Made on first use (a Unix address): it costs a fresh process ~0.1 ms. */
let decoder: TextDecoder | undefined;

/**
 * Decodes a `struct sockaddr` into a Deno address.
 *
 * @param bytes The buffer the kernel filled.
 * @param length The length the kernel reported (`socklen_t`).
 * @param transport The transport to report for inet and unix families.
 * @returns The address, or `undefined` for an unknown family.
 */
export function decodeSockaddr(
  bytes: Uint8Array,
  length: number,
  transport: "tcp" | "udp" | "unix" | "unixpacket",
): SocketAddress | undefined {
  if (length < 2) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // sa_family is at 0 in every struct sockaddr.
  const family = view.getUint16(SOCKADDR_IN.sin_family, true);
  if (family === LINUX.AF_INET) {
    const port = view.getUint16(SOCKADDR_IN.sin_port, false);
    const at = SOCKADDR_IN.sin_addr;
    const hostname = `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${
      bytes[at + 3]
    }`;
    return {
      transport: transport === "udp" ? "udp" : "tcp",
      hostname,
      port,
    };
  }
  if (family === LINUX.AF_INET6) {
    const port = view.getUint16(SOCKADDR_IN6.sin6_port, false);
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) {
      groups.push(
        view.getUint16(SOCKADDR_IN6.sin6_addr + 2 * i, false).toString(16),
      );
    }
    return {
      transport: transport === "udp" ? "udp" : "tcp",
      hostname: compressIpv6(groups),
      port,
    };
  }
  if (family === LINUX.AF_UNIX) {
    const unixTransport = transport === "unixpacket" ? "unixpacket" : "unix";
    const raw = bytes.subarray(SOCKADDR_UN.sun_path, length);
    if (raw.length === 0) return { transport: unixTransport, path: "" };
    const text = decoder ??= new TextDecoder();
    if (raw[0] === 0) {
      // Abstract namespace: every byte counts, shown with a leading "@".
      return {
        transport: unixTransport,
        path: `@${text.decode(raw.subarray(1))}`,
      };
    }
    const end = raw.indexOf(0);
    return {
      transport: unixTransport,
      path: text.decode(end === -1 ? raw : raw.subarray(0, end)),
    };
  }
  if (family === LINUX.AF_VSOCK) {
    return {
      transport: "vsock",
      port: view.getUint32(SOCKADDR_VM.svm_port, true),
      cid: view.getUint32(SOCKADDR_VM.svm_cid, true),
    };
  }
  return undefined;
}

function compressIpv6(groups: string[]): string {
  // IPv4-mapped addresses read best in dotted form.
  if (
    groups.slice(0, 5).every((g) => g === "0") && groups[5] === "ffff"
  ) {
    const high = parseInt(groups[6] ?? "0", 16);
    const low = parseInt(groups[7] ?? "0", 16);
    return `::ffff:${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart === -1) return groups.join(":");
  const head = groups.slice(0, bestStart).join(":");
  const tail = groups.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}

/** Where a `sockaddr_in`/`sockaddr_in6` keeps its fields. */
interface InetLayout {
  size: number;
  family: number;
  port: number;
  addr: number;
}

function inetSockaddr(
  layout: InetLayout,
  family: number,
  addr: Uint8Array,
  port: number,
): Uint8Array {
  const bytes = new Uint8Array(layout.size);
  const view = new DataView(bytes.buffer);
  view.setUint16(layout.family, family, true);
  view.setUint16(layout.port, port, false);
  bytes.set(addr, layout.addr);
  return bytes;
}

/**
 * Encodes an IPv4 or IPv6 address and port as a `struct sockaddr_in` or
 * `struct sockaddr_in6`.
 *
 * @param hostname A literal IPv4 or IPv6 address (no names are resolved).
 * @param port The port.
 * @returns The bytes, sized exactly for the family.
 */
export function encodeInetSockaddr(
  hostname: string,
  port: number,
): Uint8Array {
  const v4 = parseIpv4(hostname);
  if (v4) {
    const { size, sin_family, sin_port, sin_addr } = SOCKADDR_IN;
    const layout = { size, family: sin_family, port: sin_port, addr: sin_addr };
    return inetSockaddr(layout, LINUX.AF_INET, v4, port);
  }
  const v6 = parseIpv6(hostname.replace(/^\[(.*)\]$/, "$1"));
  if (v6) {
    const { size, sin6_family, sin6_port, sin6_addr } = SOCKADDR_IN6;
    const layout = {
      size,
      family: sin6_family,
      port: sin6_port,
      addr: sin6_addr,
    };
    return inetSockaddr(layout, LINUX.AF_INET6, v6, port);
  }
  throw new ListenFdsError(
    `Cannot encode address "${hostname}": not a literal IPv4 or IPv6 address`,
    { code: "INVALID_ARGUMENT", value: hostname },
  );
}

/**
 * Encodes a Unix socket path as a `struct sockaddr_un`. A leading `@` means
 * the abstract namespace, as systemd writes it.
 *
 * @param path The socket path, or `@name` for an abstract socket.
 * @returns The bytes and the `socklen_t` to pass with them.
 */
export function encodeUnixSockaddr(
  path: string,
): { bytes: Uint8Array; length: number } {
  const abstract = path.startsWith("@");
  const name = abstract
    ? new TextEncoder().encode(path.slice(1))
    : cString(path).subarray(0, -1);
  if (path.length === 0 || (abstract && name.length === 0)) {
    throw new ListenFdsError(
      `Cannot encode Unix socket address "${path}": name is empty`,
      { code: "INVALID_ARGUMENT", value: path },
    );
  }
  // A path needs room for its terminating NUL, an abstract name for its
  // leading one.
  if (name.length + 1 > SOCKADDR_UN.sun_path_size) {
    throw new ListenFdsError(
      `Cannot encode Unix socket address "${path}": longer than ${
        SOCKADDR_UN.sun_path_size - 1
      } bytes`,
      { code: "INVALID_ARGUMENT", value: path },
    );
  }
  const bytes = new Uint8Array(SOCKADDR_UN.size);
  new DataView(bytes.buffer).setUint16(
    SOCKADDR_UN.sun_family,
    LINUX.AF_UNIX,
    true,
  );
  bytes.set(name, SOCKADDR_UN.sun_path + (abstract ? 1 : 0));
  // Abstract names are exactly as long as given; paths include their NUL.
  const length = SOCKADDR_UN.sun_path + 1 + name.length;
  return { bytes, length };
}

/**
 * Parses a dotted-quad IPv4 address.
 *
 * @param text The address.
 * @returns Its four bytes, or `undefined` when it is not one.
 */
export function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

/**
 * Parses an IPv6 address (with `::` and an optional dotted IPv4 tail).
 *
 * @param text The address, without brackets or zone.
 * @returns Its sixteen bytes, or `undefined` when it is not one.
 */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = toGroups(halves[0]!);
  const tail = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  groups.forEach((g, i) => view.setUint16(2 * i, g, false));
  return bytes;
}

/**
 * The socket spec grammar of the launcher, close to systemfd's:
 * `[NAME=][TYPE::]VALUE`. Pure: nothing here touches the system.
 *
 * | Spec                  | Socket                                  |
 * | --------------------- | --------------------------------------- |
 * | `3000`                | TCP listener on 127.0.0.1:3000          |
 * | `0.0.0.0:3000`        | TCP listener on every IPv4 interface    |
 * | `[::1]:3000`          | TCP listener on IPv6 loopback           |
 * | `./x.sock`            | Unix stream listener (value has a `/`)  |
 * | `tcp::8080`           | TCP listener on 127.0.0.1:8080          |
 * | `http::3000`          | TCP listener, shown as `http://…/`      |
 * | `https::[::]:8443`    | TCP listener, shown as `https://…/`     |
 * | `unix::/run/x.sock`   | Unix stream listener                    |
 * | `unix::@name`         | Unix stream listener, abstract name     |
 * | `udp::5353`           | UDP socket on 127.0.0.1:5353            |
 * | `web=http::3000`      | the same, named `web` in LISTEN_FDNAMES |
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import { parseIpv4, parseIpv6 } from "../_sockaddr.ts";
import { SOCKADDR_UN } from "../_linux.ts";

/** The socket types a spec can name before `::`. */
export type SocketScheme = "tcp" | "http" | "https" | "unix" | "udp";

/** A TCP or UDP socket to bind. */
export interface InetSocketSpec {
  /** `tcp` for stream listeners (also `http`/`https`), `udp` for datagrams. */
  transport: "tcp" | "udp";
  /** The type as written (or implied): only changes how it is displayed. */
  scheme: "tcp" | "http" | "https" | "udp";
  /** The address family of `hostname`. */
  family: "inet" | "inet6";
  /** A literal IPv4 or IPv6 address, without brackets. */
  hostname: string;
  /** The port; 0 lets the kernel pick one. */
  port: number;
  /** The name given with a `NAME=` prefix, if any. */
  name: string | undefined;
  /** The spec as written. */
  spec: string;
}

/** A Unix stream listener to bind. */
export interface UnixSocketSpec {
  /** Always `unix`. */
  transport: "unix";
  /** Always `unix`. */
  scheme: "unix";
  /** The socket path, or `@name` for the abstract namespace. */
  path: string;
  /** The name given with a `NAME=` prefix, if any. */
  name: string | undefined;
  /** The spec as written. */
  spec: string;
}

/** One parsed `--socket` value. */
export type SocketSpec = InetSocketSpec | UnixSocketSpec;

const SCHEMES: readonly SocketScheme[] = [
  "tcp",
  "http",
  "https",
  "unix",
  "udp",
];
const TYPE_PREFIX = /^([a-zA-Z]+)::(.*)$/s;
const NAME_PREFIX = /^([^=:/]+)=(.*)$/s;
const DEFAULT_HOST = "127.0.0.1";
const MAX_NAME_LENGTH = 255;

function specError(spec: string, reason: string): ListenFdsError {
  return new ListenFdsError(
    `Cannot parse socket spec "${spec}": ${reason}`,
    { code: "INVALID_SOCKET_SPEC", value: spec },
  );
}

/**
 * Why `name` cannot be an fd name, or `undefined` when it can. Names follow
 * systemd's `FileDescriptorName=` rule: 1 to 255 printable ASCII characters,
 * no `:`.
 *
 * @param name The candidate name.
 * @returns The reason it is invalid, or `undefined`.
 */
export function fdNameProblem(name: string): string | undefined {
  if (name.length === 0) return "name is empty";
  if (name.length > MAX_NAME_LENGTH) {
    return `name is longer than ${MAX_NAME_LENGTH} characters`;
  }
  if (name.includes(":")) return `name contains ":"`;
  if (!/^[\x20-\x7e]+$/.test(name)) {
    return "name has a character that is not printable ASCII";
  }
  return undefined;
}

/**
 * Parses a socket spec: `[NAME=][TYPE::]VALUE`.
 *
 * - `TYPE` is `tcp`, `http`, `https`, `unix` or `udp` (`http` and `https` are
 *   TCP listeners that are displayed as URLs, as in systemfd).
 * - For the inet types, `VALUE` is `PORT` (on 127.0.0.1, as systemfd does),
 *   `IPV4:PORT` or `[IPV6]:PORT`. Host names are not resolved.
 * - For `unix`, `VALUE` is a path, or `@name` for an abstract socket.
 * - Without `TYPE`, a port or an address means TCP and a value containing
 *   `/` means a Unix socket.
 * - `NAME=` sets the fd's name in `LISTEN_FDNAMES` (no `/`, `:` or `=` in
 *   it; use `--fdname` for other names).
 *
 * @param spec The spec as written on the command line.
 * @returns The socket to bind.
 * @throws {ListenFdsError} `INVALID_SOCKET_SPEC` naming the spec and the
 * reason.
 *
 * @example Usage
 * ```ts
 * import { parseSocketSpec } from "./spec.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const spec = parseSocketSpec("web=http::3000");
 * assertEquals(spec.transport, "tcp");
 * assertEquals(spec.name, "web");
 * ```
 */
export function parseSocketSpec(spec: string): SocketSpec {
  if (spec.length === 0) throw specError(spec, "spec is empty");
  let rest = spec;
  let name: string | undefined;
  const named = NAME_PREFIX.exec(rest);
  if (named) {
    name = named[1]!;
    const problem = fdNameProblem(name);
    if (problem) {
      throw specError(spec, `fd name "${name}" is invalid: ${problem}`);
    }
    rest = named[2]!;
    if (rest.length === 0) throw specError(spec, "nothing follows the name");
  }
  const typed = TYPE_PREFIX.exec(rest);
  if (typed) {
    const type = typed[1]!;
    const value = typed[2]!;
    if (!(SCHEMES as readonly string[]).includes(type)) {
      throw specError(
        spec,
        `unknown socket type "${type}"; expected tcp, http, https, unix or udp`,
      );
    }
    if (value.length === 0) {
      throw specError(spec, `nothing follows "${type}::"`);
    }
    if (type === "unix") return unixSpec(spec, value, name);
    return inetSpec(spec, type as InetSocketSpec["scheme"], value, name);
  }
  if (rest.includes("/")) return unixSpec(spec, rest, name);
  if (/^[0-9]+$/.test(rest) || rest.includes(":") || rest.startsWith("[")) {
    return inetSpec(spec, "tcp", rest, name);
  }
  throw specError(
    spec,
    "not a port, an address or a path; write a type such as tcp:: or unix::",
  );
}

function unixSpec(
  spec: string,
  path: string,
  name: string | undefined,
): UnixSocketSpec {
  if (path.includes("\0")) throw specError(spec, "path contains a NUL byte");
  const bytes = new TextEncoder().encode(path).length;
  if (path.startsWith("@")) {
    if (bytes === 1) throw specError(spec, "abstract socket name is empty");
  }
  if (bytes > SOCKADDR_UN.sun_path_size - 1) {
    throw specError(
      spec,
      `path is ${bytes} bytes, longer than the ${
        SOCKADDR_UN.sun_path_size - 1
      } a Unix socket allows`,
    );
  }
  return { transport: "unix", scheme: "unix", path, name, spec };
}

function inetSpec(
  spec: string,
  scheme: InetSocketSpec["scheme"],
  value: string,
  name: string | undefined,
): InetSocketSpec {
  const transport = scheme === "udp" ? "udp" : "tcp";
  const base = { transport, scheme, name, spec } as const;
  if (/^[0-9]+$/.test(value)) {
    return {
      ...base,
      family: "inet",
      hostname: DEFAULT_HOST,
      port: port(spec, value),
    };
  }
  if (value.startsWith("[")) {
    const match = /^\[([^\]]*)\]:(.*)$/s.exec(value);
    if (!match) {
      throw specError(spec, `expected [IPV6]:PORT, got "${value}"`);
    }
    const host = match[1]!;
    if (host.includes("%")) {
      throw specError(spec, `IPv6 zone ids are not supported ("${host}")`);
    }
    if (!parseIpv6(host)) {
      throw specError(spec, `"${host}" is not an IPv6 address`);
    }
    return {
      ...base,
      family: "inet6",
      hostname: host,
      port: port(spec, match[2]!),
    };
  }
  const colon = value.lastIndexOf(":");
  if (colon === -1) {
    throw specError(
      spec,
      `expected PORT, IPV4:PORT or [IPV6]:PORT, got "${value}"`,
    );
  }
  const host = value.slice(0, colon);
  if (host.includes(":")) {
    throw specError(spec, `IPv6 addresses need brackets, as in [::1]:PORT`);
  }
  if (!parseIpv4(host)) {
    throw specError(
      spec,
      /^[0-9.]*$/.test(host)
        ? `"${host}" is not an IPv4 address`
        : `"${host}" is not a literal IP address (host names are not resolved)`,
    );
  }
  return {
    ...base,
    family: "inet",
    hostname: host,
    port: port(spec, value.slice(colon + 1)),
  };
}

function port(spec: string, text: string): number {
  if (!/^[0-9]+$/.test(text)) {
    throw specError(spec, `port "${text}" is not a decimal number`);
  }
  const value = Number(text);
  if (value > 65535) {
    throw specError(spec, `port ${text} is out of range (0 to 65535)`);
  }
  return value;
}

/**
 * How a bound socket is shown: a URL for `http`/`https`, otherwise the type
 * and the address.
 *
 * @param spec The spec the socket was bound from.
 * @param address The bound address (`hostname`/`port` or `path`).
 * @returns For example `http://127.0.0.1:3000/` or `udp [::1]:5353`.
 */
export function describeSocket(
  spec: SocketSpec,
  address: { hostname?: string; port?: number; path?: string },
): string {
  if (spec.transport === "unix") return `unix ${address.path ?? spec.path}`;
  const host = address.hostname ?? spec.hostname;
  const hostPort = `${host.includes(":") ? `[${host}]` : host}:${
    address.port ?? spec.port
  }`;
  if (spec.scheme === "http" || spec.scheme === "https") {
    return `${spec.scheme}://${hostPort}/`;
  }
  return `${spec.scheme} ${hostPort}`;
}

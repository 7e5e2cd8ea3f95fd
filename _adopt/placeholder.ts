/**
 * Placeholders: the sockets and files Deno creates itself so that an
 * activated fd can take their place (see `epoll.ts`), plus the checks every
 * hand-off runs first.
 *
 * Internal to the hand-off code in `adopt/`.
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import { inspectFd, socketAddress, statFd } from "../_fd_info.ts";
import type { FdInfo, SocketAddress } from "../_fd_info.ts";
import { findPlaceholder, takeOver } from "./epoll.ts";
import { readFdLink } from "./proc.ts";

/** The loopback address TCP and UDP placeholders bind to (port 0). */
export const PLACEHOLDER_HOSTNAME = "127.0.0.1";

/** What a Unix placeholder needs, for `PERMISSION_REQUIRED` messages. */
export const UNIX_PLACEHOLDER_PERMISSIONS =
  '--allow-read and --allow-write on the temporary directory and, from Deno 2.9, an unscoped --allow-net (or use via: "node")';

/** How a hand-off gets the fd into Deno's networking. */
export type HandOffVia = "auto" | "adopt" | "node";

/** Options shared by every socket hand-off. */
export interface HandOffOptions {
  /**
   * `"adopt"`: take the fd over inside Deno's own reactor (native speed);
   * `"node"`: use the portable `node:net`/`node:http` path (Deno 2.8.3 or
   * later, about 40% of native HTTP throughput); `"auto"`: adopt, and use the
   * `node:` path if the takeover cannot be verified.
   *
   * @default {"auto"}
   */
  via?: HandOffVia;
}

/**
 * Inspects an fd and checks it is what a hand-off needs.
 *
 * @param fd The fd.
 * @param action What is being done: `take fd 3 as a listener`.
 * @param accept Returns why the fd does not fit, or `undefined` when it does.
 * @returns What the fd is.
 * @throws {ListenFdsError} `WRONG_FD_TYPE` when `accept` objects.
 */
export function requireFd(
  fd: number,
  action: string,
  accept: (info: FdInfo) => string | undefined,
): FdInfo {
  const info = inspectFd(fd);
  const reason = accept(info);
  if (reason !== undefined) {
    throw new ListenFdsError(`Cannot ${action}: ${reason}`, {
      code: "WRONG_FD_TYPE",
      fd,
    });
  }
  return info;
}

/**
 * Describes what an fd is, for `WRONG_FD_TYPE` messages.
 *
 * @param info The inspected fd.
 * @returns A phrase such as `socket type is "dgram"` or `it is a "fifo"`.
 */
export function describeMismatch(info: FdInfo): string {
  if (!info.socket) return `it is a "${info.kind}", not a socket`;
  const { family, type, listening } = info.socket;
  return `socket family is "${family}", type is "${type}"${
    listening ? ", listening" : ", not listening"
  }`;
}

/**
 * Runs a Deno call that needs a permission and turns `NotCapable` into a
 * `PERMISSION_REQUIRED` error that says what to grant.
 *
 * @param action What is being done.
 * @param hint The flag to name, e.g. `--allow-net=127.0.0.1`.
 * @param fn The call.
 * @returns What `fn` returns.
 */
export function withPermission<T>(
  action: string,
  hint: string,
  fn: () => T,
): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ListenFdsError(
        `Cannot ${action}: the placeholder needs ${hint} (${error.message})`,
        { code: "PERMISSION_REQUIRED", cause: error },
      );
    }
    throw error;
  }
}

/** A private directory (mode 0700) for a Unix placeholder socket. */
export interface PrivateSocketPath {
  /** The socket path inside the directory. */
  path: string;
  /** Removes the socket file and the directory; safe to call twice. */
  remove(): void;
}

/**
 * Creates a private directory for a Unix placeholder socket.
 *
 * @param action What is being done.
 * @returns The path to bind and its cleanup.
 */
export function privateSocketPath(action: string): PrivateSocketPath {
  const dir = withPermission(
    action,
    "--allow-read and --allow-write on the temporary directory",
    () => Deno.makeTempDirSync({ prefix: "listen-fds-" }),
  );
  const path = `${dir}/placeholder.sock`;
  let removed = false;
  return {
    path,
    remove(): void {
      if (removed) return;
      removed = true;
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch {
        // Nothing more can be done: the directory is private and empty of
        // anything but a dead socket file.
      }
    },
  };
}

/**
 * Builds a predicate that recognises the placeholder among all fds: a socket
 * whose local (and, for a connection, peer) address equals the placeholder's.
 *
 * @param local The placeholder's local address, as Deno reports it.
 * @param peer The placeholder's peer address, for connections.
 * @returns The predicate for {@linkcode findPlaceholder}.
 */
export function placeholderMatcher(
  local: Deno.Addr,
  peer?: Deno.Addr,
): (fd: number) => boolean {
  const transport = local.transport as "tcp" | "udp" | "unix" | "unixpacket";
  return (fd) => {
    if (!readFdLink(fd)?.startsWith("socket:[")) return false;
    if (!sameAddress(socketAddress(fd, "getsockname", transport), local)) {
      return false;
    }
    return peer === undefined ||
      sameAddress(socketAddress(fd, "getpeername", transport), peer);
  };
}

function sameAddress(
  actual: SocketAddress | undefined,
  expected: Deno.Addr,
): boolean {
  if (actual === undefined) return false;
  if ("path" in expected) {
    return "path" in actual && actual.path === expected.path;
  }
  return "hostname" in actual && "hostname" in expected &&
    actual.hostname === expected.hostname && actual.port === expected.port;
}

/**
 * Whether this Deno's `node:net`/`node:http` can listen on an inherited fd
 * (TCP from 2.8.0, Unix from 2.8.3).
 *
 * @param version The Deno version, `Deno.version.deno` by default.
 * @returns `true` from Deno 2.8.3.
 */
export function nodeFdSupported(version: string = Deno.version.deno): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  return major > 2 ||
    (major === 2 && (minor > 8 || (minor === 8 && patch >= 3)));
}

/**
 * Overrides an address property that Deno computed from the placeholder.
 *
 * @param object The listener, server, connection or datagram socket.
 * @param property The property (`addr`, `localAddr`, `remoteAddr`).
 * @param value The real address.
 */
export function setAddress(
  object: object,
  property: string,
  value: unknown,
): void {
  Object.defineProperty(object, property, {
    value,
    enumerable: true,
    configurable: true,
    writable: false,
  });
}

/**
 * Swaps an activated socket into the placeholder listening at `address`
 * (found by {@linkcode placeholderMatcher}), inside Deno's reactor. On
 * failure the placeholder is released and the error rethrown; the activated
 * fd is then still open.
 *
 * @param fd The activated fd (validated by the caller).
 * @param address The placeholder's local address.
 * @param action What is being done, for error messages.
 * @param release Closes the placeholder resource.
 * @returns The fd slot the activated socket now occupies, and its inode.
 */
export function adoptIntoPlaceholder(
  fd: number,
  address: Deno.Addr,
  action: string,
  release: () => void,
): { fd: number; inode: bigint } {
  try {
    const placeholder = findPlaceholder(
      placeholderMatcher(address),
      fd,
      action,
    );
    const { inode } = statFd(fd);
    takeOver(fd, placeholder, { registered: true, nonBlocking: true, action });
    return { fd: placeholder.fd, inode };
  } catch (error) {
    release();
    throw error;
  }
}

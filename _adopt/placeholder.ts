/**
 * Placeholders: the sockets and files Deno creates itself so that an
 * activated fd can take their place (see `epoll.ts`), plus the checks every
 * hand-off runs first. Every socket hand-off creates its placeholder with
 * {@linkcode withPlaceholder} and swaps the activated socket in with
 * {@linkcode adoptIntoPlaceholder}.
 *
 * Internal to the hand-off code in `adopt/`.
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import { libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { inspectFd, socketAddress, statFd } from "../_fd_info.ts";
import type { FdInfo, SocketAddress, SocketInfo } from "../_fd_info.ts";
import { findPlaceholder, takeOver } from "./epoll.ts";

/** The loopback address TCP and UDP placeholders bind to (port 0). */
const PLACEHOLDER_HOSTNAME = "127.0.0.1";

/** What a Unix placeholder needs, for `PERMISSION_REQUIRED` messages. */
const UNIX_PLACEHOLDER_PERMISSIONS =
  '--allow-read and --allow-write on the temporary directory and, from Deno 2.9, an unscoped --allow-net (or use via: "node")';

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

/** A socket fd that passed {@linkcode requireSocket}. */
export interface CheckedSocket {
  /** What the socket is. */
  socket: SocketInfo;
  /** Its local address, as Deno reports addresses. */
  address: Deno.NetAddr | Deno.UnixAddr;
}

/**
 * Checks that an fd is an IPv4, IPv6 or Unix socket of the type a hand-off
 * needs, listening or connected as asked.
 *
 * @param fd The fd.
 * @param action What is being done, for the error message.
 * @param type The socket type.
 * @param listening `true`: a listening socket; `false`: a connected one;
 * `undefined`: either (datagram sockets).
 * @returns What the socket is.
 * @throws {ListenFdsError} `WRONG_FD_TYPE` otherwise.
 */
export function requireSocket(
  fd: number,
  action: string,
  type: "stream" | "dgram",
  listening?: boolean,
): CheckedSocket {
  const info = requireFd(fd, action, (info) => {
    const socket = info.socket;
    if (!socket) return describeMismatch(info);
    if (socket.type !== type) return `socket type is "${socket.type}"`;
    if (!["inet", "inet6", "unix"].includes(socket.family)) {
      return `socket family is "${socket.family}"`;
    }
    if (listening === true && !socket.listening) {
      return "the socket is not listening";
    }
    if (listening === false && socket.listening) {
      return "the socket is listening, not connected";
    }
    return undefined;
  });
  const socket = info.socket!;
  return {
    socket,
    address: socket.address as Deno.NetAddr | Deno.UnixAddr,
  };
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
interface PrivateSocketPath {
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
function privateSocketPath(action: string): PrivateSocketPath {
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
 * Where a placeholder binds: a path in a private directory for a Unix
 * socket, loopback port 0 otherwise.
 */
export type PlaceholderPlace =
  | { path: string }
  | { hostname: string; port: 0 };

/** The activated socket a placeholder is made for. */
export interface PlaceholderFor {
  /** The activated fd (validated by the caller). */
  fd: number;
  /** Whether it is a Unix socket. */
  unix: boolean;
  /** What is being done, for error messages. */
  action: string;
}

/**
 * The fd number the next fd this process opens will get: the lowest free
 * one, which Linux gives every new fd. Found by duplicating `fd` there and
 * closing the copy.
 *
 * @param fd Any open fd.
 * @returns The number, or `undefined` when the duplication fails.
 */
function lowestFreeFd(fd: number): number | undefined {
  const c = libc();
  const copy = c.fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 0);
  if (copy === -1) return undefined;
  c.close(copy);
  return copy;
}

/**
 * Creates the placeholder for an activated socket, where
 * {@linkcode PlaceholderPlace} says, and runs `use` with it. A permission
 * Deno refuses becomes `PERMISSION_REQUIRED` naming what to grant. A Unix
 * placeholder's private directory is removed once `use` returns (or its
 * promise settles): the placeholder is found by its address, not its path.
 *
 * @param socket The activated socket.
 * @param bind Creates the placeholder at the place given.
 * @param use Adopts the activated socket into the placeholder; `slot` is
 * the fd number the placeholder's socket most likely got (the lowest free
 * one just before `bind`), where {@linkcode findPlaceholder} looks first.
 * @returns What `use` returns.
 */
export function withPlaceholder<T, R>(
  socket: PlaceholderFor,
  bind: (place: PlaceholderPlace) => T,
  use: (placeholder: T, place: PlaceholderPlace, slot?: number) => R,
): R {
  const { fd, unix, action } = socket;
  // Making the private directory opens no fd that stays open.
  const slot = lowestFreeFd(fd);
  if (!unix) {
    const place = { hostname: PLACEHOLDER_HOSTNAME, port: 0 } as const;
    const hint = `--allow-net=${PLACEHOLDER_HOSTNAME}`;
    return use(withPermission(action, hint, () => bind(place)), place, slot);
  }
  const socketPath = privateSocketPath(action);
  const place = { path: socketPath.path };
  let result: R;
  try {
    const hint = UNIX_PLACEHOLDER_PERMISSIONS;
    result = use(withPermission(action, hint, () => bind(place)), place, slot);
  } catch (error) {
    socketPath.remove();
    throw error;
  }
  if (!(result instanceof Promise)) {
    socketPath.remove();
    return result;
  }
  return result.finally(() => socketPath.remove()) as R;
}

/**
 * A placeholder listener at a {@linkcode PlaceholderPlace}.
 *
 * @param place Where to listen.
 * @returns The listener.
 */
export function listenAt(place: PlaceholderPlace): Deno.Listener {
  return "path" in place
    ? Deno.listen({ transport: "unix", path: place.path })
    : Deno.listen(place);
}

/**
 * Builds a predicate that recognises the placeholder among all fds: a socket
 * whose local (and, for a connection, peer) address equals the placeholder's.
 * `getsockname` fails with `ENOTSOCK` on any other kind of fd, so the address
 * comparison is also the socket check.
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

/** What {@linkcode adoptIntoPlaceholder} adopts, and how. */
export interface Adoption {
  /** The activated fd (validated by the caller). */
  fd: number;
  /** The activated socket's address. */
  address: Deno.Addr;
  /** What is being done, for error messages. */
  action: string;
  /** Closes the placeholder resource. */
  release: () => void;
  /** Where the placeholder most likely is (from {@linkcode withPlaceholder}). */
  slot?: number | undefined;
}

/**
 * Swaps an activated socket into the placeholder listening at
 * `placeholder.addr` (found by {@linkcode placeholderMatcher}), inside Deno's
 * reactor, then makes `placeholder.addr` the activated address. On failure
 * the placeholder is released and the error rethrown; the activated fd is
 * then still open.
 *
 * @param placeholder The listener, server or datagram socket.
 * @param adoption The activated fd, its address, and the placeholder's
 * release.
 * @returns The fd slot the activated socket now occupies, and its inode.
 */
export function adoptIntoPlaceholder(
  placeholder: { readonly addr: Deno.Addr },
  adoption: Adoption,
): { fd: number; inode: bigint } {
  const { fd, address, action, release } = adoption;
  let slot: { fd: number; inode: bigint };
  try {
    const found = findPlaceholder(
      placeholderMatcher(placeholder.addr),
      fd,
      action,
      adoption.slot,
    );
    const { inode } = statFd(fd);
    takeOver(fd, found, { registered: true, nonBlocking: true, action });
    slot = { fd: found.fd, inode };
  } catch (error) {
    release();
    throw error;
  }
  setAddress(placeholder, "addr", address);
  return slot;
}

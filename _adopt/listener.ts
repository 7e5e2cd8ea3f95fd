/**
 * Hands an activated listening stream socket (TCP or Unix) to Deno as a
 * genuine {@linkcode Deno.Listener}: a placeholder `Deno.listen()` on loopback
 * port 0 (or a Unix path in a private directory) is created and the activated
 * socket takes its place in Deno's reactor (see `epoll.ts`).
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import type { FdInfo } from "../_fd_info.ts";
import { nodeListener } from "./node.ts";
import {
  adoptIntoPlaceholder,
  describeMismatch,
  type HandOffOptions,
  nodeFdSupported,
  PLACEHOLDER_HOSTNAME,
  privateSocketPath,
  requireFd,
  setAddress,
  UNIX_PLACEHOLDER_PERMISSIONS,
  withPermission,
} from "./placeholder.ts";

/**
 * Checks that an fd is a listening stream socket of a family Deno can serve.
 *
 * @param fd The fd.
 * @param action What is being done, for the error message.
 * @returns What the fd is.
 * @throws {ListenFdsError} `WRONG_FD_TYPE` otherwise.
 */
export function requireListeningStream(fd: number, action: string): FdInfo {
  return requireFd(fd, action, (info) => {
    const socket = info.socket;
    if (!socket) return describeMismatch(info);
    if (socket.type !== "stream") return `socket type is "${socket.type}"`;
    if (!["inet", "inet6", "unix"].includes(socket.family)) {
      return `socket family is "${socket.family}"`;
    }
    if (!socket.listening) return "the socket is not listening";
    return undefined;
  });
}

/**
 * Runs an adoption according to `via`: adopt, use the `node:` path, or adopt
 * and fall back to the `node:` path when the takeover cannot be verified.
 *
 * @param fd The activated fd.
 * @param action What is being done.
 * @param options The `via` choice.
 * @param adopt The native takeover.
 * @param node The `node:` path.
 * @returns Whatever the chosen path returns.
 */
export function chooseVia<T>(
  fd: number,
  action: string,
  options: HandOffOptions,
  adopt: () => T,
  node: () => T,
): T {
  const via = options.via ?? "auto";
  if (via === "node") {
    if (!nodeFdSupported()) {
      throw new ListenFdsError(
        `Cannot ${action} through node: node:net cannot listen on an fd before Deno 2.8.3, this is ${Deno.version.deno}`,
        { code: "UNSUPPORTED_PLATFORM", fd },
      );
    }
    return node();
  }
  try {
    return adopt();
  } catch (error) {
    if (
      via === "adopt" || !(error instanceof ListenFdsError) ||
      error.code !== "ADOPTION_FAILED"
    ) throw error;
    if (!nodeFdSupported()) {
      throw new ListenFdsError(
        `${error.message}; the node:net fallback needs Deno 2.8.3 or later, this is ${Deno.version.deno}`,
        { code: "ADOPTION_FAILED", fd, cause: error },
      );
    }
    return node();
  }
}

/**
 * Hands a listening TCP or Unix stream socket to Deno's networking.
 *
 * @param fd A listening stream socket (checked first; untouched when the
 * type is wrong).
 * @param options How to hand it over.
 * @returns A listener whose `addr` is the activated socket's address.
 * @throws {ListenFdsError} `WRONG_FD_TYPE`, `ADOPTION_FAILED`,
 * `PERMISSION_REQUIRED`.
 */
export function adoptListener(
  fd: number,
  options: HandOffOptions = {},
): Deno.Listener {
  const action = `take fd ${fd} as a listener`;
  const info = requireListeningStream(fd, action);
  const address = info.socket!.address as Deno.NetAddr | Deno.UnixAddr;
  return chooseVia(
    fd,
    action,
    options,
    () => adoptNatively(fd, address, action),
    () => nodeListener(fd, address),
  );
}

function adoptNatively(
  fd: number,
  address: Deno.NetAddr | Deno.UnixAddr,
  action: string,
): Deno.Listener {
  if ("path" in address) {
    const socketPath = privateSocketPath(action);
    try {
      const listener = withPermission(
        action,
        UNIX_PLACEHOLDER_PERMISSIONS,
        () => Deno.listen({ transport: "unix", path: socketPath.path }),
      );
      return finish(fd, listener, address, action);
    } finally {
      socketPath.remove();
    }
  }
  const listener = withPermission(
    action,
    `--allow-net=${PLACEHOLDER_HOSTNAME}`,
    () => Deno.listen({ hostname: PLACEHOLDER_HOSTNAME, port: 0 }),
  );
  return finish(fd, listener, address, action);
}

function finish(
  fd: number,
  listener: Deno.Listener,
  address: Deno.Addr,
  action: string,
): Deno.Listener {
  adoptIntoPlaceholder(fd, listener.addr, action, () => listener.close());
  setAddress(listener, "addr", address);
  return listener;
}

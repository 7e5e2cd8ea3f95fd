/**
 * The takeover at the heart of every hand-off: an activated fd replaces the
 * fd of a placeholder that Deno created itself (a listener, datagram socket,
 * connection or file), inside Deno's own reactor.
 *
 * Steps, all synchronous libc calls:
 * 1. find the placeholder's fd (the caller matches it by address) and its
 *    inode, and the line `tfd: <fd> ... ino: <inode>` of its registration in the
 *    runtime's epoll instance, read from `/proc/self/fdinfo/<epfd>` (the
 *    first epoll instance holding it: see `registrationsOf`);
 * 2. make the activated fd non-blocking (Deno's reactor expects it; a blocking
 *    listener hangs the runtime in `accept4`);
 * 3. `dup3(activated, placeholder, O_CLOEXEC)`: the placeholder's file is
 *    closed, which removes its registration;
 * 4. `epoll_ctl(EPOLL_CTL_ADD)` with the same events and data;
 * 5. verify that each registration now names the activated socket's inode,
 *    then close the activated fd's original number.
 *
 * Any mismatch before step 3 leaves everything untouched; after step 3 the
 * registrations added are removed again and the activated fd stays open, so
 * the caller can close the placeholder resource and fall back.
 *
 * Internal to the hand-off code in `adopt/`.
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import { cString, libc, syscallError } from "../_ffi.ts";
import { epollEvent, LINUX, SOCKADDR_UN } from "../_linux.ts";
import { statFd } from "../_fd_info.ts";
import { fdLinkIs, listOpenFds, readEpollTargets } from "./proc.ts";
import type { EpollTarget } from "./proc.ts";

/** A registration of the placeholder in one epoll fd. */
interface Registration extends EpollTarget {
  /** The epoll fd whose fdinfo showed it. */
  epfd: number;
}

/** What {@linkcode takeOver} should do. */
export interface TakeOverOptions {
  /**
   * Whether the placeholder is registered in Deno's reactor (sockets are;
   * files are not).
   */
  registered: boolean;
  /** Set `O_NONBLOCK` on the activated fd (sockets), or clear it (files). */
  nonBlocking: boolean;
  /** What is being done, for error messages: `take fd 3 as a listener`. */
  action: string;
  /**
   * Close the activated fd's original number afterwards.
   *
   * @default {true}
   */
  closeSource?: boolean;
}

/**
 * Finds the open fd, other than `exclude`, that satisfies `predicate`: the
 * fd `slot` when it does, else the one fd among all open fds that does.
 *
 * @param predicate Decides whether an fd is the placeholder.
 * @param exclude The activated fd, never a candidate.
 * @param action What is being done, for error messages.
 * @param slot Where the placeholder most likely is: the lowest free fd
 * number just before it was created.
 * @returns The placeholder's fd and inode.
 * @throws {ListenFdsError} `ADOPTION_FAILED` when `slot` does not match and
 * not exactly one fd does.
 */
export function findPlaceholder(
  predicate: (fd: number) => boolean,
  exclude: number,
  action: string,
  slot?: number,
): { fd: number; inode: bigint } {
  if (slot !== undefined && slot > 2 && slot !== exclude && predicate(slot)) {
    return { fd: slot, inode: statFd(slot).inode };
  }
  const found = listOpenFds().filter((fd) =>
    fd > 2 && fd !== exclude && predicate(fd)
  );
  if (found.length !== 1) {
    throw new ListenFdsError(
      `Cannot ${action}: found ${found.length} fds matching the placeholder, expected 1`,
      { code: "ADOPTION_FAILED", fd: exclude },
    );
  }
  const fd = found[0]!;
  return { fd, inode: statFd(fd).inode };
}

/** The link target of an epoll fd, `anon_inode:[eventpoll]`, in ASCII. */
let eventpollLink: Uint8Array | undefined;

/**
 * The epoll fd in which the last placeholder was found, looked at first: a
 * runtime registers a socket in the epoll instance of its own reactor, which
 * exists before the isolate runs any code and keeps its number, so every
 * hand-off of an isolate finds it there, at the same cost with 1 or 200 fds
 * open. Module state is per isolate, as the reactor is.
 */
let lastEpoll: number | undefined;

/**
 * The registrations of the placeholder `fd` (with its `inode`) in the first
 * epoll instance that holds any: the one of the last hand-off, else the
 * epoll fds below `fd` (and below 64) in ascending order (the reactor's
 * instance was made before the placeholder, which took the lowest free fd
 * number), else any other open epoll fd. A socket is registered in one reactor; two fds of one
 * epoll instance show the same entries, so the first holding it is the one.
 *
 * @returns Its registrations there; empty when no epoll instance holds it.
 */
function registrationsOf(fd: number, inode: bigint): Registration[] {
  const link = eventpollLink ??= cString("anon_inode:[eventpoll]")
    .subarray(0, -1);
  const held = (epfd: number): Registration[] => {
    const found: Registration[] = [];
    if (!fdLinkIs(epfd, link)) return found;
    for (const target of readEpollTargets(epfd)) {
      if (target.fd === fd && target.inode === inode) {
        found.push({ ...target, epfd });
      }
    }
    if (found.length > 0) lastEpoll = epfd;
    return found;
  };
  const last = lastEpoll;
  let found = last === undefined ? [] : held(last);
  // Probed by number up to a bound, so that a high placeholder fd costs no
  // more than a listing of the open fds.
  const probed = Math.min(fd, PROBED_FDS);
  for (let n = 0; n < probed && found.length === 0; n++) {
    if (n !== last) found = held(n);
  }
  if (found.length > 0) return found;
  for (const n of listOpenFds()) {
    if (n >= probed && n !== fd && n !== last && (found = held(n)).length > 0) {
      break;
    }
  }
  return found;
}

/** How many fd numbers {@linkcode registrationsOf} probes before listing. */
const PROBED_FDS = 64;

function setNonBlocking(fd: number, on: boolean, action: string): void {
  const c = libc();
  const flags = c.fcntl(fd, LINUX.F_GETFL, 0);
  if (flags === -1) throw adoptionError(action, "fcntl", fd);
  const wanted = on ? flags | LINUX.O_NONBLOCK : flags & ~LINUX.O_NONBLOCK;
  if (wanted !== flags && c.fcntl(fd, LINUX.F_SETFL, wanted) === -1) {
    throw adoptionError(action, "fcntl", fd);
  }
}

function adoptionError(
  action: string,
  syscall: string,
  fd: number,
): ListenFdsError {
  return syscallError(`Cannot ${action}`, syscall, fd, "ADOPTION_FAILED");
}

/**
 * Moves `source` into the fd slot of the placeholder `target`, inside Deno's
 * reactor, and closes `source`'s original number.
 *
 * @param source The activated fd (validated by the caller).
 * @param target The placeholder, from {@linkcode findPlaceholder}.
 * @param options Registration and blocking mode.
 * @throws {ListenFdsError} `ADOPTION_FAILED` when the placeholder's
 * registration cannot be found or the result cannot be verified; `source` is
 * then still open and unchanged, apart from its `O_NONBLOCK` flag.
 */
export function takeOver(
  source: number,
  target: { fd: number; inode: bigint },
  options: TakeOverOptions,
): void {
  const c = libc();
  const { action } = options;
  const before = options.registered
    ? registrationsOf(target.fd, target.inode)
    : [];
  if (options.registered && before.length === 0) {
    throw new ListenFdsError(
      `Cannot ${action}: the placeholder fd ${target.fd} is not registered in any epoll instance`,
      { code: "ADOPTION_FAILED", fd: source },
    );
  }
  const sourceInode = statFd(source).inode;
  setNonBlocking(source, options.nonBlocking, action);
  duplicateInto(source, target.fd, action);
  const undo = register(before, target.fd, sourceInode, source, action);
  const verified = statFd(target.fd).inode === sourceInode &&
    before.every((registration) =>
      readEpollTargets(registration.epfd).some((t) =>
        t.fd === target.fd && t.inode === sourceInode &&
        t.events === registration.events && t.data === registration.data
      )
    );
  if (!verified) {
    undo();
    throw new ListenFdsError(
      `Cannot ${action}: the runtime's registration of fd ${target.fd} does not show inode ${sourceInode} after the takeover`,
      { code: "ADOPTION_FAILED", fd: source },
    );
  }
  if (options.closeSource ?? true) c.close(source);
}

/** Puts `source` in the fd slot `target`, close-on-exec. */
function duplicateInto(source: number, target: number, action: string): void {
  const c = libc();
  const dup3 = c.dup3;
  const duplicated = dup3
    ? dup3(source, target, LINUX.O_CLOEXEC)
    : c.dup2(source, target);
  if (duplicated === -1) {
    throw adoptionError(action, dup3 ? "dup3" : "dup2", source);
  }
  if (!dup3) c.fcntl(target, LINUX.F_SETFD, LINUX.FD_CLOEXEC);
}

/**
 * Registers the new file in the slot `target` with every epoll instance the
 * placeholder was registered with, with the same events and data (once per
 * instance: two fds may refer to one).
 *
 * @returns What undoes the registrations.
 */
function register(
  before: readonly Registration[],
  target: number,
  sourceInode: bigint,
  source: number,
  action: string,
): () => void {
  const c = libc();
  const added: Registration[] = [];
  const undo = (): void => {
    for (const registration of added) {
      c.epoll_ctl(
        registration.epfd,
        LINUX.EPOLL_CTL_DEL,
        target,
        epollEvent(0, 0n),
      );
    }
  };
  for (const registration of before) {
    const present = readEpollTargets(registration.epfd).some((t) =>
      t.fd === target && t.inode === sourceInode
    );
    if (present) continue;
    const result = c.epoll_ctl(
      registration.epfd,
      LINUX.EPOLL_CTL_ADD,
      target,
      epollEvent(registration.events, registration.data),
    );
    if (result === -1) {
      const error = adoptionError(action, "epoll_ctl", source);
      undo();
      throw error;
    }
    added.push(registration);
  }
  return undo;
}

/**
 * Makes Deno's reactor stop accepting on an adopted listener without closing
 * or shutting down the socket, which other processes share (the service
 * manager, the next instance): connections keep queueing in its backlog.
 *
 * The listener's registrations are removed from every epoll instance
 * (`EPOLL_CTL_DEL`), then its fd slot gets a private listening Unix socket
 * (autobound abstract name, empty backlog) with `dup3`, so an accept the
 * runtime has under way gets `EAGAIN` and waits for an event that never
 * comes. The runtime closes the slot when the server or listener is closed.
 * The order matters: epoll registrations belong to the open file, so the
 * shared socket's entry must go while the fd still names it.
 *
 * @param fd The fd the adopted listener lives in (the placeholder's number).
 * @param inode The adopted socket's inode, to check the slot still holds it.
 * @returns Whether the listener was detached; `false` when the slot no longer
 * holds the socket or a syscall failed (the caller closes as usual then).
 */
export function detachListener(fd: number, inode: bigint): boolean {
  let current: bigint;
  try {
    current = statFd(fd).inode;
  } catch {
    return false;
  }
  if (current !== inode) return false;
  const c = libc();
  for (const registration of registrationsOf(fd, inode)) {
    // Two fds of one epoll instance show the same entry; the second DEL fails
    // with ENOENT.
    c.epoll_ctl(registration.epfd, LINUX.EPOLL_CTL_DEL, fd, epollEvent(0, 0n));
  }
  if (registrationsOf(fd, inode).length > 0) return false;
  const dummy = c.socket(
    LINUX.AF_UNIX,
    LINUX.SOCK_STREAM | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC,
    0,
  );
  if (dummy === -1) return false;
  try {
    // A sockaddr_un holding only the family: the kernel picks an abstract
    // name (autobind), so no file and no TCP port is created.
    const family = new Uint8Array(SOCKADDR_UN.sun_path);
    new DataView(family.buffer).setUint16(
      SOCKADDR_UN.sun_family,
      LINUX.AF_UNIX,
      true,
    );
    if (c.bind(dummy, family, family.length) === -1) return false;
    if (c.listen(dummy, 0) === -1) return false;
    const dup3 = c.dup3;
    const duplicated = dup3
      ? dup3(dummy, fd, LINUX.O_CLOEXEC)
      : c.dup2(dummy, fd);
    if (duplicated === -1) return false;
    if (!dup3) c.fcntl(fd, LINUX.F_SETFD, LINUX.FD_CLOEXEC);
    return true;
  } finally {
    c.close(dummy);
  }
}

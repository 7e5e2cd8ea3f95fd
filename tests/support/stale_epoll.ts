/**
 * A real way to make a hand-off's verification fail, for the tests of its
 * undo and fallback paths: a stale epoll registration.
 *
 * epoll keys a registration by open file and fd number, and keeps it until
 * the open file is released, not when the number is closed. So
 * {@linkcode leaveStaleRegistration} dups the activated socket to the lowest
 * free fd number, registers that number in every epoll instance of the
 * process (the runtime's reactor included) with data 0 and no events, and
 * closes the number again. The next fd the runtime opens, the hand-off's
 * placeholder, gets that number; after `dup3()` the runtime's registration of
 * the slot seems to exist already for the activated socket, so the takeover
 * adds none, and the verification finds the stale entry with the wrong data
 * and undoes everything (`ADOPTION_FAILED`). Closing the placeholder removes
 * the runtime's stale entry (`EPOLL_CTL_DEL` on the slot); data 0 is tokio's
 * wake-up token, harmless should an entry ever report an error.
 *
 * @module
 */

import { errno, errnoName, libc } from "../../_ffi.ts";
import { epollEvent, LINUX } from "../../_linux.ts";
import { listOpenFds, readFdLink } from "../../_adopt/proc.ts";

/**
 * Leaves a stale registration of `fd`'s open file under the lowest free fd
 * number, where the next placeholder will be created.
 *
 * @param fd The activated socket the next hand-off will take.
 * @returns The fd number the placeholder is expected at.
 */
export function leaveStaleRegistration(fd: number): number {
  const c = libc();
  const instances = listOpenFds().filter((n) =>
    readFdLink(n) === "anon_inode:[eventpoll]"
  );
  if (instances.length === 0) throw new Error("No epoll instance is open");
  const slot = c.fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 0);
  if (slot === -1) throw new Error(`fcntl(F_DUPFD_CLOEXEC) of fd ${fd} failed`);
  try {
    for (const epfd of instances) {
      const event = epollEvent(0, 0n);
      if (c.epoll_ctl(epfd, LINUX.EPOLL_CTL_ADD, slot, event) === -1) {
        // Two fds may refer to one epoll instance: the second add fails.
        const code = errno();
        if (code === LINUX.EEXIST) continue;
        throw new Error(
          `epoll_ctl(${epfd}, EPOLL_CTL_ADD, ${slot}) failed with ${
            errnoName(code)
          }`,
        );
      }
    }
  } finally {
    c.close(slot);
  }
  return slot;
}

/**
 * Hands an activated FIFO, regular file or character device to Deno as a
 * {@linkcode Deno.FsFile} (`ListenFIFO=`, `ListenSpecial=` in a socket unit):
 * a placeholder `Deno.openSync("/dev/null")` with the fd's access mode is
 * opened and the activated fd takes its place (files are not registered in
 * Deno's reactor; their reads and writes run on Deno's blocking threads).
 *
 * @module
 */

import { statFd } from "../_fd_info.ts";
import { takeOver } from "./epoll.ts";
import { listOpenFds, readFdLink } from "./proc.ts";
import { ListenFdsError } from "../_errors.ts";
import { describeMismatch, requireFd, withPermission } from "./placeholder.ts";

const FILE_KINDS = ["fifo", "file", "character-device"];

/**
 * Hands a FIFO, regular file or character device to Deno.
 *
 * @param fd The fd (checked first; untouched when the type is wrong).
 * @returns A file opened for what the fd allows (read, write or both).
 * @throws {ListenFdsError} `WRONG_FD_TYPE`, `ADOPTION_FAILED`,
 * `PERMISSION_REQUIRED` (the placeholder needs `--allow-read=/dev/null`
 * and/or `--allow-write=/dev/null`).
 */
export function adoptFile(fd: number): Deno.FsFile {
  const action = `take fd ${fd} as a file`;
  const info = requireFd(
    fd,
    action,
    (info) =>
      FILE_KINDS.includes(info.kind) ? undefined : describeMismatch(info),
  );
  const read = info.access !== "write";
  const write = info.access !== "read";
  const before = new Set(listOpenFds());
  const file = withPermission(
    action,
    [
      read ? "--allow-read=/dev/null" : "",
      write ? "--allow-write=/dev/null" : "",
    ]
      .filter(Boolean).join(" and "),
    () => Deno.openSync("/dev/null", { read, write }),
  );
  try {
    const fresh = listOpenFds().filter((n) =>
      !before.has(n) && readFdLink(n) === "/dev/null"
    );
    if (fresh.length !== 1) {
      throw new ListenFdsError(
        `Cannot ${action}: found ${fresh.length} new fds after opening the placeholder, expected 1`,
        { code: "ADOPTION_FAILED", fd },
      );
    }
    const target = fresh[0]!;
    takeOver(fd, { fd: target, inode: statFd(target).inode }, {
      registered: false,
      nonBlocking: false,
      action,
    });
  } catch (error) {
    file.close();
    throw error;
  }
  return file;
}

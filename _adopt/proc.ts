/**
 * Reads `/proc/self` through libc (`open`/`read`/`readlink`), so that no Deno
 * read permission is needed: Deno's own file APIs demand `--allow-all` for
 * `/proc/self/fdinfo` (every version) and `/proc/self/fd` (from 2.8.3).
 *
 * Internal to the hand-off code in `_adopt/`.
 *
 * @module
 */

import { cString, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { readToEnd } from "../_io.ts";

const decoder = new TextDecoder();

/**
 * Reads a whole file of `/proc` through libc.
 *
 * @param path The absolute path.
 * @returns The text, or `undefined` when the file cannot be opened or read.
 */
export function readProcFile(path: string): string | undefined {
  const c = libc();
  const fd = c.open(cString(path), LINUX.O_RDONLY | LINUX.O_CLOEXEC, 0);
  if (fd === -1) return undefined;
  try {
    return decoder.decode(readToEnd(fd));
  } catch {
    return undefined;
  } finally {
    c.close(fd);
  }
}

/**
 * The target of `/proc/self/fd/<fd>`, such as `socket:[1234]` or
 * `anon_inode:[eventpoll]`.
 *
 * @param fd The file descriptor.
 * @returns The link target, or `undefined` when the fd is not open.
 */
export function readFdLink(fd: number): string | undefined {
  const buffer = new Uint8Array(512);
  const n = Number(
    libc().readlink(
      cString(`/proc/self/fd/${fd}`),
      buffer,
      BigInt(buffer.length),
    ),
  );
  return n < 0 ? undefined : decoder.decode(buffer.subarray(0, n));
}

/**
 * The open fds of this process, in ascending order. The fd table's size comes
 * from `FDSize:` in `/proc/self/status`; every slot below it is probed with
 * `fcntl(F_GETFD)`.
 *
 * @returns The open fd numbers.
 */
export function listOpenFds(): number[] {
  const status = readProcFile("/proc/self/status") ?? "";
  const size = Number(/^FDSize:\s*(\d+)/m.exec(status)?.[1] ?? 1024);
  const c = libc();
  const fds: number[] = [];
  for (let fd = 0; fd < size; fd++) {
    if (c.fcntl(fd, LINUX.F_GETFD, 0) !== -1) fds.push(fd);
  }
  return fds;
}

/** One `tfd:` line of an epoll instance's `/proc/self/fdinfo/<epfd>`. */
export interface EpollTarget {
  /** The registered fd number. */
  fd: number;
  /** The registered event mask. */
  events: number;
  /** The registered user data (Deno's reactor stores a pointer there). */
  data: bigint;
  /** The inode of the file that was registered. */
  inode: bigint;
}

const TFD_LINE =
  /^tfd:\s*(\d+)\s+events:\s*([0-9a-f]+)\s+data:\s*([0-9a-f]+)\s+pos:\s*\d+\s+ino:\s*([0-9a-f]+)/gm;

/**
 * Parses the `tfd:` lines of an epoll fd's fdinfo, whose fields the kernel
 * prints as space-padded hexadecimal without `0x` (the fd and `pos` are
 * decimal).
 *
 * @param text The contents of `/proc/self/fdinfo/<epfd>`.
 * @returns One entry per registered fd.
 */
export function parseEpollTargets(text: string): EpollTarget[] {
  const targets: EpollTarget[] = [];
  for (const match of text.matchAll(TFD_LINE)) {
    targets.push({
      fd: Number(match[1]),
      events: parseInt(match[2]!, 16) >>> 0,
      data: BigInt(`0x${match[3]}`),
      inode: BigInt(`0x${match[4]}`),
    });
  }
  return targets;
}

/**
 * Reads the registrations of an epoll fd.
 *
 * @param epfd The epoll fd.
 * @returns Its registrations; empty when the fdinfo cannot be read.
 */
export function readEpollTargets(epfd: number): EpollTarget[] {
  return parseEpollTargets(readProcFile(`/proc/self/fdinfo/${epfd}`) ?? "");
}

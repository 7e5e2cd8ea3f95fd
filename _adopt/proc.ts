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

/** Made on first use: it costs a fresh process ~0.1 ms. */
let decoder: TextDecoder | undefined;

/**
 * Reads a whole file of `/proc` through libc.
 *
 * @param path The absolute path.
 * @returns The text, or `undefined` when the file cannot be opened or read.
 */
export function readProcFile(path: string): string | undefined {
  const bytes = readProcBytes(cString(path));
  return bytes && (decoder ??= new TextDecoder()).decode(bytes);
}

/**
 * Reads a whole file of `/proc` through libc.
 *
 * @param path The absolute path, as a C string.
 * @returns The bytes, or `undefined` when the file cannot be opened or read.
 */
function readProcBytes(path: Uint8Array): Uint8Array | undefined {
  const c = libc();
  const fd = c.open(path, LINUX.O_RDONLY | LINUX.O_CLOEXEC, 0);
  if (fd === -1) return undefined;
  try {
    return readToEnd(fd);
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
  const n = readLinkInto(fd);
  return n < 0
    ? undefined
    : (decoder ??= new TextDecoder()).decode(linkBuffer!.subarray(0, n));
}

/**
 * Whether `/proc/self/fd/<fd>` points to `target`, compared as bytes: the
 * hand-off asks this of every open fd, with no string made per fd.
 *
 * @param fd The file descriptor.
 * @param target The link target, as ASCII bytes.
 * @returns `true` when the link reads exactly `target`.
 */
export function fdLinkIs(fd: number, target: Uint8Array): boolean {
  const n = readLinkInto(fd);
  if (n !== target.length) return false;
  const link = linkBuffer!;
  for (let i = 0; i < n; i++) if (link[i] !== target[i]) return false;
  return true;
}

/** The buffer the link targets are read into, shared. */
let linkBuffer: Uint8Array | undefined;
/** `/proc/self/fd/` followed by room for the number and the NUL. */
let linkPath: Uint8Array | undefined;
const FD_DIR = "/proc/self/fd/";

/** Writes `value` (a non-negative integer) at `at` in ASCII, then a NUL. */
function writeDecimal(buffer: Uint8Array, at: number, value: number): void {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  buffer[at + digits] = 0;
  for (let i = digits - 1, rest = value; i >= 0; i--) {
    buffer[at + i] = 48 + rest % 10;
    rest = Math.floor(rest / 10);
  }
}

/** `/proc/self/fd/` in a buffer with room for a number and a NUL. */
function linkPathBuffer(): Uint8Array {
  const path = new Uint8Array(FD_DIR.length + 12);
  path.set(cString(FD_DIR).subarray(0, FD_DIR.length));
  return path;
}

/** Reads `/proc/self/fd/<fd>` into `linkBuffer`: the length, or -1. */
function readLinkInto(fd: number): number {
  const path = linkPath ??= linkPathBuffer();
  writeDecimal(path, FD_DIR.length, fd);
  const buffer = linkBuffer ??= new Uint8Array(512);
  return Number(libc().readlink(path, buffer, BigInt(buffer.length)));
}

/** `struct linux_dirent64`: where `d_reclen` and `d_name` are. */
const DIRENT64 = { d_reclen: 16, d_name: 19 } as const;

/** Room for about 1,000 entries of `/proc/self/fd` per `getdents64` call. */
let direntBuffer: Uint8Array | undefined;

/**
 * The open fds of this process, in ascending order: the names in
 * `/proc/self/fd`, read with `getdents64` (the directory's own fd left out),
 * so the cost follows the number of open fds, not the size of the fd table.
 * Where `/proc` cannot be read, every slot of the fd table is probed with
 * `fcntl(F_GETFD)` instead.
 *
 * @returns The open fd numbers.
 */
export function listOpenFds(): number[] {
  const c = libc();
  const getdents64 = c.getdents64!; // the raw system call: always there
  const dir = c.open(
    cString("/proc/self/fd"),
    LINUX.O_RDONLY | LINUX.O_CLOEXEC,
    0,
  );
  if (dir === -1) return scanFdTable();
  const fds: number[] = [];
  try {
    const buffer = direntBuffer ??= new Uint8Array(32768);
    const view = new DataView(buffer.buffer);
    while (true) {
      const n = Number(getdents64(dir, buffer, BigInt(buffer.length)));
      if (n === 0) break;
      if (n < 0) return scanFdTable();
      for (
        let at = 0;
        at < n;
        at += view.getUint16(at + DIRENT64.d_reclen, true)
      ) {
        const fd = parseFdName(buffer, at + DIRENT64.d_name);
        if (fd !== undefined && fd !== dir) fds.push(fd);
      }
    }
  } finally {
    c.close(dir);
  }
  return fds.sort((a, b) => a - b);
}

/**
 * Parses a NUL-terminated decimal fd name of `/proc/self/fd`.
 *
 * @returns The number, or `undefined` for `.` and `..`.
 */
function parseFdName(buffer: Uint8Array, start: number): number | undefined {
  let fd = 0;
  let at = start;
  for (; buffer[at] !== 0; at++) {
    const digit = buffer[at]! - 48;
    if (digit < 0 || digit > 9) return undefined;
    fd = fd * 10 + digit;
  }
  return at === start ? undefined : fd;
}

/**
 * The open fds found by probing every slot of the fd table (its size from
 * `FDSize:` in `/proc/self/status`) with `fcntl(F_GETFD)`: the fallback of
 * {@linkcode listOpenFds}, whose cost grows with the table.
 *
 * @returns The open fd numbers, in ascending order.
 */
export function scanFdTable(): number[] {
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

/**
 * Parses the `tfd:` lines of an epoll fd's fdinfo, such as
 * `tfd:       21 events: 8000201d data:     557dd19d6000  pos:0 ino:1128e sdev:9`:
 * the fd and `pos` are decimal, the other fields space-padded hexadecimal
 * without `0x`. A line that does not have this shape is skipped.
 *
 * @param text The contents of `/proc/self/fdinfo/<epfd>`.
 * @returns One entry per registered fd.
 */
export function parseEpollTargets(text: string): EpollTarget[] {
  // Scanned by hand: on a fresh start, the first regular expression match
  // costs ~0.8 ms and the first BigInt parsed from text ~0.4 ms, more than
  // the whole scan.
  const targets: EpollTarget[] = [];
  for (let start = 0; start < text.length;) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (text.startsWith("tfd:", start)) {
      const [fd, events, eventsValue, data, dataValue, pos, ino] = words(
        text,
        start + 4,
        end,
      );
      if (
        isDigits(fd, 0, DECIMAL) && events === "events:" &&
        isDigits(eventsValue, 0, HEX) && data === "data:" &&
        isDigits(dataValue, 0, HEX) && pos?.startsWith("pos:") &&
        isDigits(pos, 4, DECIMAL) && ino?.startsWith("ino:") &&
        isDigits(ino, 4, HEX)
      ) {
        targets.push({
          fd: Number(fd),
          events: parseInt(eventsValue!, 16) >>> 0,
          data: hexBigInt(dataValue!),
          inode: hexBigInt(ino!.slice(4)),
        });
      }
    }
    start = end + 1;
  }
  return targets;
}

/** The words of `text` between `start` and `end`, split at spaces and tabs. */
function words(text: string, start: number, end: number): string[] {
  const found: string[] = [];
  let from = -1;
  for (let at = start; at <= end; at++) {
    const code = at < end ? text.charCodeAt(at) : 32;
    const blank = code === 32 || code === 9;
    if (!blank && from === -1) from = at;
    if (blank && from !== -1) {
      found.push(text.slice(from, at));
      from = -1;
    }
  }
  return found;
}

const DECIMAL = 10;
const HEX = 16;

/** Whether `word` is one or more lowercase digits of `radix` from `start`. */
function isDigits(
  word: string | undefined,
  start: number,
  radix: number,
): boolean {
  if (word === undefined || word.length <= start) return false;
  for (let at = start; at < word.length; at++) {
    const code = word.charCodeAt(at);
    const digit = code >= 48 && code <= 57;
    const letter = radix === HEX && code >= 97 && code <= 102;
    if (!digit && !letter) return false;
  }
  return true;
}

/** A hexadecimal word as a bigint: through a number when that is exact. */
function hexBigInt(hex: string): bigint {
  return hex.length <= 13 ? BigInt(parseInt(hex, 16)) : BigInt(`0x${hex}`);
}

/**
 * Reads the registrations of an epoll fd.
 *
 * @param epfd The epoll fd.
 * @returns Its registrations; empty when the fdinfo cannot be read.
 */
export function readEpollTargets(epfd: number): EpollTarget[] {
  const bytes = readProcBytes(cString(`/proc/self/fdinfo/${epfd}`));
  if (bytes === undefined) return [];
  // fdinfo is ASCII: one character per byte, without a decoder.
  let text = "";
  for (let at = 0; at < bytes.length; at += 4096) {
    const chunk = bytes.subarray(at, at + 4096) as unknown as number[];
    text += String.fromCharCode.apply(null, chunk);
  }
  return parseEpollTargets(text);
}

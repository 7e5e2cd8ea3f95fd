/**
 * What an fd is, read through libc: the `sd_is_socket()` family of
 * libsystemd in one call ({@linkcode inspectFd}), plus the process's own
 * pidfd inode id for `LISTEN_PIDFDID`.
 *
 * @module
 */

import {
  cString,
  errno,
  errnoError,
  libc,
  syscallError,
  systemCall,
} from "./_ffi.ts";
import {
  fileHandle,
  LINUX,
  readPidfsHandle,
  readStat,
  readStatfsType,
  readStatx,
  SOCKADDR_STORAGE,
  STAT,
  STATFS,
  STATX,
} from "./_linux.ts";
import { decodeSockaddr } from "./_sockaddr.ts";
import type { SocketAddress } from "./_sockaddr.ts";
import { ListenFdsError } from "./_errors.ts";

export type { SocketAddress } from "./_sockaddr.ts";

/** What kind of file an fd refers to. */
export type FdKind =
  | "socket"
  | "fifo"
  | "file"
  | "directory"
  | "character-device"
  | "block-device"
  | "message-queue"
  | "other";

/** Address family of a socket. */
export type SocketFamily = "inet" | "inet6" | "unix" | "vsock" | "other";

/** Type of a socket. */
export type SocketType = "stream" | "dgram" | "seqpacket" | "raw" | "other";

/** What a socket fd is, as `sd_is_socket_inet()`/`sd_is_socket_unix()` see it. */
export interface SocketInfo {
  /** The address family (`SO_DOMAIN`). */
  family: SocketFamily;
  /** The socket type (`SO_TYPE`). */
  type: SocketType;
  /** Whether `listen()` was called on it (`SO_ACCEPTCONN`). */
  listening: boolean;
  /** The local address (`getsockname()`), if the family is known. */
  address: SocketAddress | undefined;
  /** The peer address of a connected socket (`getpeername()`). */
  peer: SocketAddress | undefined;
}

/** What an fd refers to and how it is open. */
export interface FdInfo {
  /** The fd number. */
  fd: number;
  /** The kind of file. */
  kind: FdKind;
  /** The inode number (`st_ino`). */
  inode: bigint;
  /** How the fd was opened (`O_ACCMODE`). */
  access: "read" | "write" | "read-write";
  /** Whether `O_NONBLOCK` is set. */
  nonBlocking: boolean;
  /** Whether `FD_CLOEXEC` is set. */
  closeOnExec: boolean;
  /** Socket details, present when `kind` is `"socket"`. */
  socket?: SocketInfo;
}

/**
 * Inspects an open fd: its kind (socket, FIFO, regular file, character
 * device, POSIX message queue, ...), its flags and, for sockets, family, type,
 * listening state and addresses. Nothing about the fd is changed.
 *
 * @param fd The file descriptor.
 * @returns What the fd is.
 * @throws {ListenFdsError} `FD_NOT_OPEN` when the fd is closed,
 * `PERMISSION_REQUIRED` without `--allow-ffi`.
 *
 * @example Usage
 * ```ts
 * import { inspectFd } from "./_fd_info.ts";
 *
 * const info = inspectFd(0);
 * if (info.socket?.listening) console.log("fd 0 listens on", info.socket.address);
 * else console.log(`fd 0 is a ${info.kind}`);
 * ```
 */
export function inspectFd(fd: number): FdInfo {
  const c = libc();
  const fdFlags = c.fcntl(fd, LINUX.F_GETFD, 0);
  if (fdFlags === -1) {
    throw syscallError(
      `Cannot inspect fd ${fd}`,
      "fcntl",
      fd,
      errno() === LINUX.EBADF ? "FD_NOT_OPEN" : "SYSCALL_FAILED",
    );
  }
  const statusFlags = c.fcntl(fd, LINUX.F_GETFL, 0);
  const { mode, inode } = statFd(fd);
  const kind = fileKind(fd, mode);
  const accessMode = statusFlags & LINUX.O_ACCMODE;
  const info: FdInfo = {
    fd,
    kind,
    inode,
    access: accessMode === LINUX.O_RDONLY
      ? "read"
      : accessMode === LINUX.O_WRONLY
      ? "write"
      : "read-write",
    nonBlocking: (statusFlags & LINUX.O_NONBLOCK) !== 0,
    closeOnExec: (fdFlags & LINUX.FD_CLOEXEC) !== 0,
  };
  if (kind === "socket") info.socket = socketInfo(fd);
  return info;
}

/**
 * Whether an fd is open, without changing it (`fcntl(F_GETFD)`).
 *
 * @param fd The file descriptor.
 * @returns `true` when the fd is open.
 */
export function isFdOpen(fd: number): boolean {
  return libc().fcntl(fd, LINUX.F_GETFD, 0) !== -1;
}

function fileKind(fd: number, mode: number): FdKind {
  switch (mode & LINUX.S_IFMT) {
    case LINUX.S_IFSOCK:
      return "socket";
    case LINUX.S_IFIFO:
      return "fifo";
    case LINUX.S_IFDIR:
      return "directory";
    case LINUX.S_IFCHR:
      return "character-device";
    case LINUX.S_IFBLK:
      return "block-device";
    case LINUX.S_IFREG:
      return fileSystemType(fd) === LINUX.MQUEUE_MAGIC
        ? "message-queue"
        : "file";
    default:
      return "other";
  }
}

/**
 * Reads an fd's mode and inode through `statx()`, or `fstat()` where a
 * seccomp filter refuses `statx()` with `EPERM` (Docker's default profile
 * before 18.04) or the kernel lacks it (`ENOSYS`, before 4.11: `statx` is
 * the raw system call here, which glibc would have emulated).
 *
 * @param fd The file descriptor.
 * @returns The `st_mode` and `st_ino` fields.
 */
export function statFd(fd: number): { mode: number; inode: bigint } {
  const c = libc();
  if (c.statx) {
    const buffer = statxBuffer ??= new Uint8Array(STATX.size);
    const result = c.statx(
      fd,
      EMPTY_PATH,
      LINUX.AT_EMPTY_PATH,
      LINUX.STATX_TYPE | LINUX.STATX_INO,
      buffer,
    );
    if (result === 0) return readStatx(buffer);
    const code = errno();
    if ((code !== LINUX.EPERM && code !== LINUX.ENOSYS) || !c.fstat) {
      throw errnoError(`Cannot stat fd ${fd}`, "statx", code, fd);
    }
  }
  if (c.fstat) {
    const buffer = new Uint8Array(STAT.size);
    if (c.fstat(fd, buffer) === -1) {
      throw syscallError(`Cannot stat fd ${fd}`, "fstat", fd);
    }
    return readStat(buffer);
  }
  throw new ListenFdsError(
    `Cannot stat fd ${fd}: the C library has neither statx nor fstat`,
    { code: "UNSUPPORTED_PLATFORM", fd },
  );
}

const EMPTY_PATH = cString("");

/** The buffer of {@linkcode statFd}, shared: it is read before returning. */
let statxBuffer: Uint8Array | undefined;

function fileSystemType(fd: number): number | undefined {
  const c = libc();
  if (!c.fstatfs) return undefined;
  const buffer = new Uint8Array(STATFS.size);
  if (c.fstatfs(fd, buffer) === -1) return undefined;
  return readStatfsType(buffer);
}

function socketOption(fd: number, option: number): number {
  const { bytes: value, lengthBytes, length } = optionBuffers ??=
    bufferWithLength(4);
  value.fill(0);
  length[0] = 4;
  const result = libc().getsockopt(
    fd,
    LINUX.SOL_SOCKET,
    option,
    value,
    lengthBytes,
  );
  if (result === -1) {
    throw syscallError(
      `Cannot read socket option of fd ${fd}`,
      "getsockopt",
      fd,
    );
  }
  return value[0]! | value[1]! << 8 | value[2]! << 16 | value[3]! << 24;
}

/** The buffers of {@linkcode socketOption}, shared: read before returning. */
let optionBuffers: BufferWithLength | undefined;

const FAMILIES: Record<number, SocketFamily> = {
  [LINUX.AF_INET]: "inet",
  [LINUX.AF_INET6]: "inet6",
  [LINUX.AF_UNIX]: "unix",
  [LINUX.AF_VSOCK]: "vsock",
};

const TYPES: Record<number, SocketType> = {
  [LINUX.SOCK_STREAM]: "stream",
  [LINUX.SOCK_DGRAM]: "dgram",
  [LINUX.SOCK_SEQPACKET]: "seqpacket",
  [LINUX.SOCK_RAW]: "raw",
};

function socketInfo(fd: number): SocketInfo {
  const family = FAMILIES[socketOption(fd, LINUX.SO_DOMAIN)] ?? "other";
  const type = TYPES[socketOption(fd, LINUX.SO_TYPE)] ?? "other";
  const listening = socketOption(fd, LINUX.SO_ACCEPTCONN) !== 0;
  const transport = type === "dgram"
    ? (family === "unix" ? "unixpacket" : "udp")
    : (family === "unix" ? "unix" : "tcp");
  return {
    family,
    type,
    listening,
    address: socketAddress(fd, "getsockname", transport),
    peer: listening ? undefined : socketAddress(fd, "getpeername", transport),
  };
}

/**
 * Reads the local or peer address of a socket.
 *
 * @param fd The socket.
 * @param which `getsockname` or `getpeername`.
 * @param transport The transport to report.
 * @returns The address, or `undefined` when there is none (e.g. not
 * connected) or its family is unknown.
 */
export function socketAddress(
  fd: number,
  which: "getsockname" | "getpeername",
  transport: "tcp" | "udp" | "unix" | "unixpacket",
): SocketAddress | undefined {
  const { bytes, lengthBytes, length } = sockaddrBuffers ??= bufferWithLength(
    SOCKADDR_STORAGE.size,
  );
  length[0] = SOCKADDR_STORAGE.size;
  const result = libc()[which](fd, bytes, lengthBytes);
  if (result === -1) return undefined;
  return decodeSockaddr(bytes, length[0]!, transport);
}

/**
 * The buffers of {@linkcode socketAddress}, shared: a hand-off asks every
 * open fd for its address, and the result is decoded before the next call.
 */
let sockaddrBuffers: BufferWithLength | undefined;

/** A buffer a call fills, and the `socklen_t` that gives and gets its length. */
interface BufferWithLength {
  bytes: Uint8Array;
  /** The length as the call takes it. */
  lengthBytes: Uint8Array;
  /** The same four bytes, to set and read. */
  length: Uint32Array;
}

function bufferWithLength(size: number): BufferWithLength {
  const lengthBytes = new Uint8Array(4);
  return {
    bytes: new Uint8Array(size),
    lengthBytes,
    length: new Uint32Array(lengthBytes.buffer),
  };
}

/** The result of {@linkcode ownPidfdId}. */
export type PidfdIdResult =
  | { id: bigint; reason?: undefined }
  | { id?: undefined; reason: string };

/**
 * The inode id of this process's pidfd, as systemd computes it for
 * `LISTEN_PIDFDID`: `pidfd_open(getpid())` on pidfs, then
 * `name_to_handle_at()`, or `st_ino` where file handles are not supported.
 *
 * @param pid This process's pid.
 * @returns The id, or the reason it cannot be had (no pidfs, old kernel).
 */
export function ownPidfdId(pid: number): PidfdIdResult {
  const c = libc();
  const pidfd = c.pidfd_open
    ? c.pidfd_open(pid, 0)
    : systemCall(LINUX.SYS_pidfd_open, pid);
  if (pidfd < 0) return { reason: "pidfd_open() is not available" };
  try {
    if (fileSystemType(pidfd) !== LINUX.PIDFS_MAGIC) {
      return { reason: "pidfds are not on pidfs (kernel older than 6.9)" };
    }
    if (c.name_to_handle_at) {
      const handle = fileHandle();
      const mountId = new Uint8Array(4);
      const result = c.name_to_handle_at(
        pidfd,
        EMPTY_PATH,
        handle,
        mountId,
        LINUX.AT_EMPTY_PATH,
      );
      if (result === 0) return { id: readPidfsHandle(handle) };
      const error = errno();
      if (error !== LINUX.EOPNOTSUPP && error !== LINUX.ENOSYS) {
        return { reason: `name_to_handle_at() failed with errno ${error}` };
      }
    }
    return { id: statFd(pidfd).inode };
  } finally {
    c.close(pidfd);
  }
}

/**
 * Linux constants and the byte layouts of the C structs this module passes
 * to libc, for the two architectures Deno ships for Linux: x86_64 and
 * aarch64, both little-endian with 64-bit pointers.
 *
 * The values come from the kernel's UAPI headers (`linux/stat.h`,
 * `linux/eventpoll.h`, `asm-generic/stat.h`, ...) and glibc's (`bits/*.h`).
 * Where the two architectures differ (`struct stat`, `struct epoll_event`)
 * both layouts are written down and the one for `Deno.build.arch` is picked
 * once, at import. `tools/check_linux_layouts.ts` compares every value with
 * what the C compiler says on the machine it runs on (x86_64 here), and
 * `tests/linux_test.ts` has the kernel fill or read each struct.
 *
 * Callers read and write fields by name through the small accessors here
 * ({@linkcode readStatx}, {@linkcode epollEvent}, {@linkcode buildMsghdr},
 * ...) or the named offsets (`SOCKADDR_IN6.sin6_addr`).
 *
 * Internal (`_` prefix): not one of the package's exports.
 *
 * @module
 */

/** Linux values of the C constants this module uses (the same on x86_64 and aarch64). */
export const LINUX = {
  // <fcntl.h>
  F_DUPFD_CLOEXEC: 1030,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  FD_CLOEXEC: 1,
  // <linux/close_range.h>
  CLOSE_RANGE_CLOEXEC: 4,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_ACCMODE: 3,
  O_NONBLOCK: 0o4000,
  O_CLOEXEC: 0o2000000,
  AT_EMPTY_PATH: 0x1000,
  SEEK_SET: 0,
  // <linux/stat.h>
  STATX_TYPE: 0x1,
  STATX_INO: 0x100,
  S_IFMT: 0o170000,
  S_IFSOCK: 0o140000,
  S_IFLNK: 0o120000,
  S_IFREG: 0o100000,
  S_IFBLK: 0o060000,
  S_IFDIR: 0o040000,
  S_IFCHR: 0o020000,
  S_IFIFO: 0o010000,
  // <linux/magic.h> (6.9), the kernel's ipc/mqueue.c
  PIDFS_MAGIC: 0x50494446,
  MQUEUE_MAGIC: 0x19800202,
  // <asm-generic/unistd.h>: numbered alike on every architecture since 5.1
  SYS_pidfd_open: 434,
  // <fcntl.h>: the *at() calls' "relative to the working directory"
  AT_FDCWD: -100,
  // <sys/socket.h>, <asm-generic/socket.h>, <netinet/in.h>
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: 10,
  AF_VSOCK: 40,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_SEQPACKET: 5,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1,
  SO_REUSEADDR: 2,
  SO_REUSEPORT: 15,
  SO_TYPE: 3,
  SO_SNDBUF: 7,
  SO_ACCEPTCONN: 30,
  SO_PROTOCOL: 38,
  SO_DOMAIN: 39,
  SCM_RIGHTS: 1,
  SCM_CREDENTIALS: 2,
  SO_PASSCRED: 16,
  IPPROTO_TCP: 6,
  TCP_INFO: 11,
  TCP_ESTABLISHED: 1,
  FIONREAD: 0x541b,
  IPPROTO_IPV6: 41,
  IPV6_V6ONLY: 26,
  MSG_NOSIGNAL: 0x4000,
  MSG_DONTWAIT: 0x40,
  MSG_CMSG_CLOEXEC: 0x40000000,
  MSG_CTRUNC: 0x8,
  SHUT_WR: 1,
  SHUT_RDWR: 2,
  // <sys/epoll.h>
  EPOLL_CTL_ADD: 1,
  EPOLL_CTL_DEL: 2,
  EPOLL_CTL_MOD: 3,
  // <asm-generic/errno-base.h>, <asm-generic/errno.h>
  EPERM: 1,
  EINTR: 4,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOENT: 2,
  EEXIST: 17,
  EINVAL: 22,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  EPROTO: 71,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  // <sys/wait.h>, <sys/mman.h>, <time.h>
  WNOHANG: 1,
  MFD_CLOEXEC: 1,
  CLOCK_MONOTONIC: 1,
  // <spawn.h>
  POSIX_SPAWN_SETPGROUP: 0x02,
  POSIX_SPAWN_SETSIGDEF: 0x04,
  POSIX_SPAWN_SETSIGMASK: 0x08,
} as const;

/** Names of the errno values (`<asm-generic/errno*.h>`) that errors show. */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  5: "EIO",
  7: "E2BIG",
  9: "EBADF",
  10: "ECHILD",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  17: "EEXIST",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  24: "EMFILE",
  28: "ENOSPC",
  32: "EPIPE",
  34: "ERANGE",
  36: "ENAMETOOLONG",
  38: "ENOSYS",
  71: "EPROTO",
  75: "EOVERFLOW",
  88: "ENOTSOCK",
  90: "EMSGSIZE",
  91: "EPROTOTYPE",
  92: "ENOPROTOOPT",
  93: "EPROTONOSUPPORT",
  95: "EOPNOTSUPP",
  97: "EAFNOSUPPORT",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
  105: "ENOBUFS",
  107: "ENOTCONN",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED",
};

/**
 * Linux signal numbers this module sends by number (`kill()`): the launcher,
 * the upgrades and the serve entry (`<signal.h>`, the same on x86_64 and
 * aarch64).
 */
export const SIGNALS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15,
} as const;

// ---- layouts that differ between the architectures

/** The struct layouts and syscall numbers that differ between x86_64 and aarch64. */
export const ARCH_LAYOUTS = {
  x86_64: {
    /** `struct stat`: x86_64's own layout (`st_nlink` is 8 bytes, before `st_mode`). */
    stat: { size: 144, st_ino: 8, st_mode: 24 },
    /** `struct epoll_event`: packed on x86_64 (`EPOLL_PACKED`). */
    epoll_event: { size: 12, events: 0, data: 4 },
    /** Syscall numbers (`asm/unistd_64.h`). */
    syscalls: {
      read: 0,
      close: 3,
      getsockname: 51,
      getpeername: 52,
      socket: 41,
      bind: 49,
      listen: 50,
      ioctl: 16,
      getsockopt: 55,
      fcntl: 72,
      getdents64: 217,
      epoll_ctl: 233,
      openat: 257,
      readlinkat: 267,
      dup3: 292,
      statx: 332,
    },
  },
  aarch64: {
    /** `struct stat`: the generic layout (`asm-generic/stat.h`). */
    stat: { size: 128, st_ino: 8, st_mode: 16 },
    /** `struct epoll_event`: naturally aligned, `data` at 8. */
    epoll_event: { size: 16, events: 0, data: 8 },
    /** Syscall numbers (`asm-generic/unistd.h`). */
    syscalls: {
      read: 63,
      close: 57,
      getsockname: 204,
      getpeername: 205,
      socket: 198,
      bind: 200,
      listen: 201,
      ioctl: 29,
      getsockopt: 209,
      fcntl: 25,
      getdents64: 61,
      epoll_ctl: 21,
      openat: 56,
      readlinkat: 78,
      dup3: 24,
      statx: 291,
    },
  },
} as const;

/** A Linux architecture whose layouts are known. */
export type LinuxArch = keyof typeof ARCH_LAYOUTS;

/**
 * Whether the layouts of an architecture are known.
 *
 * @param arch `Deno.build.arch`.
 * @returns `true` for x86_64 and aarch64.
 */
export function isLinuxArch(arch: string): arch is LinuxArch {
  return Object.hasOwn(ARCH_LAYOUTS, arch);
}

// The loader refuses other architectures before any struct is used.
const HERE =
  ARCH_LAYOUTS[isLinuxArch(Deno.build.arch) ? Deno.build.arch : "x86_64"];

/** `struct stat` of this architecture (the `fstat()` fallback). */
export const STAT = HERE.stat;

/** `struct epoll_event` of this architecture. */
export const EPOLL_EVENT = HERE.epoll_event;

/** The syscall numbers of this architecture that `_ffi.ts` calls directly. */
export const SYSCALLS = HERE.syscalls;

// ---- layouts shared by both architectures (LP64, little-endian)

/** `struct statx` (`linux/stat.h`). */
export const STATX = { size: 256, stx_mode: 28, stx_ino: 32 } as const;

/** `struct statfs` (`bits/statfs.h`): `f_type` is a `long`. */
export const STATFS = { size: 120, f_type: 0 } as const;

/**
 * `struct file_handle` (`fcntl.h`) with room for the 8 bytes of a pidfs
 * handle (the pidfd's 64-bit inode id).
 */
export const FILE_HANDLE = {
  size: 16,
  handle_bytes: 0,
  handle_type: 4,
  f_handle: 8,
  capacity: 8,
} as const;

/** `struct timespec`. */
export const TIMESPEC = { size: 16, tv_sec: 0, tv_nsec: 8 } as const;

/** `struct msghdr` (`bits/socket.h`). */
export const MSGHDR = {
  size: 56,
  msg_name: 0,
  msg_namelen: 8,
  msg_iov: 16,
  msg_iovlen: 24,
  msg_control: 32,
  msg_controllen: 40,
  msg_flags: 48,
} as const;

/** `struct iovec` (`bits/types/struct_iovec.h`). */
export const IOVEC = { size: 16, iov_base: 0, iov_len: 8 } as const;

/** `struct cmsghdr`; its data starts at `CMSG_LEN(0)`, entries align to 8. */
export const CMSGHDR = {
  size: 16,
  cmsg_len: 0,
  cmsg_level: 8,
  cmsg_type: 12,
  data: 16,
  align: 8,
} as const;

/**
 * The fields of `struct tcp_info` (`linux/tcp.h`) a drain reads: the state,
 * the milliseconds since data was last sent and received, and the segments
 * that carried data each way (Linux 4.6+).
 */
export const TCP_INFO = {
  size: 232,
  tcpi_state: 0,
  tcpi_last_data_sent: 44,
  tcpi_last_data_recv: 52,
  tcpi_data_segs_in: 152,
  tcpi_data_segs_out: 156,
} as const;

/** `struct ucred` (`SCM_CREDENTIALS`). */
export const UCRED = { size: 12, pid: 0, uid: 4, gid: 8 } as const;

/** `struct sockaddr_storage`: room for any socket address. */
export const SOCKADDR_STORAGE = { size: 128 } as const;

/** `struct sockaddr_in`; the port and address are in network byte order. */
export const SOCKADDR_IN = {
  size: 16,
  sin_family: 0,
  sin_port: 2,
  sin_addr: 4,
} as const;

/** `struct sockaddr_in6`; the port and address are in network byte order. */
export const SOCKADDR_IN6 = {
  size: 28,
  sin6_family: 0,
  sin6_port: 2,
  sin6_flowinfo: 4,
  sin6_addr: 8,
  sin6_scope_id: 24,
} as const;

/** `struct sockaddr_un`. */
export const SOCKADDR_UN = {
  size: 110,
  sun_family: 0,
  sun_path: 2,
  sun_path_size: 108,
} as const;

/** `struct sockaddr_vm` (`linux/vm_sockets.h`). */
export const SOCKADDR_VM = {
  size: 16,
  svm_family: 0,
  svm_port: 4,
  svm_cid: 8,
} as const;

/**
 * Sizes of glibc's opaque `<spawn.h>` and `<signal.h>` types (the same on
 * x86_64 and aarch64).
 */
export const SPAWN = {
  /** `sizeof(posix_spawn_file_actions_t)` */
  file_actions_size: 80,
  /** `sizeof(posix_spawnattr_t)` */
  attr_size: 336,
  /** `sizeof(sigset_t)`: 1024 bits, of which the kernel uses the first 64. */
  sigset_size: 128,
  /** The bytes of a `sigset_t` that hold Linux's 64 signals. */
  sigset_used: 8,
} as const;

// ---- accessors

/** Every libc call here is little-endian. */
const LE = true;

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The address of a buffer, for a pointer field inside a struct.
 *
 * @param buffer The buffer (keep it reachable while the struct is in use).
 * @returns The address as a 64-bit integer.
 */
export function addressOf(buffer: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}

/**
 * Reads `stx_mode` and `stx_ino` from a `struct statx`.
 *
 * @param bytes The struct, filled by `statx()`.
 * @returns The mode bits and the inode number.
 */
export function readStatx(bytes: Uint8Array): { mode: number; inode: bigint } {
  const view = viewOf(bytes);
  return {
    mode: view.getUint16(STATX.stx_mode, LE),
    inode: view.getBigUint64(STATX.stx_ino, LE),
  };
}

/**
 * Reads `st_mode` and `st_ino` from a `struct stat` of this architecture.
 *
 * @param bytes The struct, filled by `fstat()`.
 * @returns The mode bits and the inode number.
 */
export function readStat(bytes: Uint8Array): { mode: number; inode: bigint } {
  const view = viewOf(bytes);
  return {
    mode: view.getUint32(STAT.st_mode, LE),
    inode: view.getBigUint64(STAT.st_ino, LE),
  };
}

/**
 * Reads `f_type`, the file system's magic number, from a `struct statfs`.
 *
 * @param bytes The struct, filled by `fstatfs()`.
 * @returns The magic number.
 */
export function readStatfsType(bytes: Uint8Array): number {
  return Number(viewOf(bytes).getBigInt64(STATFS.f_type, LE));
}

/**
 * A `struct file_handle` ready for `name_to_handle_at()`, with room for a
 * pidfs handle.
 *
 * @returns The struct, `handle_bytes` set to its capacity.
 */
export function fileHandle(): Uint8Array {
  const bytes = new Uint8Array(FILE_HANDLE.size);
  viewOf(bytes).setUint32(
    FILE_HANDLE.handle_bytes,
    FILE_HANDLE.capacity,
    LE,
  );
  return bytes;
}

/**
 * Reads a pidfs handle: the pidfd's 64-bit inode id.
 *
 * @param bytes The struct, filled by `name_to_handle_at()`.
 * @returns The id.
 */
export function readPidfsHandle(bytes: Uint8Array): bigint {
  return viewOf(bytes).getBigUint64(FILE_HANDLE.f_handle, LE);
}

/**
 * Builds a `struct epoll_event` of this architecture.
 *
 * @param events The event mask.
 * @param data The 64-bit user data.
 * @returns The struct.
 */
export function epollEvent(events: number, data: bigint): Uint8Array {
  const bytes = new Uint8Array(EPOLL_EVENT.size);
  const view = viewOf(bytes);
  view.setUint32(EPOLL_EVENT.events, events, LE);
  view.setBigUint64(EPOLL_EVENT.data, data, LE);
  return bytes;
}

/**
 * Reads a `struct epoll_event` of this architecture.
 *
 * @param bytes The struct.
 * @returns The event mask and the user data.
 */
export function readEpollEvent(
  bytes: Uint8Array,
): { events: number; data: bigint } {
  const view = viewOf(bytes);
  return {
    events: view.getUint32(EPOLL_EVENT.events, LE),
    data: view.getBigUint64(EPOLL_EVENT.data, LE),
  };
}

/**
 * Reads a `struct timespec`.
 *
 * @param bytes The struct, filled by e.g. `clock_gettime()`.
 * @returns The time in microseconds.
 */
export function readTimespecMicroseconds(bytes: Uint8Array): bigint {
  const view = viewOf(bytes);
  return view.getBigInt64(TIMESPEC.tv_sec, LE) * 1_000_000n +
    view.getBigInt64(TIMESPEC.tv_nsec, LE) / 1000n;
}

/** `CMSG_ALIGN(length)`. */
function cmsgAlign(length: number): number {
  return Math.ceil(length / CMSGHDR.align) * CMSGHDR.align;
}

/**
 * `CMSG_SPACE(length)`: the bytes one control message with `length` bytes
 * of data takes.
 *
 * @param length The data's length.
 * @returns The space, padding included.
 */
export function cmsgSpace(length: number): number {
  return CMSGHDR.data + cmsgAlign(length);
}

/** A `struct msghdr` and the buffers it points into. */
export interface Msghdr {
  /** The struct itself, to pass to `sendmsg()`/`recvmsg()`. */
  header: Uint8Array;
  /** Buffers the header points into; keep them reachable until the call returns. */
  keep: Uint8Array[];
}

/** What {@linkcode buildMsghdr} puts in a `struct msghdr`. */
export interface MsghdrParts {
  /** The only `iovec`: the data to send, or the buffer to receive into. */
  data: Uint8Array;
  /** `msg_name`: a `struct sockaddr`, if any. */
  name?: Uint8Array;
  /** `msg_namelen`; `name.length` by default. */
  nameLength?: number;
  /** `msg_control`: control messages, or room for them. */
  control?: Uint8Array;
}

/**
 * Builds a `struct msghdr` with one `iovec`.
 *
 * @param parts The data, address and control buffers.
 * @returns The header and the buffers it points into.
 */
export function buildMsghdr(parts: MsghdrParts): Msghdr {
  // A zero-length iovec still needs a valid base pointer.
  const base = parts.data.length === 0 ? new Uint8Array(1) : parts.data;
  const iov = new Uint8Array(IOVEC.size);
  const iovView = viewOf(iov);
  iovView.setBigUint64(IOVEC.iov_base, addressOf(base), LE);
  iovView.setBigUint64(IOVEC.iov_len, BigInt(parts.data.length), LE);
  const keep = [base, iov];

  const header = new Uint8Array(MSGHDR.size);
  const view = viewOf(header);
  if (parts.name) {
    view.setBigUint64(MSGHDR.msg_name, addressOf(parts.name), LE);
    view.setUint32(
      MSGHDR.msg_namelen,
      parts.nameLength ?? parts.name.length,
      LE,
    );
    keep.push(parts.name);
  }
  view.setBigUint64(MSGHDR.msg_iov, addressOf(iov), LE);
  view.setBigUint64(MSGHDR.msg_iovlen, 1n, LE);
  if (parts.control && parts.control.length > 0) {
    view.setBigUint64(MSGHDR.msg_control, addressOf(parts.control), LE);
    view.setBigUint64(
      MSGHDR.msg_controllen,
      BigInt(parts.control.length),
      LE,
    );
    keep.push(parts.control);
  }
  return { header, keep };
}

/**
 * Reads what `recvmsg()` wrote back into a `struct msghdr`.
 *
 * @param header The struct.
 * @returns `msg_controllen` and `msg_flags`.
 */
export function readMsghdr(
  header: Uint8Array,
): { controlLength: number; flags: number } {
  const view = viewOf(header);
  return {
    controlLength: Number(view.getBigUint64(MSGHDR.msg_controllen, LE)),
    flags: view.getInt32(MSGHDR.msg_flags, LE),
  };
}

/**
 * Builds one `SCM_RIGHTS` control message carrying fds.
 *
 * @param fds The fds.
 * @returns The message, `CMSG_SPACE` bytes long.
 */
export function scmRights(fds: readonly number[]): Uint8Array {
  const length = 4 * fds.length;
  const bytes = new Uint8Array(cmsgSpace(length));
  const view = viewOf(bytes);
  view.setBigUint64(CMSGHDR.cmsg_len, BigInt(CMSGHDR.data + length), LE);
  view.setInt32(CMSGHDR.cmsg_level, LINUX.SOL_SOCKET, LE);
  view.setInt32(CMSGHDR.cmsg_type, LINUX.SCM_RIGHTS, LE);
  fds.forEach((fd, i) => view.setInt32(CMSGHDR.data + 4 * i, fd, LE));
  return bytes;
}

/**
 * Reads the fds of every `SCM_RIGHTS` control message (`CMSG_FIRSTHDR`,
 * `CMSG_NXTHDR`).
 *
 * @param control The control buffer.
 * @param length `msg_controllen` as `recvmsg()` left it.
 * @returns The fds, in order.
 */
export function readScmRights(control: Uint8Array, length: number): number[] {
  const view = viewOf(control);
  const fds: number[] = [];
  for (
    let offset = 0;
    offset + CMSGHDR.data <= length;
  ) {
    const cmsgLength = Number(view.getBigUint64(offset + CMSGHDR.cmsg_len, LE));
    if (cmsgLength < CMSGHDR.data) break;
    const level = view.getInt32(offset + CMSGHDR.cmsg_level, LE);
    const type = view.getInt32(offset + CMSGHDR.cmsg_type, LE);
    if (level === LINUX.SOL_SOCKET && type === LINUX.SCM_RIGHTS) {
      for (let at = CMSGHDR.data; at + 4 <= cmsgLength; at += 4) {
        fds.push(view.getInt32(offset + at, LE));
      }
    }
    offset += cmsgAlign(cmsgLength);
  }
  return fds;
}

/**
 * Decodes a wait status (`WIFEXITED`/`WEXITSTATUS`, `WTERMSIG`).
 *
 * @param status The `int` that `waitpid()` filled.
 * @returns The exit code, or the signal that ended the process.
 */
export function decodeWaitStatus(
  status: number,
): { code: number; signal: undefined } | {
  code: undefined;
  signal: number;
} {
  const signal = status & 0x7f;
  return signal === 0
    ? { code: (status >> 8) & 0xff, signal: undefined }
    : { code: undefined, signal };
}

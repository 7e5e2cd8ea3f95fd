// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _errors.ts
var ListenFdsError = class extends Error {
  /** The error's name, `"ListenFdsError"`. */
  name = "ListenFdsError";
  /** The stable code of the failure. */
  code;
  /** The environment variable that was rejected, if any. */
  variable;
  /** The rejected value, verbatim, if any. */
  value;
  /** The file descriptor concerned, if any. */
  fd;
  /** The libc function that failed, if any. */
  syscall;
  /** The `errno` the failed libc function left behind, if any. */
  errno;
  /**
   * Creates an error.
   *
   * @param message What failed, in std style: `Cannot parse LISTEN_FDS: value is "x"`.
   * @param options The code and the details.
   */
  constructor(message, options) {
    super(
      message,
      options.cause === void 0 ? void 0 : { cause: options.cause }
    );
    this.code = options.code;
    this.variable = options.variable;
    this.value = options.value;
    this.fd = options.fd;
    this.syscall = options.syscall;
    this.errno = options.errno;
  }
};
function checkMilliseconds(value, what, options = {}) {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ListenFdsError(
      `${what} ${value} ms is not a finite non-negative number`,
      { code: "INVALID_ARGUMENT", value: String(value), fd: options.fd }
    );
  }
}

// _environment.ts
function isCanonicalDecimal(value) {
  if (value.length === 0 || value.length > 1 && value[0] === "0") {
    return false;
  }
  for (let at = 0; at < value.length; at++) {
    const code = value.charCodeAt(at);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
function readEnv(name, options = {}) {
  try {
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ListenFdsError(
        `Cannot read ${name}: run again with --allow-env=${options.allow ?? name}`,
        { code: "PERMISSION_REQUIRED", variable: name, cause: error }
      );
    }
    throw error;
  }
}
function readOptionalEnv(name) {
  try {
    if (Deno.stdin.isTerminal() && Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return void 0;
    }
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return void 0;
    if (error instanceof Deno.errors.InvalidData) {
      throw new ListenFdsError(
        `Cannot use ${name}: its value is not valid UTF-8`,
        { code: "INVALID_ARGUMENT", variable: name, cause: error }
      );
    }
    throw error;
  }
}
function unsetEnv(names) {
  for (const name of names) {
    try {
      Deno.env.delete(name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotCapable)) throw error;
    }
  }
}

// _linux.ts
var LINUX = {
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
  O_NONBLOCK: 2048,
  O_CLOEXEC: 524288,
  AT_EMPTY_PATH: 4096,
  SEEK_SET: 0,
  // <linux/stat.h>
  STATX_TYPE: 1,
  STATX_INO: 256,
  S_IFMT: 61440,
  S_IFSOCK: 49152,
  S_IFLNK: 40960,
  S_IFREG: 32768,
  S_IFBLK: 24576,
  S_IFDIR: 16384,
  S_IFCHR: 8192,
  S_IFIFO: 4096,
  // <linux/magic.h> (6.9), the kernel's ipc/mqueue.c
  PIDFS_MAGIC: 1346978886,
  MQUEUE_MAGIC: 427819522,
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
  SOCK_NONBLOCK: 2048,
  SOCK_CLOEXEC: 524288,
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
  FIONREAD: 21531,
  IPPROTO_IPV6: 41,
  IPV6_V6ONLY: 26,
  MSG_NOSIGNAL: 16384,
  MSG_DONTWAIT: 64,
  MSG_CMSG_CLOEXEC: 1073741824,
  MSG_CTRUNC: 8,
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
  POSIX_SPAWN_SETPGROUP: 2,
  POSIX_SPAWN_SETSIGDEF: 4,
  POSIX_SPAWN_SETSIGMASK: 8
};
var ERRNO_NAMES = {
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
  111: "ECONNREFUSED"
};
var SIGNALS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15
};
var ARCH_LAYOUTS = {
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
      getsockopt: 55,
      fcntl: 72,
      getdents64: 217,
      epoll_ctl: 233,
      openat: 257,
      readlinkat: 267,
      dup3: 292,
      statx: 332
    }
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
      getsockopt: 209,
      fcntl: 25,
      getdents64: 61,
      epoll_ctl: 21,
      openat: 56,
      readlinkat: 78,
      dup3: 24,
      statx: 291
    }
  }
};
function isLinuxArch(arch) {
  return Object.hasOwn(ARCH_LAYOUTS, arch);
}
var HERE = ARCH_LAYOUTS[isLinuxArch(Deno.build.arch) ? Deno.build.arch : "x86_64"];
var STAT = HERE.stat;
var EPOLL_EVENT = HERE.epoll_event;
var SYSCALLS = HERE.syscalls;
var STATX = { size: 256, stx_mode: 28, stx_ino: 32 };
var STATFS = { size: 120, f_type: 0 };
var FILE_HANDLE = {
  size: 16,
  handle_bytes: 0,
  handle_type: 4,
  f_handle: 8,
  capacity: 8
};
var TIMESPEC = { size: 16, tv_sec: 0, tv_nsec: 8 };
var MSGHDR = {
  size: 56,
  msg_name: 0,
  msg_namelen: 8,
  msg_iov: 16,
  msg_iovlen: 24,
  msg_control: 32,
  msg_controllen: 40,
  msg_flags: 48
};
var IOVEC = { size: 16, iov_base: 0, iov_len: 8 };
var CMSGHDR = {
  size: 16,
  cmsg_len: 0,
  cmsg_level: 8,
  cmsg_type: 12,
  data: 16,
  align: 8
};
var TCP_INFO = {
  size: 232,
  tcpi_state: 0,
  tcpi_last_data_sent: 44,
  tcpi_last_data_recv: 52,
  tcpi_data_segs_in: 152,
  tcpi_data_segs_out: 156
};
var UCRED = { size: 12, pid: 0, uid: 4, gid: 8 };
var SOCKADDR_STORAGE = { size: 128 };
var SOCKADDR_IN = {
  size: 16,
  sin_family: 0,
  sin_port: 2,
  sin_addr: 4
};
var SOCKADDR_IN6 = {
  size: 28,
  sin6_family: 0,
  sin6_port: 2,
  sin6_flowinfo: 4,
  sin6_addr: 8,
  sin6_scope_id: 24
};
var SOCKADDR_UN = {
  size: 110,
  sun_family: 0,
  sun_path: 2,
  sun_path_size: 108
};
var SOCKADDR_VM = {
  size: 16,
  svm_family: 0,
  svm_port: 4,
  svm_cid: 8
};
var SPAWN = {
  /** `sizeof(posix_spawn_file_actions_t)` */
  file_actions_size: 80,
  /** `sizeof(posix_spawnattr_t)` */
  attr_size: 336,
  /** `sizeof(sigset_t)`: 1024 bits, of which the kernel uses the first 64. */
  sigset_size: 128,
  /** The bytes of a `sigset_t` that hold Linux's 64 signals. */
  sigset_used: 8
};
var LE = true;
function viewOf(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
function addressOf(buffer) {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}
function readStatx(bytes) {
  const view = viewOf(bytes);
  return {
    mode: view.getUint16(STATX.stx_mode, LE),
    inode: view.getBigUint64(STATX.stx_ino, LE)
  };
}
function readStat(bytes) {
  const view = viewOf(bytes);
  return {
    mode: view.getUint32(STAT.st_mode, LE),
    inode: view.getBigUint64(STAT.st_ino, LE)
  };
}
function readStatfsType(bytes) {
  return Number(viewOf(bytes).getBigInt64(STATFS.f_type, LE));
}
function fileHandle() {
  const bytes = new Uint8Array(FILE_HANDLE.size);
  viewOf(bytes).setUint32(
    FILE_HANDLE.handle_bytes,
    FILE_HANDLE.capacity,
    LE
  );
  return bytes;
}
function readPidfsHandle(bytes) {
  return viewOf(bytes).getBigUint64(FILE_HANDLE.f_handle, LE);
}
function epollEvent(events, data) {
  const bytes = new Uint8Array(EPOLL_EVENT.size);
  const view = viewOf(bytes);
  view.setUint32(EPOLL_EVENT.events, events, LE);
  view.setBigUint64(EPOLL_EVENT.data, data, LE);
  return bytes;
}
function readEpollEvent(bytes) {
  const view = viewOf(bytes);
  return {
    events: view.getUint32(EPOLL_EVENT.events, LE),
    data: view.getBigUint64(EPOLL_EVENT.data, LE)
  };
}
function readTimespecMicroseconds(bytes) {
  const view = viewOf(bytes);
  return view.getBigInt64(TIMESPEC.tv_sec, LE) * 1000000n + view.getBigInt64(TIMESPEC.tv_nsec, LE) / 1000n;
}
function cmsgAlign(length) {
  return Math.ceil(length / CMSGHDR.align) * CMSGHDR.align;
}
function cmsgSpace(length) {
  return CMSGHDR.data + cmsgAlign(length);
}
function buildMsghdr(parts) {
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
      LE
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
      LE
    );
    keep.push(parts.control);
  }
  return { header, keep };
}
function readMsghdr(header) {
  const view = viewOf(header);
  return {
    controlLength: Number(view.getBigUint64(MSGHDR.msg_controllen, LE)),
    flags: view.getInt32(MSGHDR.msg_flags, LE)
  };
}
function scmRights(fds) {
  const length = 4 * fds.length;
  const bytes = new Uint8Array(cmsgSpace(length));
  const view = viewOf(bytes);
  view.setBigUint64(CMSGHDR.cmsg_len, BigInt(CMSGHDR.data + length), LE);
  view.setInt32(CMSGHDR.cmsg_level, LINUX.SOL_SOCKET, LE);
  view.setInt32(CMSGHDR.cmsg_type, LINUX.SCM_RIGHTS, LE);
  fds.forEach((fd, i) => view.setInt32(CMSGHDR.data + 4 * i, fd, LE));
  return bytes;
}
function readScmRights(control, length) {
  const view = viewOf(control);
  const fds = [];
  for (let offset = 0; offset + CMSGHDR.data <= length; ) {
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
function decodeWaitStatus(status) {
  const signal = status & 127;
  return signal === 0 ? { code: status >> 8 & 255, signal: void 0 } : { code: void 0, signal };
}

// _ffi.ts
var SYMBOLS = {
  // ---- file descriptors
  /** int fcntl(int fd, int cmd, ... /* int arg *\/) */
  fcntl: {
    parameters: [
      "i32",
      // int fd
      "i32",
      // int cmd
      "i32"
      // int arg
    ],
    result: "i32"
  },
  /** int close(int fd) */
  close: { parameters: ["i32"], result: "i32" },
  /**
   * int close_range(unsigned int first, unsigned int last, int flags)
   * (Linux 5.9, CLOSE_RANGE_CLOEXEC 5.11; glibc 2.34)
   */
  close_range: {
    parameters: [
      "u32",
      // unsigned int first
      "u32",
      // unsigned int last
      "i32"
      // int flags
    ],
    result: "i32",
    optional: true
  },
  /** int dup2(int oldfd, int newfd) */
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  /** int dup3(int oldfd, int newfd, int flags) (glibc 2.9) */
  dup3: {
    parameters: [
      "i32",
      // int oldfd
      "i32",
      // int newfd
      "i32"
      // int flags
    ],
    result: "i32",
    optional: true
  },
  /** int open(const char *pathname, int flags, ... /* mode_t mode *\/) */
  open: {
    parameters: [
      "buffer",
      // const char *pathname
      "i32",
      // int flags
      "u32"
      // mode_t mode
    ],
    result: "i32"
  },
  /** ssize_t read(int fd, void *buf, size_t count) */
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** ssize_t write(int fd, const void *buf, size_t count) */
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** off_t lseek(int fd, off_t offset, int whence) */
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  /** ssize_t getdents64(int fd, void *dirp, size_t count) (glibc 2.30) */
  getdents64: {
    parameters: [
      "i32",
      // int fd
      "buffer",
      // void *dirp
      "usize"
      // size_t count
    ],
    result: "isize",
    optional: true
  },
  /** ssize_t readlink(const char *pathname, char *buf, size_t bufsiz) */
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  /** int unlink(const char *pathname) */
  unlink: { parameters: ["buffer"], result: "i32" },
  /** int pipe2(int pipefd[2], int flags) (glibc 2.9) */
  pipe2: { parameters: ["buffer", "i32"], result: "i32", optional: true },
  /** int memfd_create(const char *name, unsigned int flags) (glibc 2.27) */
  memfd_create: {
    parameters: ["buffer", "u32"],
    result: "i32",
    optional: true
  },
  // ---- file status
  /**
   * int statx(int dirfd, const char *pathname, int flags, unsigned int mask,
   *           struct statx *statxbuf) (glibc 2.28)
   */
  statx: {
    parameters: [
      "i32",
      // int dirfd
      "buffer",
      // const char *pathname
      "i32",
      // int flags
      "u32",
      // unsigned int mask
      "buffer"
      // struct statx *statxbuf
    ],
    result: "i32",
    optional: true
  },
  /** int fstat(int fd, struct stat *statbuf) (glibc 2.33) */
  fstat: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  /** int fstatfs(int fd, struct statfs *buf) */
  fstatfs: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  /**
   * int name_to_handle_at(int dirfd, const char *pathname,
   *                       struct file_handle *handle, int *mount_id, int flags)
   */
  name_to_handle_at: {
    parameters: [
      "i32",
      // int dirfd
      "buffer",
      // const char *pathname
      "buffer",
      // struct file_handle *handle
      "buffer",
      // int *mount_id
      "i32"
      // int flags
    ],
    result: "i32",
    optional: true
  },
  // ---- processes
  /** int pidfd_open(pid_t pid, unsigned int flags) (glibc 2.36) */
  pidfd_open: { parameters: ["i32", "u32"], result: "i32", optional: true },
  /**
   * long syscall(long number, ...) with six arguments, all passed as
   * integers (pointers as addresses): the functions an activation calls go
   * through this one binding (see `activationFunctions`). The `long` result
   * is declared as a struct of one `i64`, which x86_64 and aarch64 return in
   * the same register as a `long` (read it with {@linkcode readLong}): Deno
   * 2.9 compiles a fast-call trampoline for a function with scalar types
   * only, ~1 ms of the first `Deno.dlopen`, and calls a struct-returning one
   * without it.
   */
  syscall: {
    parameters: [
      "i64",
      // long number
      "i64",
      // long arg1
      "i64",
      // long arg2
      "i64",
      // long arg3
      "i64",
      // long arg4
      "i64",
      // long arg5
      "i64"
      // long arg6
    ],
    result: { struct: ["i64"] }
    // long
  },
  /** int clock_gettime(clockid_t clockid, struct timespec *tp) */
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
  /** int kill(pid_t pid, int sig) */
  kill: { parameters: ["i32", "i32"], result: "i32" },
  /** pid_t waitpid(pid_t pid, int *wstatus, int options), off the JS thread */
  waitpid: {
    parameters: [
      "i32",
      // pid_t pid
      "buffer",
      // int *wstatus
      "i32"
      // int options
    ],
    result: "i32",
    nonblocking: true
  },
  /**
   * int posix_spawn(pid_t *pid, const char *path,
   *                 const posix_spawn_file_actions_t *file_actions,
   *                 const posix_spawnattr_t *attrp,
   *                 char *const argv[], char *const envp[])
   */
  posix_spawn: {
    parameters: [
      "buffer",
      // pid_t *pid
      "buffer",
      // const char *path
      "buffer",
      // const posix_spawn_file_actions_t *file_actions
      "buffer",
      // const posix_spawnattr_t *attrp
      "buffer",
      // char *const argv[]
      "buffer"
      // char *const envp[]
    ],
    result: "i32"
  },
  /** int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa) */
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa) */
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  /**
   * int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa,
   *                                      int fildes, int newfildes)
   */
  posix_spawn_file_actions_adddup2: {
    parameters: [
      "buffer",
      // posix_spawn_file_actions_t *fa
      "i32",
      // int fildes
      "i32"
      // int newfildes
    ],
    result: "i32"
  },
  /**
   * int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa,
   *                                       int fildes)
   */
  posix_spawn_file_actions_addclose: {
    parameters: ["buffer", "i32"],
    result: "i32"
  },
  /**
   * int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa,
   *                                              int from) (glibc 2.34)
   */
  posix_spawn_file_actions_addclosefrom_np: {
    parameters: ["buffer", "i32"],
    result: "i32",
    optional: true
  },
  /** int posix_spawnattr_init(posix_spawnattr_t *attr) */
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawnattr_destroy(posix_spawnattr_t *attr) */
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags) */
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  /**
   * int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr,
   *                                   const sigset_t *sigdefault)
   */
  posix_spawnattr_setsigdefault: {
    parameters: ["buffer", "buffer"],
    result: "i32"
  },
  /**
   * int posix_spawnattr_setsigmask(posix_spawnattr_t *attr,
   *                                const sigset_t *sigmask)
   */
  posix_spawnattr_setsigmask: {
    parameters: ["buffer", "buffer"],
    result: "i32"
  },
  // ---- sockets
  /** int socket(int domain, int type, int protocol) */
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  /** int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen) */
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  /** int listen(int sockfd, int backlog) */
  listen: { parameters: ["i32", "i32"], result: "i32" },
  /** int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen) */
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  /**
   * int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen,
   *             int flags), off the JS thread (glibc 2.10)
   */
  accept4: {
    parameters: [
      "i32",
      // int sockfd
      "buffer",
      // struct sockaddr *addr
      "buffer",
      // socklen_t *addrlen
      "i32"
      // int flags
    ],
    result: "i32",
    nonblocking: true,
    optional: true
  },
  /** int shutdown(int sockfd, int how) */
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  /** int ioctl(int fd, unsigned long request, int *argp) (FIONREAD) */
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  /**
   * int getsockopt(int sockfd, int level, int optname, void *optval,
   *                socklen_t *optlen)
   */
  getsockopt: {
    parameters: [
      "i32",
      // int sockfd
      "i32",
      // int level
      "i32",
      // int optname
      "buffer",
      // void *optval
      "buffer"
      // socklen_t *optlen
    ],
    result: "i32"
  },
  /**
   * int setsockopt(int sockfd, int level, int optname, const void *optval,
   *                socklen_t optlen)
   */
  setsockopt: {
    parameters: [
      "i32",
      // int sockfd
      "i32",
      // int level
      "i32",
      // int optname
      "buffer",
      // const void *optval
      "u32"
      // socklen_t optlen
    ],
    result: "i32"
  },
  /** int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen) */
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen) */
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags) */
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  /** ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags) */
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  /** int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) */
  epoll_ctl: {
    parameters: [
      "i32",
      // int epfd
      "i32",
      // int op
      "i32",
      // int fd
      "buffer"
      // struct epoll_event *event
    ],
    result: "i32"
  },
  // ---- environment and strings
  /** char *getenv(const char *name) */
  getenv: { parameters: ["buffer"], result: "pointer" },
  /** size_t strlen(const char *s) */
  strlen: { parameters: ["pointer"], result: "usize" },
  // ---- errors
  /** char *strerror(int errnum) */
  strerror: { parameters: ["i32"], result: "pointer" },
  /** int *__errno_location(void) */
  __errno_location: { parameters: [], result: "pointer" }
};
var LIBC_PATH_VARIABLE = "DENO_LISTEN_FDS_LIBC";
var bound;
var handles = [];
function libcCandidates(build = Deno.build) {
  if (build.os !== "linux") {
    throw new ListenFdsError(
      `Cannot load the C library: operating system "${build.os}" is not supported, listen-fds runs on Linux only`,
      { code: "UNSUPPORTED_PLATFORM" }
    );
  }
  if (!isLinuxArch(build.arch)) {
    throw new ListenFdsError(
      `Cannot load the C library: architecture "${build.arch}" is not supported, only x86_64 and aarch64`,
      { code: "UNSUPPORTED_PLATFORM" }
    );
  }
  const override = readOptionalEnv(LIBC_PATH_VARIABLE);
  return override ? [override, "libc.so.6"] : ["libc.so.6"];
}
function libc() {
  if (bound) return bound;
  const { path, handle } = findLibc(libcCandidates());
  const symbols = {
    ...handle.symbols,
    ...activationFunctions(handle.symbols.syscall)
  };
  Object.setPrototypeOf(
    symbols,
    new Proxy({}, {
      get(_, name) {
        if (typeof name !== "string" || !(name in SYMBOLS)) return void 0;
        const group = GROUPS.find(
          (names) => names.includes(name)
        ) ?? [name];
        const table = Object.fromEntries(
          group.map((member) => [member, SYMBOLS[member]])
        );
        const library = Deno.dlopen(path, table);
        handles.push(library);
        Object.assign(symbols, library.symbols);
        return symbols[name];
      }
    })
  );
  bound = symbols;
  return bound;
}
function address(buffer) {
  if (buffer === null) return 0;
  return pinnedAddresses.get(buffer) ?? Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer));
}
var pinnedAddresses = /* @__PURE__ */ new WeakMap();
function sharedBuffer(size) {
  const buffer = new Uint8Array(size);
  pinnedAddresses.set(
    buffer,
    Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer))
  );
  return buffer;
}
function activationFunctions(syscall) {
  const n = SYSCALLS;
  const raw = syscall;
  const call = (number, a = 0, b = 0, c = 0, d = 0, e = 0) => readLong(raw(number, a, b, c, d, e, 0));
  const int = call;
  const ssize = (...args) => BigInt(call(...args));
  return {
    fcntl: (fd, cmd, arg) => int(n.fcntl, fd, cmd, arg),
    open: (path, flags, mode) => int(n.openat, LINUX.AT_FDCWD, address(path), flags, mode),
    read: (fd, buffer, count) => ssize(n.read, fd, address(buffer), count),
    close: (fd) => int(n.close, fd),
    statx: (dirfd, path, flags, mask, buffer) => int(n.statx, dirfd, address(path), flags, mask, address(buffer)),
    getsockopt: (fd, level, name, value, length) => int(n.getsockopt, fd, level, name, address(value), address(length)),
    getsockname: (fd, addr, length) => int(n.getsockname, fd, address(addr), address(length)),
    getdents64: (fd, buffer, count) => ssize(n.getdents64, fd, address(buffer), count),
    readlink: (path, buffer, size) => ssize(n.readlinkat, LINUX.AT_FDCWD, address(path), address(buffer), size),
    dup3: (from, to, flags) => int(n.dup3, from, to, flags),
    epoll_ctl: (epfd, op, fd, event) => int(n.epoll_ctl, epfd, op, fd, address(event))
  };
}
function readLong(bytes) {
  const low = bytes[0] | bytes[1] << 8 | bytes[2] << 16 | bytes[3] << 24;
  const high = bytes[4] | bytes[5] << 8 | bytes[6] << 16 | bytes[7] << 24;
  return high * 4294967296 + (low >>> 0);
}
function bindLibc() {
  const symbols = libc();
  for (const name of Object.keys(SYMBOLS)) {
    void symbols[name];
  }
  return symbols;
}
function findLibc(candidates) {
  const failures = [];
  const table = { syscall: SYMBOLS.syscall };
  for (const path of candidates) {
    try {
      const handle = Deno.dlopen(path, table);
      handles.push(handle);
      return { path, handle };
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) {
        throw new ListenFdsError(
          `Cannot load the C library "${path}": run again with the --allow-ffi flag`,
          { code: "PERMISSION_REQUIRED", cause: error }
        );
      }
      failures.push(error);
    }
  }
  throw new ListenFdsError(
    `Cannot load the C library: tried ${candidates.map((c) => `"${c}"`).join(", ")}; set ${LIBC_PATH_VARIABLE} to its path`,
    { code: "LIBC_UNAVAILABLE", cause: new AggregateError(failures) }
  );
}
var GROUPS = [
  ["pidfd_open", "fstatfs", "name_to_handle_at"]
];
function getenvBytes(name) {
  const c = libc();
  const pointer = c.getenv(cString(name));
  if (pointer === null) return void 0;
  const length = Number(c.strlen(pointer));
  if (length === 0) return new Uint8Array(0);
  return new Uint8Array(
    Deno.UnsafePointerView.getArrayBuffer(pointer, length)
  ).slice();
}
function errno() {
  const location = libc().__errno_location();
  return location === null ? 0 : new Deno.UnsafePointerView(location).getInt32();
}
function errnoName(value) {
  return ERRNO_NAMES[value] ?? `errno ${value}`;
}
function syscallError(action, syscall, fd, code = "SYSCALL_FAILED", context = {}) {
  const value = errno();
  return errnoError(action, syscall, value, fd, code, context);
}
function errnoError(action, syscall, value, fd, code = "SYSCALL_FAILED", context = {}) {
  const text = describeErrno(value);
  return new ListenFdsError(
    `${action}: ${syscall} failed with ${errnoName(value)} (${text})`,
    {
      code,
      syscall,
      errno: value,
      ...fd === void 0 ? {} : { fd },
      ...context
    }
  );
}
function describeErrno(value) {
  const pointer = libc().strerror(value);
  return pointer === null ? "unknown error" : new Deno.UnsafePointerView(pointer).getCString();
}
var encoder;
function cString(text) {
  const bytes = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return (encoder ??= new TextEncoder()).encode(`${text}\0`);
    bytes[i] = code;
  }
  return bytes;
}

// _io.ts
var chunk;
function readToEnd(fd) {
  const c = libc();
  const buffer = chunk ??= sharedBuffer(65536);
  const parts = [];
  let total = 0;
  while (true) {
    const n = Number(c.read(fd, buffer, BigInt(buffer.length)));
    if (n === -1) throw syscallError(`Cannot read fd ${fd}`, "read", fd);
    if (n === 0) break;
    parts.push(buffer.slice(0, n));
    total += n;
  }
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

// _adopt/proc.ts
var decoder;
function readProcFile(path) {
  const bytes = readProcBytes(cString(path));
  return bytes && (decoder ??= new TextDecoder()).decode(bytes);
}
function readProcBytes(path) {
  const c = libc();
  const fd = c.open(path, LINUX.O_RDONLY | LINUX.O_CLOEXEC, 0);
  if (fd === -1) return void 0;
  try {
    return readToEnd(fd);
  } catch {
    return void 0;
  } finally {
    c.close(fd);
  }
}
function readFdLink(fd) {
  const n = readLinkInto(fd);
  return n < 0 ? void 0 : (decoder ??= new TextDecoder()).decode(linkBuffer.subarray(0, n));
}
function fdLinkIs(fd, target) {
  const n = readLinkInto(fd);
  if (n !== target.length) return false;
  const link = linkBuffer;
  for (let i = 0; i < n; i++) if (link[i] !== target[i]) return false;
  return true;
}
var linkBuffer;
var linkPath;
var FD_DIR = "/proc/self/fd/";
function writeDecimal(buffer, at, value) {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  buffer[at + digits] = 0;
  for (let i = digits - 1, rest = value; i >= 0; i--) {
    buffer[at + i] = 48 + rest % 10;
    rest = Math.floor(rest / 10);
  }
}
function linkPathBuffer() {
  const path = sharedBuffer(FD_DIR.length + 12);
  path.set(cString(FD_DIR).subarray(0, FD_DIR.length));
  return path;
}
function readLinkInto(fd) {
  const path = linkPath ??= linkPathBuffer();
  writeDecimal(path, FD_DIR.length, fd);
  const buffer = linkBuffer ??= sharedBuffer(512);
  return Number(libc().readlink(path, buffer, BigInt(buffer.length)));
}
var DIRENT64 = { d_reclen: 16, d_name: 19 };
var direntBuffer;
function listOpenFds() {
  const c = libc();
  const getdents64 = c.getdents64;
  const dir = c.open(
    cString("/proc/self/fd"),
    LINUX.O_RDONLY | LINUX.O_CLOEXEC,
    0
  );
  if (dir === -1) return scanFdTable();
  const fds = [];
  try {
    const buffer = direntBuffer ??= sharedBuffer(32768);
    const view = new DataView(buffer.buffer);
    while (true) {
      const n = Number(getdents64(dir, buffer, BigInt(buffer.length)));
      if (n === 0) break;
      if (n < 0) return scanFdTable();
      for (let at = 0; at < n; at += view.getUint16(at + DIRENT64.d_reclen, true)) {
        const fd = parseFdName(buffer, at + DIRENT64.d_name);
        if (fd !== void 0 && fd !== dir) fds.push(fd);
      }
    }
  } finally {
    c.close(dir);
  }
  return fds.sort((a, b) => a - b);
}
function parseFdName(buffer, start) {
  let fd = 0;
  let at = start;
  for (; buffer[at] !== 0; at++) {
    const digit = buffer[at] - 48;
    if (digit < 0 || digit > 9) return void 0;
    fd = fd * 10 + digit;
  }
  return at === start ? void 0 : fd;
}
function scanFdTable() {
  const status = readProcFile("/proc/self/status") ?? "";
  const size = Number(/^FDSize:\s*(\d+)/m.exec(status)?.[1] ?? 1024);
  const c = libc();
  const fds = [];
  for (let fd = 0; fd < size; fd++) {
    if (c.fcntl(fd, LINUX.F_GETFD, 0) !== -1) fds.push(fd);
  }
  return fds;
}
function parseEpollTargets(text) {
  const targets = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (text.startsWith("tfd:", start)) {
      const [fd, events, eventsValue, data, dataValue, pos, ino] = words(
        text,
        start + 4,
        end
      );
      if (isDigits(fd, 0, DECIMAL) && events === "events:" && isDigits(eventsValue, 0, HEX) && data === "data:" && isDigits(dataValue, 0, HEX) && pos?.startsWith("pos:") && isDigits(pos, 4, DECIMAL) && ino?.startsWith("ino:") && isDigits(ino, 4, HEX)) {
        targets.push({
          fd: Number(fd),
          events: parseInt(eventsValue, 16) >>> 0,
          data: hexBigInt(dataValue),
          inode: hexBigInt(ino.slice(4))
        });
      }
    }
    start = end + 1;
  }
  return targets;
}
function words(text, start, end) {
  const found = [];
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
var DECIMAL = 10;
var HEX = 16;
function isDigits(word, start, radix) {
  if (word === void 0 || word.length <= start) return false;
  for (let at = start; at < word.length; at++) {
    const code = word.charCodeAt(at);
    const digit = code >= 48 && code <= 57;
    const letter = radix === HEX && code >= 97 && code <= 102;
    if (!digit && !letter) return false;
  }
  return true;
}
function hexBigInt(hex) {
  return hex.length <= 13 ? BigInt(parseInt(hex, 16)) : BigInt(`0x${hex}`);
}
function readEpollTargets(epfd) {
  const bytes = readProcBytes(cString(`/proc/self/fdinfo/${epfd}`));
  if (bytes === void 0) return [];
  let text = "";
  for (let at = 0; at < bytes.length; at += 4096) {
    const chunk2 = bytes.subarray(at, at + 4096);
    text += String.fromCharCode.apply(null, chunk2);
  }
  return parseEpollTargets(text);
}

export {
  ListenFdsError,
  checkMilliseconds,
  isCanonicalDecimal,
  readEnv,
  readOptionalEnv,
  unsetEnv,
  LINUX,
  ERRNO_NAMES,
  SIGNALS,
  ARCH_LAYOUTS,
  isLinuxArch,
  STAT,
  EPOLL_EVENT,
  SYSCALLS,
  STATX,
  STATFS,
  FILE_HANDLE,
  TIMESPEC,
  MSGHDR,
  IOVEC,
  CMSGHDR,
  TCP_INFO,
  UCRED,
  SOCKADDR_STORAGE,
  SOCKADDR_IN,
  SOCKADDR_IN6,
  SOCKADDR_UN,
  SOCKADDR_VM,
  SPAWN,
  addressOf,
  readStatx,
  readStat,
  readStatfsType,
  fileHandle,
  readPidfsHandle,
  epollEvent,
  readEpollEvent,
  readTimespecMicroseconds,
  cmsgSpace,
  buildMsghdr,
  readMsghdr,
  scmRights,
  readScmRights,
  decodeWaitStatus,
  LIBC_PATH_VARIABLE,
  libcCandidates,
  libc,
  sharedBuffer,
  readLong,
  bindLibc,
  findLibc,
  getenvBytes,
  errno,
  errnoName,
  syscallError,
  errnoError,
  cString,
  readToEnd,
  readProcFile,
  readFdLink,
  fdLinkIs,
  listOpenFds,
  scanFdTable,
  parseEpollTargets,
  readEpollTargets
};

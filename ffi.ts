/**
 * The libc functions this module needs, bound with {@linkcode Deno.dlopen}.
 *
 * Nothing is loaded at import time: {@linkcode libc} opens the C library on
 * first use and caches it, so importing `mod.ts` or `env.ts` needs no
 * permission. The library is `libc.so.6` (glibc) or `libc.musl-<arch>.so.1`
 * (musl) on Linux and `libSystem.B.dylib` on macOS; the environment variable
 * `DENO_LISTEN_FDS_LIBC` names another file.
 *
 * This file is internal: it is not one of the package's exports.
 *
 * @module
 */

import { ListenFdsError } from "./errors.ts";

/** The C prototype is beside each parameter. */
const SYMBOLS = {
  // ---- file descriptors
  /** int fcntl(int fd, int cmd, ... /* int arg *\/) */
  fcntl: {
    parameters: [
      "i32", // int fd
      "i32", // int cmd
      "i32", // int arg
    ],
    result: "i32",
  },
  /** int close(int fd) */
  close: { parameters: ["i32"], result: "i32" },
  /**
   * int close_range(unsigned int first, unsigned int last, int flags)
   * (Linux 5.9, CLOSE_RANGE_CLOEXEC 5.11; glibc 2.34)
   */
  close_range: {
    parameters: [
      "u32", // unsigned int first
      "u32", // unsigned int last
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  /** int dup2(int oldfd, int newfd) */
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  /** int dup3(int oldfd, int newfd, int flags) (Linux) */
  dup3: {
    parameters: [
      "i32", // int oldfd
      "i32", // int newfd
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  /** int open(const char *pathname, int flags, ... /* mode_t mode *\/) */
  open: {
    parameters: [
      "buffer", // const char *pathname
      "i32", // int flags
      "u32", // mode_t mode
    ],
    result: "i32",
  },
  /** ssize_t read(int fd, void *buf, size_t count) */
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** ssize_t write(int fd, const void *buf, size_t count) */
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** off_t lseek(int fd, off_t offset, int whence) */
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  /** ssize_t readlink(const char *pathname, char *buf, size_t bufsiz) */
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  /** int unlink(const char *pathname) */
  unlink: { parameters: ["buffer"], result: "i32" },
  /** int pipe2(int pipefd[2], int flags) (Linux) */
  pipe2: { parameters: ["buffer", "i32"], result: "i32", optional: true },
  /** int memfd_create(const char *name, unsigned int flags) (Linux) */
  memfd_create: {
    parameters: ["buffer", "u32"],
    result: "i32",
    optional: true,
  },

  // ---- file status
  /**
   * int statx(int dirfd, const char *pathname, int flags, unsigned int mask,
   *           struct statx *statxbuf) (Linux, glibc 2.28)
   */
  statx: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *pathname
      "i32", // int flags
      "u32", // unsigned int mask
      "buffer", // struct statx *statxbuf
    ],
    result: "i32",
    optional: true,
  },
  /** int fstat(int fd, struct stat *statbuf) (glibc 2.33, musl, macOS) */
  fstat: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  /** int fstatfs(int fd, struct statfs *buf) */
  fstatfs: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  /**
   * int name_to_handle_at(int dirfd, const char *pathname,
   *                       struct file_handle *handle, int *mount_id, int flags)
   */
  name_to_handle_at: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *pathname
      "buffer", // struct file_handle *handle
      "buffer", // int *mount_id
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },

  // ---- processes
  /** int pidfd_open(pid_t pid, unsigned int flags) (glibc 2.36) */
  pidfd_open: { parameters: ["i32", "u32"], result: "i32", optional: true },
  /** long syscall(long number, ...) with two arguments (Linux) */
  syscall: {
    parameters: [
      "i64", // long number
      "i64", // long arg1
      "i64", // long arg2
    ],
    result: "i64",
    optional: true,
  },
  /** int clock_gettime(clockid_t clockid, struct timespec *tp) */
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
  /** int kill(pid_t pid, int sig) */
  kill: { parameters: ["i32", "i32"], result: "i32" },
  /** pid_t waitpid(pid_t pid, int *wstatus, int options), off the JS thread */
  waitpid: {
    parameters: [
      "i32", // pid_t pid
      "buffer", // int *wstatus
      "i32", // int options
    ],
    result: "i32",
    nonblocking: true,
  },
  /**
   * int posix_spawn(pid_t *pid, const char *path,
   *                 const posix_spawn_file_actions_t *file_actions,
   *                 const posix_spawnattr_t *attrp,
   *                 char *const argv[], char *const envp[])
   */
  posix_spawn: {
    parameters: [
      "buffer", // pid_t *pid
      "buffer", // const char *path
      "buffer", // const posix_spawn_file_actions_t *file_actions
      "buffer", // const posix_spawnattr_t *attrp
      "buffer", // char *const argv[]
      "buffer", // char *const envp[]
    ],
    result: "i32",
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
      "buffer", // posix_spawn_file_actions_t *fa
      "i32", // int fildes
      "i32", // int newfildes
    ],
    result: "i32",
  },
  /**
   * int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa,
   *                                       int fildes)
   */
  posix_spawn_file_actions_addclose: {
    parameters: ["buffer", "i32"],
    result: "i32",
  },
  /**
   * int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa,
   *                                              int from) (glibc 2.34)
   */
  posix_spawn_file_actions_addclosefrom_np: {
    parameters: ["buffer", "i32"],
    result: "i32",
    optional: true,
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
    result: "i32",
  },
  /**
   * int posix_spawnattr_setsigmask(posix_spawnattr_t *attr,
   *                                const sigset_t *sigmask)
   */
  posix_spawnattr_setsigmask: {
    parameters: ["buffer", "buffer"],
    result: "i32",
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
   *             int flags), off the JS thread (Linux)
   */
  accept4: {
    parameters: [
      "i32", // int sockfd
      "buffer", // struct sockaddr *addr
      "buffer", // socklen_t *addrlen
      "i32", // int flags
    ],
    result: "i32",
    nonblocking: true,
    optional: true,
  },
  /** int shutdown(int sockfd, int how) */
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  /**
   * int getsockopt(int sockfd, int level, int optname, void *optval,
   *                socklen_t *optlen)
   */
  getsockopt: {
    parameters: [
      "i32", // int sockfd
      "i32", // int level
      "i32", // int optname
      "buffer", // void *optval
      "buffer", // socklen_t *optlen
    ],
    result: "i32",
  },
  /**
   * int setsockopt(int sockfd, int level, int optname, const void *optval,
   *                socklen_t optlen)
   */
  setsockopt: {
    parameters: [
      "i32", // int sockfd
      "i32", // int level
      "i32", // int optname
      "buffer", // const void *optval
      "u32", // socklen_t optlen
    ],
    result: "i32",
  },
  /** int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen) */
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen) */
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags) */
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  /** ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags) */
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  /**
   * int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
   * (Linux)
   */
  epoll_ctl: {
    parameters: [
      "i32", // int epfd
      "i32", // int op
      "i32", // int fd
      "buffer", // struct epoll_event *event
    ],
    result: "i32",
    optional: true,
  },

  // ---- environment and strings
  /** char *getenv(const char *name) */
  getenv: { parameters: ["buffer"], result: "pointer" },
  /** size_t strlen(const char *s) */
  strlen: { parameters: ["pointer"], result: "usize" },

  // ---- errors
  /** char *strerror(int errnum) */
  strerror: { parameters: ["i32"], result: "pointer" },
  /** int *__errno_location(void) (glibc, musl) */
  __errno_location: { parameters: [], result: "pointer", optional: true },
  /** int *__error(void) (macOS) */
  __error: { parameters: [], result: "pointer", optional: true },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound libc functions; optional ones are `null` where libc lacks them. */
export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** The environment variable that overrides the C library's file name. */
export const LIBC_PATH_VARIABLE = "DENO_LISTEN_FDS_LIBC";

let bound: Libc | undefined;
const handles: Deno.DynamicLibrary<Deno.ForeignLibraryInterface>[] = [];

/**
 * The C library file names to try, in order, for this platform.
 *
 * @param build The platform, `Deno.build` by default.
 * @returns The candidates; the override variable comes first when set.
 */
export function libcCandidates(
  build: { os: string; arch: string } = Deno.build,
): string[] {
  const candidates: string[] = [];
  const override = readOptionalEnv(LIBC_PATH_VARIABLE);
  if (override) candidates.push(override);
  if (build.os === "linux") {
    candidates.push("libc.so.6", `libc.musl-${build.arch}.so.1`);
  } else if (build.os === "darwin") {
    candidates.push("libSystem.B.dylib");
  }
  return candidates;
}

/**
 * Returns the libc functions, opening the C library on first use.
 *
 * Each function is bound on its first call: binding the whole table at once
 * costs about 6 ms (0.13 ms a symbol), which would show in a service's
 * activation latency, while a socket-activated start needs only a handful.
 *
 * @returns The functions of {@linkcode SYMBOLS}; optional ones are `null`
 * where libc lacks them.
 * @throws {ListenFdsError} `PERMISSION_REQUIRED` without `--allow-ffi`,
 * `LIBC_UNAVAILABLE` when no candidate loads, `UNSUPPORTED_PLATFORM` on an OS
 * without a known libc.
 */
export function libc(): Libc {
  if (bound) return bound;
  const path = findLibc(libcCandidates());
  const symbols: Record<string, unknown> = {};
  for (const name of Object.keys(SYMBOLS) as (keyof typeof SYMBOLS)[]) {
    Object.defineProperty(symbols, name, {
      configurable: true,
      enumerable: true,
      get(): unknown {
        const handle = Deno.dlopen(path, { [name]: SYMBOLS[name] });
        handles.push(handle);
        const value = handle.symbols[name];
        Object.defineProperty(symbols, name, { value, enumerable: true });
        return value;
      },
    });
  }
  bound = symbols as Libc;
  return bound;
}

/**
 * Binds every libc function now rather than on first call (for tests whose
 * resource sanitizer must not see a library opened inside a test).
 *
 * @returns The functions, all bound.
 */
export function bindLibc(): Libc {
  const symbols = libc();
  for (const name of Object.keys(SYMBOLS) as (keyof typeof SYMBOLS)[]) {
    void symbols[name];
  }
  return symbols;
}

/**
 * Finds the first candidate C library that loads.
 *
 * @param candidates File names to try, in order.
 * @param os The operating system, for the error message.
 * @returns The file name that loaded.
 * @throws {ListenFdsError} As {@linkcode libc}.
 */
export function findLibc(
  candidates: string[],
  os: string = Deno.build.os,
): string {
  if (candidates.length === 0) {
    throw new ListenFdsError(
      `Cannot load the C library: operating system "${os}" is not supported`,
      { code: "UNSUPPORTED_PLATFORM" },
    );
  }
  const failures: unknown[] = [];
  for (const path of candidates) {
    try {
      // Probe with one symbol; the handle keeps the library loaded.
      handles.push(Deno.dlopen(path, { strerror: SYMBOLS.strerror }));
      return path;
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) {
        throw new ListenFdsError(
          `Cannot load the C library "${path}": run again with the --allow-ffi flag`,
          { code: "PERMISSION_REQUIRED", cause: error },
        );
      }
      failures.push(error);
    }
  }
  throw new ListenFdsError(
    `Cannot load the C library: tried ${
      candidates.map((c) => `"${c}"`).join(", ")
    }; set ${LIBC_PATH_VARIABLE} to its path`,
    { code: "LIBC_UNAVAILABLE", cause: new AggregateError(failures) },
  );
}

/**
 * Reads an optional variable, such as {@linkcode LIBC_PATH_VARIABLE}, without
 * ever prompting: unless env access to it is already granted, it counts as
 * unset. (A prompt would block a socket-activated start until someone
 * answers it in a terminal.)
 *
 * @param name The variable.
 * @returns Its value, or `undefined` when unset or not readable.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` when the value is not valid
 * UTF-8.
 */
export function readOptionalEnv(name: string): string | undefined {
  try {
    if (
      Deno.permissions.querySync({ name: "env", variable: name }).state !==
        "granted"
    ) {
      return undefined;
    }
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return undefined;
    if (error instanceof Deno.errors.InvalidData) {
      throw new ListenFdsError(
        `Cannot use ${name}: its value is not valid UTF-8`,
        { code: "INVALID_ARGUMENT", variable: name, cause: error },
      );
    }
    throw error;
  }
}

/**
 * Reads a variable's raw bytes with libc's `getenv()`, for values that are
 * not valid UTF-8 (which `Deno.env.get()` refuses with `InvalidData`).
 *
 * @param name The variable.
 * @returns Its bytes, or `undefined` when it is not set.
 * @throws {ListenFdsError} As {@linkcode libc}.
 */
export function getenvBytes(name: string): Uint8Array | undefined {
  const c = libc();
  const pointer = c.getenv(cString(name));
  if (pointer === null) return undefined;
  const length = Number(c.strlen(pointer));
  if (length === 0) return new Uint8Array(0);
  return new Uint8Array(
    Deno.UnsafePointerView.getArrayBuffer(pointer, length),
  ).slice();
}

/**
 * Reads `errno`; call it right after the failing libc call.
 *
 * @returns The calling thread's `errno`, or 0 when it cannot be read.
 */
export function errno(): number {
  const c = libc();
  const location = c.__errno_location?.() ?? c.__error?.() ?? null;
  return location === null
    ? 0
    : new Deno.UnsafePointerView(location).getInt32();
}

const ERRNO_NAMES: Record<string, Record<number, string>> = {
  linux: {
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
  },
  darwin: {
    1: "EPERM",
    2: "ENOENT",
    3: "ESRCH",
    4: "EINTR",
    5: "EIO",
    9: "EBADF",
    10: "ECHILD",
    12: "ENOMEM",
    13: "EACCES",
    17: "EEXIST",
    22: "EINVAL",
    24: "EMFILE",
    32: "EPIPE",
    35: "EAGAIN",
    38: "ENOTSOCK",
    45: "EOPNOTSUPP",
    48: "EADDRINUSE",
    61: "ECONNREFUSED",
    63: "ENAMETOOLONG",
  },
};

/**
 * The symbolic name of an errno value, such as `"EBADF"`.
 *
 * @param value The errno value.
 * @returns Its name, or `"errno <value>"` when unknown.
 */
export function errnoName(value: number): string {
  return ERRNO_NAMES[Deno.build.os]?.[value] ?? `errno ${value}`;
}

/**
 * Builds the error for a libc call that failed, reading `errno` at once.
 *
 * @param action What was attempted, e.g. `Cannot set FD_CLOEXEC on fd 5`.
 * @param syscall The libc function that failed.
 * @param fd The fd concerned, if any.
 * @param code The error code, `SYSCALL_FAILED` by default.
 * @returns The error, ready to throw.
 */
export function syscallError(
  action: string,
  syscall: string,
  fd?: number,
  code: "SYSCALL_FAILED" | "FD_NOT_OPEN" = "SYSCALL_FAILED",
): ListenFdsError {
  const value = errno();
  return errnoError(action, syscall, value, fd, code);
}

/**
 * Builds the error for a libc call that reported `value` as its error
 * (functions such as `posix_spawn` return the error instead of setting errno).
 *
 * @param action What was attempted.
 * @param syscall The libc function that failed.
 * @param value The errno value.
 * @param fd The fd concerned, if any.
 * @param code The error code, `SYSCALL_FAILED` by default.
 * @returns The error, ready to throw.
 */
export function errnoError(
  action: string,
  syscall: string,
  value: number,
  fd?: number,
  code: "SYSCALL_FAILED" | "FD_NOT_OPEN" = "SYSCALL_FAILED",
): ListenFdsError {
  const text = describeErrno(value);
  return new ListenFdsError(
    `${action}: ${syscall} failed with ${errnoName(value)} (${text})`,
    {
      code,
      syscall,
      errno: value,
      ...(fd === undefined ? {} : { fd }),
    },
  );
}

function describeErrno(value: number): string {
  const pointer = libc().strerror(value);
  return pointer === null
    ? "unknown error"
    : new Deno.UnsafePointerView(pointer).getCString();
}

const encoder = new TextEncoder();

/**
 * Encodes a string as a NUL-terminated C string.
 *
 * @param text The string.
 * @returns Its UTF-8 bytes followed by a NUL byte.
 */
export function cString(text: string): Uint8Array {
  return encoder.encode(`${text}\0`);
}

/** Linux values of the C constants this module uses. */
export const LINUX = {
  F_DUPFD_CLOEXEC: 1030,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  FD_CLOEXEC: 1,
  CLOSE_RANGE_CLOEXEC: 4,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_ACCMODE: 3,
  O_NONBLOCK: 0o4000,
  O_CLOEXEC: 0o2000000,
  AT_EMPTY_PATH: 0x1000,
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
  PIDFS_MAGIC: 0x50494446,
  MQUEUE_MAGIC: 0x19800202,
  SYS_pidfd_open: 434,
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
  SO_TYPE: 3,
  SO_SNDBUF: 7,
  SO_ACCEPTCONN: 30,
  SO_PROTOCOL: 38,
  SO_DOMAIN: 39,
  SCM_RIGHTS: 1,
  IPPROTO_IPV6: 41,
  IPV6_V6ONLY: 26,
  MSG_NOSIGNAL: 0x4000,
  MSG_DONTWAIT: 0x40,
  MSG_CMSG_CLOEXEC: 0x40000000,
  EPOLL_CTL_ADD: 1,
  EPOLL_CTL_DEL: 2,
  EPOLL_CTL_MOD: 3,
  EAGAIN: 11,
  EINTR: 4,
  EBADF: 9,
  EOPNOTSUPP: 95,
  EOVERFLOW: 75,
  ENOSYS: 38,
  WNOHANG: 1,
  SHUT_WR: 1,
  MFD_CLOEXEC: 1,
  CLOCK_MONOTONIC: 1,
  SEEK_SET: 0,
  E2BIG: 7,
  EINVAL: 22,
  ENOENT: 2,
  ENAMETOOLONG: 36,
  EPROTO: 71,
  POSIX_SPAWN_SETPGROUP: 0x02,
  POSIX_SPAWN_SETSIGDEF: 0x04,
  POSIX_SPAWN_SETSIGMASK: 0x08,
  SHUT_RDWR: 2,
} as const;

/**
 * The libc functions this module needs, bound with {@linkcode Deno.dlopen}:
 * the symbol table, with the C prototype beside each parameter, and its
 * loader. The constants and struct layouts the calls use are in `_linux.ts`.
 *
 * Linux only (x86_64 and aarch64): every call passes Linux constants and
 * Linux struct layouts, so {@linkcode libc} refuses any other platform with
 * `UNSUPPORTED_PLATFORM`. The library is glibc's `libc.so.6`, which every
 * Deno process already has loaded (Deno's Linux builds link glibc, its Alpine
 * images included); the environment variable `DENO_LISTEN_FDS_LIBC` names
 * another file to try first.
 *
 * Nothing is loaded at import time: {@linkcode libc} opens the C library on
 * first use, binding only `syscall()` (seven prototypes of it), from which it
 * makes the sixteen functions an activation calls (their entries here give
 * their prototypes), and binds any other function on its first call, so
 * importing `mod.ts` or `env.ts` needs no permission and an activation pays
 * only for the calls it makes.
 *
 * This file is internal: it is not one of the package's exports.
 *
 * @module
 */

import { ListenFdsError } from "./_errors.ts";
import type { ListenFdsErrorCode } from "./_errors.ts";
import { readOptionalEnv } from "./_environment.ts";
import { ERRNO_NAMES, isLinuxArch, LINUX, SYSCALLS } from "./_linux.ts";

/**
 * A `long` argument declared as a struct of one `long` (see `syscall`): x86_64
 * and aarch64 pass the two alike.
 */
const UNUSED_LONG = { struct: ["i64"] } as const;

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
  /** int dup3(int oldfd, int newfd, int flags) (glibc 2.9) */
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
  /** ssize_t getdents64(int fd, void *dirp, size_t count) (glibc 2.30) */
  getdents64: {
    parameters: [
      "i32", // int fd
      "buffer", // void *dirp
      "usize", // size_t count
    ],
    result: "isize",
    optional: true,
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
    optional: true,
  },

  // ---- file status
  /**
   * int statx(int dirfd, const char *pathname, int flags, unsigned int mask,
   *           struct statx *statxbuf) (glibc 2.28)
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
  /**
   * long syscall(long number, ...) with six arguments: the functions an
   * activation calls go through this binding and the next six (see
   * `activationFunctions`), so that one `Deno.dlopen` binds them all; this one
   * for calls without pointers ({@linkcode systemCall}). The sixth argument,
   * which none of those calls uses, is declared as a struct of one `long`,
   * which x86_64 and aarch64 pass where they pass a `long`: Deno 2.9 compiles
   * a fast-call trampoline for a function with scalar types only, ~1 ms of
   * the first `Deno.dlopen` and ~0.3 ms for each other such function, and
   * calls one with a struct without it (each ~0.02 ms). A struct result
   * would do the same, but Deno wraps such a function in one made by
   * `new Function`, ~0.7 ms more, and allocates the result at every call.
   */
  syscall: {
    parameters: [
      "i64", // long number
      "i64", // long arg1
      "i64", // long arg2
      "i64", // long arg3
      "i64", // long arg4
      "i64", // long arg5
      UNUSED_LONG, // long arg6
    ],
    result: "i64", // long
  },
  /**
   * The same `syscall()` for calls with pointers: each of these six declares
   * the arguments that are pointers (named by their positions) as buffers,
   * so that Deno passes a buffer's address itself (the first
   * `Deno.UnsafePointer.of()` costs a start ~0.3 ms).
   */
  syscall_p2: {
    name: "syscall",
    parameters: ["i64", "i64", "buffer", "i64", "i64", "i64", UNUSED_LONG],
    result: "i64",
  },
  /** `syscall()`, its argument 3 a pointer. */
  syscall_p3: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "buffer", "i64", "i64", UNUSED_LONG],
    result: "i64",
  },
  /** `syscall()`, its arguments 2 and 3 pointers. */
  syscall_p23: {
    name: "syscall",
    parameters: ["i64", "i64", "buffer", "buffer", "i64", "i64", UNUSED_LONG],
    result: "i64",
  },
  /** `syscall()`, its arguments 2 and 5 pointers. */
  syscall_p25: {
    name: "syscall",
    parameters: ["i64", "i64", "buffer", "i64", "i64", "buffer", UNUSED_LONG],
    result: "i64",
  },
  /** `syscall()`, its argument 4 a pointer. */
  syscall_p4: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "i64", "buffer", "i64", UNUSED_LONG],
    result: "i64",
  },
  /** `syscall()`, its arguments 4 and 5 pointers. */
  syscall_p45: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "i64", "buffer", "buffer", UNUSED_LONG],
    result: "i64",
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
   *             int flags), off the JS thread (glibc 2.10)
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
  /** int ioctl(int fd, unsigned long request, int *argp) (FIONREAD) */
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
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
  /** int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) */
  epoll_ctl: {
    parameters: [
      "i32", // int epfd
      "i32", // int op
      "i32", // int fd
      "buffer", // struct epoll_event *event
    ],
    result: "i32",
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
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound libc functions; optional ones are `null` where libc lacks them. */
export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** The environment variable that overrides the C library's file name. */
export const LIBC_PATH_VARIABLE = "DENO_LISTEN_FDS_LIBC";

let bound: Libc | undefined;
const handles: Deno.DynamicLibrary<Deno.ForeignLibraryInterface>[] = [];

/**
 * The C library file names to try, in order.
 *
 * @param build The platform, `Deno.build` by default.
 * @returns The candidates; the override variable comes first when set.
 * @throws {ListenFdsError} `UNSUPPORTED_PLATFORM` on any platform but Linux
 * on x86_64 or aarch64.
 */
export function libcCandidates(
  build: { os: string; arch: string } = Deno.build,
): string[] {
  if (build.os !== "linux") {
    throw new ListenFdsError(
      `Cannot load the C library: operating system "${build.os}" is not supported, listen-fds runs on Linux only`,
      { code: "UNSUPPORTED_PLATFORM" },
    );
  }
  if (!isLinuxArch(build.arch)) {
    throw new ListenFdsError(
      `Cannot load the C library: architecture "${build.arch}" is not supported, only x86_64 and aarch64`,
      { code: "UNSUPPORTED_PLATFORM" },
    );
  }
  const override = readOptionalEnv(LIBC_PATH_VARIABLE);
  return override ? [override, "libc.so.6"] : ["libc.so.6"];
}

/**
 * Returns the libc functions, opening the C library on first use.
 *
 * The library is probed with one `Deno.dlopen` binding `syscall` (seven
 * prototypes, `SYSCALL_SYMBOLS`), and the functions an activation calls
 * (`activationFunctions`) are made from it; any other function is bound on
 * its first call, with its group (`GROUPS`). On Deno 2.9.6 each function
 * bound for itself costs ~0.3 ms of a service's start (a fast-call
 * trampoline to compile; the first `Deno.dlopen` ~1 ms more): binding the
 * sixteen an activation calls one by one would cost ~5 ms, the whole table
 * ~7.5 ms.
 *
 * @returns The functions of {@linkcode SYMBOLS}; optional ones are `null`
 * where libc lacks them.
 * @throws {ListenFdsError} `PERMISSION_REQUIRED` without `--allow-ffi`,
 * `LIBC_UNAVAILABLE` when no candidate loads, `UNSUPPORTED_PLATFORM` on any
 * platform but Linux on x86_64 or aarch64.
 */
export function libc(): Libc {
  if (bound) return bound;
  const { path, handle } = findLibc(libcCandidates());
  const symbols: Record<string, unknown> = {
    ...handle.symbols,
    ...activationFunctions(handle.symbols),
  };
  // A proxy rather than one getter per function: 50 getters cost ~33 KB of
  // heap, which an activated start would pay for functions it never calls.
  // Bound functions are own properties, found without a trap; a missing one
  // reaches the proxy prototype, which binds it (with its group) and adds it.
  Object.setPrototypeOf(
    symbols,
    new Proxy({}, {
      get(_, name): unknown {
        if (typeof name !== "string" || !(name in SYMBOLS)) return undefined;
        const group = GROUPS.find((names) =>
          names.includes(name as SymbolName)
        ) ?? [name as SymbolName];
        const table = Object.fromEntries(
          group.map((member) => [member, SYMBOLS[member]]),
        );
        const library = Deno.dlopen(path, table);
        handles.push(library);
        Object.assign(symbols, library.symbols);
        return symbols[name];
      },
    }),
  );
  bound = symbols as Libc;
  return bound;
}

type SymbolName = keyof typeof SYMBOLS;

/** What `syscall()`'s sixth argument, which no call uses, is passed as. */
const UNUSED_ARGUMENT = new Uint8Array(8);

/** A buffer argument, as this Deno's FFI types declare it. */
type BufferArgument = Parameters<Libc["read"]>[1];

/**
 * `syscall()` as it is called, its arguments after the number of the types
 * `A`, then the unused sixth: Deno converts a number for an `i64` parameter as
 * it does a bigint (2.0 to 2.9, and the tests run both), so no argument needs
 * a `BigInt` at each call.
 */
type SyscallOf<A extends unknown[]> = (
  number: number,
  ...args: [...A, Uint8Array]
) => number | bigint;
type Long = number | bigint;
type Pointer = BufferArgument;

/** The `syscall()` bindings: bound together, first. */
const SYSCALL_SYMBOLS = [
  "syscall",
  "syscall_p2",
  "syscall_p23",
  "syscall_p25",
  "syscall_p3",
  "syscall_p4",
  "syscall_p45",
] as const;

/** The `syscall()` bindings, typed as they are called. */
interface Syscalls {
  syscall: SyscallOf<[Long, Long, Long, Long, Long]>;
  "syscall_p2": SyscallOf<[Long, Pointer, Long, Long, Long]>;
  "syscall_p23": SyscallOf<[Long, Pointer, Pointer, Long, Long]>;
  "syscall_p25": SyscallOf<[Long, Pointer, Long, Long, Pointer]>;
  "syscall_p3": SyscallOf<[Long, Long, Pointer, Long, Long]>;
  "syscall_p4": SyscallOf<[Long, Long, Long, Pointer, Long]>;
  "syscall_p45": SyscallOf<[Long, Long, Long, Pointer, Pointer]>;
}

/**
 * Makes a system call through libc's `syscall()`, with up to five integer
 * arguments.
 *
 * @param number The system call's number (`SYSCALLS`).
 * @param args Its arguments; missing ones are 0.
 * @returns Its result; -1 with `errno` set on failure.
 */
export function systemCall(number: number, ...args: Long[]): number {
  const [a = 0, b = 0, c = 0, d = 0, e = 0] = args;
  const syscall = libc().syscall as unknown as Syscalls["syscall"];
  return Number(syscall(number, a, b, c, d, e, UNUSED_ARGUMENT));
}

/**
 * The functions an activation calls (`fromEnv()`'s `fcntl`, every socket
 * hand-off's fd checks, placeholder search, takeover and verification, and
 * at shutdown the detaching of an adopted listener and the drain's count of
 * unread bytes), with the prototypes of {@linkcode SYMBOLS}, made from libc's
 * `syscall()`: one `Deno.dlopen` instead of sixteen functions bound.
 * `syscall()` returns -1 and sets `errno` on failure, as the functions do.
 * `open` and `readlink` are `openat` and `readlinkat` relative to the working
 * directory (aarch64 has only those).
 *
 * @param bindings The bound `syscall()`s.
 * @returns The functions.
 */
function activationFunctions(
  bindings: Pick<Libc, typeof SYSCALL_SYMBOLS[number]>,
): Pick<
  Libc,
  | "fcntl"
  | "open"
  | "read"
  | "close"
  | "statx"
  | "getsockopt"
  | "getsockname"
  | "getpeername"
  | "socket"
  | "bind"
  | "listen"
  | "ioctl"
  | "getdents64"
  | "readlink"
  | "dup3"
  | "epoll_ctl"
> {
  const n = SYSCALLS;
  const s = bindings as unknown as Syscalls;
  const u = UNUSED_ARGUMENT;
  // `int` results as numbers, `ssize_t` ones as the bigints of SYMBOLS.
  return {
    fcntl: (fd, cmd, arg) => Number(s.syscall(n.fcntl, fd, cmd, arg, 0, 0, u)),
    open: (path, flags, mode) =>
      Number(s.syscall_p2(n.openat, LINUX.AT_FDCWD, path, flags, mode, 0, u)),
    read: (fd, buffer, count) =>
      BigInt(s.syscall_p2(n.read, fd, buffer, count, 0, 0, u)),
    close: (fd) => Number(s.syscall(n.close, fd, 0, 0, 0, 0, u)),
    statx: (dirfd, path, flags, mask, buffer) =>
      Number(s.syscall_p25(n.statx, dirfd, path, flags, mask, buffer, u)),
    getsockopt: (fd, level, name, value, length) =>
      Number(s.syscall_p45(n.getsockopt, fd, level, name, value, length, u)),
    getsockname: (fd, addr, length) =>
      Number(s.syscall_p23(n.getsockname, fd, addr, length, 0, 0, u)),
    getpeername: (fd, addr, length) =>
      Number(s.syscall_p23(n.getpeername, fd, addr, length, 0, 0, u)),
    socket: (domain, type, protocol) =>
      Number(s.syscall(n.socket, domain, type, protocol, 0, 0, u)),
    bind: (fd, addr, length) =>
      Number(s.syscall_p2(n.bind, fd, addr, length, 0, 0, u)),
    listen: (fd, backlog) =>
      Number(s.syscall(n.listen, fd, backlog, 0, 0, 0, u)),
    ioctl: (fd, request, argument) =>
      Number(s.syscall_p3(n.ioctl, fd, request, argument, 0, 0, u)),
    getdents64: (fd, buffer, count) =>
      BigInt(s.syscall_p2(n.getdents64, fd, buffer, count, 0, 0, u)),
    readlink: (path, buffer, size) =>
      BigInt(
        s.syscall_p23(n.readlinkat, LINUX.AT_FDCWD, path, buffer, size, 0, u),
      ),
    dup3: (from, to, flags) =>
      Number(s.syscall(n.dup3, from, to, flags, 0, 0, u)),
    epoll_ctl: (epfd, op, fd, event) =>
      Number(s.syscall_p4(n.epoll_ctl, epfd, op, fd, event, 0, u)),
  };
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
 * @returns The file name that loaded.
 * @throws {ListenFdsError} `PERMISSION_REQUIRED` without `--allow-ffi`,
 * `LIBC_UNAVAILABLE` when no candidate loads.
 */
export function findLibc(candidates: string[]): {
  path: string;
  handle: Deno.DynamicLibrary<
    Pick<typeof SYMBOLS, typeof SYSCALL_SYMBOLS[number]>
  >;
} {
  const failures: unknown[] = [];
  const table = Object.fromEntries(
    SYSCALL_SYMBOLS.map((name) => [name, SYMBOLS[name]]),
  ) as Pick<typeof SYMBOLS, typeof SYSCALL_SYMBOLS[number]>;
  for (const path of candidates) {
    try {
      // The handle keeps the library loaded.
      const handle = Deno.dlopen(path, table);
      handles.push(handle);
      return { path, handle };
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

/** Functions bound together, in one `Deno.dlopen`, on the first use of any. */
const GROUPS: readonly (readonly SymbolName[])[] = [
  ["pidfd_open", "fstatfs", "name_to_handle_at"],
];

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
  const location = libc().__errno_location();
  return location === null
    ? 0
    : new Deno.UnsafePointerView(location).getInt32();
}

/**
 * The symbolic name of an errno value, such as `"EBADF"`.
 *
 * @param value The errno value.
 * @returns Its name, or `"errno <value>"` when unknown.
 */
export function errnoName(value: number): string {
  return ERRNO_NAMES[value] ?? `errno ${value}`;
}

/**
 * Builds the error for a libc call that failed, reading `errno` at once.
 *
 * @param action What was attempted, e.g. `Cannot set FD_CLOEXEC on fd 5`.
 * @param syscall The libc function that failed.
 * @param fd The fd concerned, if any.
 * @param code The error code, `SYSCALL_FAILED` by default.
 * @param context The variable (and its value) the fd or address came from.
 * @returns The error, ready to throw.
 */
export function syscallError(
  action: string,
  syscall: string,
  fd?: number,
  code: ListenFdsErrorCode = "SYSCALL_FAILED",
  context: ErrorContext = {},
): ListenFdsError {
  const value = errno();
  return errnoError(action, syscall, value, fd, code, context);
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
 * @param context The variable (and its value) the fd or address came from.
 * @returns The error, ready to throw.
 */
export function errnoError(
  action: string,
  syscall: string,
  value: number,
  fd?: number,
  code: ListenFdsErrorCode = "SYSCALL_FAILED",
  context: ErrorContext = {},
): ListenFdsError {
  const text = describeErrno(value);
  return new ListenFdsError(
    `${action}: ${syscall} failed with ${errnoName(value)} (${text})`,
    {
      code,
      syscall,
      errno: value,
      ...(fd === undefined ? {} : { fd }),
      ...context,
    },
  );
}

/** Where the failing call's input came from, for the error. */
export interface ErrorContext {
  /** The environment variable. */
  variable?: string;
  /** Its value. */
  value?: string;
}

function describeErrno(value: number): string {
  const pointer = libc().strerror(value);
  return pointer === null
    ? "unknown error"
    : new Deno.UnsafePointerView(pointer).getCString();
}

let encoder: TextEncoder | undefined;

/**
 * Encodes a string as a NUL-terminated C string. An ASCII string (every path
 * an activation opens) is copied byte by byte: the first use of
 * `TextEncoder` costs a fresh process ~0.3 ms.
 *
 * @param text The string.
 * @returns Its UTF-8 bytes followed by a NUL byte.
 */
export function cString(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return (encoder ??= new TextEncoder()).encode(`${text}\0`);
    bytes[i] = code;
  }
  return bytes;
}

/**
 * For `bench/startup_costs_bench.ts`: in a fresh process, times ways of
 * binding libc and the first fd-table scans. Usage:
 * `ffi_probe.ts <per-symbol|one-call|wide> [scanSlots]`, prints JSON.
 * - `per-symbol`: one `Deno.dlopen` per function, as `ffi.ts` binds lazily
 *   (the 11 functions an activated `serve()` calls);
 * - `one-call`: one `Deno.dlopen` with the same 11 functions;
 * - `wide`: one `Deno.dlopen` with 64 functions (a whole table).
 * A first `Deno.dlopen` with one function is timed apart, before these.
 * Then `fcntl(fd, F_GETFD)` on every slot below `scanSlots` (default 256),
 * three times, each scan timed (the first one includes FFI warm-up); the fd
 * table is grown to `scanSlots` first (dup2 to the last slot, then close).
 * Then the alternative that does not depend on the table's size: listing
 * `/proc/self/fd` with `getdents64` (libc `syscall`), three times, timed
 * including its bind, open and parsing.
 *
 * @module
 */

const [mode = "per-symbol", slotsText = "256"] = Deno.args;
const SERVE_PATH: Record<string, Deno.ForeignFunction> = {
  strerror: { parameters: ["i32"], result: "pointer" },
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  statx: {
    parameters: ["i32", "buffer", "i32", "u32", "buffer"],
    result: "i32",
  },
  getsockopt: {
    parameters: ["i32", "i32", "i32", "buffer", "buffer"],
    result: "i32",
  },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  dup3: { parameters: ["i32", "i32", "i32"], result: "i32" },
  "epoll_ctl": { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
};
// Real libc functions, only bound (never called) for the `wide` case.
const MORE = (
  "dup dup2 write lseek unlink pipe2 fstat fstatfs kill waitpid socket bind " +
  "listen connect accept4 shutdown setsockopt getpeername epoll_create1 " +
  "getpid getppid getuid geteuid getgid getegid setsid umask chdir fchdir " +
  "rmdir mkdir fsync fdatasync ftruncate truncate sync sleep usleep alarm " +
  "pause nice isatty ttyname fileno rename link symlink access faccessat " +
  "openat mkdirat unlinkat renameat"
).split(" ");

// The first Deno.dlopen of a process pays fixed costs (the FFI runtime's
// own start, loading the library): timed apart from the binds.
const f0 = performance.now();
Deno.dlopen("libc.so.6", { getpid: { parameters: [], result: "i32" } });
const first = performance.now() - f0;
const c0 = performance.now();
let fcntl: (fd: number, cmd: number, arg: number) => number;
if (mode === "per-symbol") {
  const handles = Object.entries(SERVE_PATH).map(([name, def]) =>
    Deno.dlopen("libc.so.6", { [name]: def })
  );
  fcntl = handles[1]!.symbols.fcntl as typeof fcntl;
} else {
  const table: Record<string, Deno.ForeignFunction> = { ...SERVE_PATH };
  if (mode === "wide") {
    for (const name of MORE) {
      table[name] = { parameters: ["i32"], result: "i32" };
    }
  }
  fcntl = Deno.dlopen("libc.so.6", table).symbols.fcntl as typeof fcntl;
}
const bind = performance.now() - c0;
const slots = Number(slotsText);
const extra = Deno.dlopen("libc.so.6", {
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
}).symbols;
if (slots > 256) {
  extra.dup2(0, slots - 1);
  extra.close(slots - 1);
}
const scans: number[] = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  let open = 0;
  for (let fd = 0; fd < slots; fd++) if (fcntl(fd, 1, 0) !== -1) open++;
  scans.push(performance.now() - start);
  if (open === 0) throw new Error("no open fd");
}

// The alternative: the names in /proc/self/fd are exactly the open fds.
const d0 = performance.now();
const dirent = Deno.dlopen("libc.so.6", {
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  syscall: { parameters: ["i64", "i64", "buffer", "i64"], result: "i64" },
}).symbols;
const dentsBind = performance.now() - d0;
const SYS_GETDENTS64 = Deno.build.arch === "x86_64" ? 217n : 61n;
const O_DIRECTORY_CLOEXEC = 0o200000 | 0o2000000;
const path = new TextEncoder().encode("/proc/self/fd\0");
const buffer = new Uint8Array(32768);
const view = new DataView(buffer.buffer);
function listByGetdents(): number[] {
  const dir = dirent.open(path, O_DIRECTORY_CLOEXEC, 0);
  if (dir < 0) throw new Error("cannot open /proc/self/fd");
  const fds: number[] = [];
  try {
    while (true) {
      const n = Number(
        dirent.syscall(SYS_GETDENTS64, BigInt(dir), buffer, 32768n),
      );
      if (n <= 0) break;
      for (let at = 0; at < n;) {
        const length = view.getUint16(at + 16, true);
        let fd = 0;
        let digits = 0;
        for (let i = at + 19; buffer[i] !== 0; i++, digits++) {
          fd = fd * 10 + buffer[i]! - 48;
        }
        if (buffer[at + 19] !== 46) fds.push(fd); // skip "." and ".."
        at += length;
        void digits;
      }
    }
  } finally {
    dirent.close(dir);
  }
  return fds;
}
const dents: number[] = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  if (listByGetdents().length === 0) throw new Error("no open fd listed");
  dents.push(performance.now() - start);
}
console.log(JSON.stringify({ mode, first, bind, scans, dentsBind, dents }));

import {
  assertEquals,
  assertGreater,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { ListenFdsError } from "../_errors.ts";
import { join } from "@std/path";
import {
  bindLibc,
  cString,
  errno,
  errnoName,
  findLibc,
  libc,
  LIBC_PATH_VARIABLE,
  libcCandidates,
  syscallError,
  systemCall,
} from "../_ffi.ts";
import { LINUX, SYSCALLS } from "../_linux.ts";
import { closedFd, DENO, requirePeer, ROOT } from "./support/helpers.ts";

// Bound once for the whole file: the library stays open by design, which the
// resource sanitizer of some Deno versions would report inside a test.
bindLibc();

/** Runs a snippet in a fresh Deno with the given flags and env. */
async function run(
  code: string,
  flags: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(script, code);
  const { stdout, stderr } = await new Deno.Command(DENO, {
    args: ["run", ...flags, script],
    env,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(script);
  return new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
}

const FFI = `import(${JSON.stringify(join(ROOT, "_ffi.ts"))})`;

Deno.test("libcCandidates() loads glibc on Linux x86_64 and aarch64", () => {
  assertEquals(libcCandidates({ os: "linux", arch: "x86_64" }), ["libc.so.6"]);
  assertEquals(libcCandidates({ os: "linux", arch: "aarch64" }), [
    "libc.so.6",
  ]);
});

Deno.test("libcCandidates() rejects any operating system but Linux", () => {
  for (const os of ["darwin", "windows", "freebsd"]) {
    const error = assertThrows(
      () => libcCandidates({ os, arch: "x86_64" }),
      ListenFdsError,
      `Cannot load the C library: operating system "${os}" is not supported, listen-fds runs on Linux only`,
    );
    assertEquals(error.code, "UNSUPPORTED_PLATFORM");
  }
});

Deno.test("libcCandidates() rejects an architecture without known struct layouts", () => {
  const error = assertThrows(
    () => libcCandidates({ os: "linux", arch: "riscv64" }),
    ListenFdsError,
    'Cannot load the C library: architecture "riscv64" is not supported, only x86_64 and aarch64',
  );
  assertEquals(error.code, "UNSUPPORTED_PLATFORM");
});

Deno.test("libc() asks for --allow-ffi when it is missing", async () => {
  const output = await run(
    `const { libc } = await ${FFI}; try { libc(); } catch (e) { console.log(e.code, e.message); }`,
    ["--allow-read", "--allow-env"],
  );
  assertStringIncludes(output, "PERMISSION_REQUIRED");
  assertStringIncludes(
    output,
    'Cannot load the C library "libc.so.6": run again with the --allow-ffi flag',
  );
});

Deno.test("libcCandidates() tries the override variable first", () => {
  Deno.env.set(LIBC_PATH_VARIABLE, "/opt/libc/libc.so.6");
  try {
    assertEquals(libcCandidates({ os: "linux", arch: "x86_64" }), [
      "/opt/libc/libc.so.6",
      "libc.so.6",
    ]);
  } finally {
    Deno.env.delete(LIBC_PATH_VARIABLE);
  }
});

Deno.test("libcCandidates() outside a terminal reads the override variable when allowed, and skips it when not", async () => {
  const code = `const { libcCandidates } = await ${FFI};
     console.log(libcCandidates().join(","));`;
  const env = { [LIBC_PATH_VARIABLE]: "/opt/libc.so.6", NO_COLOR: "1" };
  const allowed = await run(code, ["--allow-read", "--allow-env"], env);
  assertEquals(allowed.trim(), "/opt/libc.so.6,libc.so.6");
  const scoped = await run(
    code,
    ["--allow-read", "--allow-env=LISTEN_FDS"],
    env,
  );
  assertEquals(scoped.trim(), "libc.so.6");
});

Deno.test("libcCandidates() never prompts for the override variable in a terminal", async () => {
  // util-linux script(1) gives the child a terminal, where Deno prompts for a
  // permission that was neither granted nor denied (and the prompt would
  // block a socket-activated start until someone answers it).
  const script = requirePeer("/usr/bin/script");
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      file,
      `const { libcCandidates } = await ${FFI};\n` +
        `console.log("candidates", libcCandidates().join(","));\n`,
    );
    const command = [
      DENO,
      "run",
      "--allow-read",
      "--allow-env=LISTEN_FDS",
      file,
    ]
      .map((arg) => `'${arg}'`).join(" ");
    const { stdout } = await new Deno.Command(script, {
      args: ["-qec", command, "/dev/null"],
      env: { [LIBC_PATH_VARIABLE]: "/opt/libc.so.6", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(15_000),
    }).output();
    const output = new TextDecoder().decode(stdout);
    assertEquals(output.includes("requests env access"), false, output);
    // Not granted, so not read: only the default candidate.
    assertEquals(output.trim(), "candidates libc.so.6");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("libc() falls back to the next candidate after a broken override", async () => {
  const output = await run(
    `const { libc } = await ${FFI}; console.log(typeof libc().fcntl);`,
    ["-A"],
    { [LIBC_PATH_VARIABLE]: "/nonexistent/libc.so" },
  );
  assertEquals(output.trim(), "function");
});

Deno.test("findLibc() reports LIBC_UNAVAILABLE when no candidate loads", () => {
  const error = assertThrows(
    () => findLibc(["/nonexistent/libc.so", "libnothere.so.9"]),
    ListenFdsError,
    `Cannot load the C library: tried "/nonexistent/libc.so", "libnothere.so.9"; set ${LIBC_PATH_VARIABLE} to its path`,
  );
  assertEquals(error.code, "LIBC_UNAVAILABLE");
  assertInstanceOf(error.cause, AggregateError);
  assertEquals((error.cause as AggregateError).errors.length, 2);
});

Deno.test("syscallError() reads errno and names it", () => {
  const c = libc();
  const fd = closedFd();
  assertEquals(c.fcntl(fd, LINUX.F_GETFD, 0), -1);
  const error = syscallError(`Cannot check fd ${fd}`, "fcntl", fd);
  assertEquals(error.code, "SYSCALL_FAILED");
  assertEquals(error.errno, 9);
  assertEquals(error.syscall, "fcntl");
  assertEquals(error.fd, fd);
  assertEquals(
    error.message,
    `Cannot check fd ${fd}: fcntl failed with EBADF (Bad file descriptor)`,
  );
});

Deno.test("libc() binds an activation's functions with its probe, any other on first use", async () => {
  const output = await run(
    `const { libc } = await ${FFI};
     const c = libc();
     const lazy = (name) => Object.getOwnPropertyDescriptor(c, name) === undefined;
     const probe = c.fcntl(0, 1, 0) !== -1;
     const before = ["fcntl", "statx", "epoll_ctl", "getdents64", "sendmsg", "kill"].map(lazy);
     void c.sendmsg;
     const after = ["sendmsg", "kill"].map(lazy);
     console.log(probe, c === libc(), before.join(), after.join());`,
    ["--allow-ffi", "--allow-env", "--allow-read"],
  );
  assertEquals(
    output.trim(),
    "true true false,false,false,false,true,true false,true",
  );
});

Deno.test("errnoName() names known values and numbers unknown ones", () => {
  assertEquals(errnoName(9), "EBADF");
  assertEquals(errnoName(111), "ECONNREFUSED");
  assertMatch(errnoName(4095), /^errno 4095$/);
});

Deno.test("libc()'s activation functions, made from syscall(), answer as libc's own and set errno", async () => {
  const c = libc();
  const own = Deno.dlopen("libc.so.6", {
    fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
    readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  });
  const file = await Deno.makeTempFile({ prefix: "listen-fds-ffi-" });
  try {
    const fd = c.open(new TextEncoder().encode(`${file}\0`), LINUX.O_RDONLY, 0);
    try {
      // The bound libc functions agree on its flags and its link.
      assertEquals(
        c.fcntl(fd, LINUX.F_GETFD, 0),
        own.symbols.fcntl(fd, LINUX.F_GETFD, 0),
      );
      const path = new TextEncoder().encode(`/proc/self/fd/${fd}\0`);
      const [a, b] = [new Uint8Array(256), new Uint8Array(256)];
      const n = Number(c.readlink(path, a, 256n));
      assertEquals(n, Number(own.symbols.readlink(path, b, 256n)));
      assertEquals(new TextDecoder().decode(a.subarray(0, n)), file);
    } finally {
      assertEquals(c.close(fd), 0);
    }
    const closed = closedFd();
    assertEquals(c.fcntl(closed, LINUX.F_GETFD, 0), -1);
    assertEquals(errnoName(errno()), "EBADF");
    assertEquals(c.close(closed), -1);
    assertEquals(errnoName(errno()), "EBADF");
  } finally {
    own.close();
    await Deno.remove(file);
  }
});

Deno.test("systemCall() returns a system call's result, -1 with errno included", () => {
  const c = libc();
  const copy = systemCall(SYSCALLS.fcntl, 0, LINUX.F_DUPFD_CLOEXEC, 900);
  try {
    assertGreaterOrEqual(copy, 900);
    assertEquals(c.fcntl(copy, LINUX.F_GETFD, 0), LINUX.FD_CLOEXEC);
  } finally {
    c.close(copy);
  }
  assertEquals(systemCall(SYSCALLS.fcntl, copy, LINUX.F_GETFD), -1);
  assertEquals(errno(), LINUX.EBADF);
});

Deno.test("libc().syscall() passes its struct sixth argument as the sixth long and returns a whole long", () => {
  // mmap(addr, length, prot, flags, fd, offset): an offset that is not a
  // multiple of the page size is EINVAL; the address it returns is above 2^32.
  const x86 = Deno.build.arch === "x86_64";
  const [mmap, munmap] = x86 ? [9, 11] : [222, 215];
  const PROT_READ = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
  const offset = (value: number): Uint8Array => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
    return bytes;
  };
  const c = libc();
  const map = (sixth: number): number =>
    Number(c.syscall(
      BigInt(mmap),
      0n,
      4096n,
      BigInt(PROT_READ),
      BigInt(MAP_PRIVATE | MAP_ANONYMOUS),
      -1n,
      offset(sixth),
    ));
  assertEquals(map(1), -1);
  assertEquals(errno(), LINUX.EINVAL);
  const address = map(0);
  assertGreater(address, 2 ** 32);
  assertEquals(
    Number(
      c.syscall(BigInt(munmap), BigInt(address), 4096n, 0n, 0n, 0n, offset(0)),
    ),
    0,
  );
});

Deno.test("cString() copies ASCII and encodes any other text as UTF-8, NUL-terminated", () => {
  const encoder = new TextEncoder();
  for (
    const text of ["", "/proc/self/fd/12", "/tmp/caf\u00e9.sock", "\u{1f600}"]
  ) {
    assertEquals(cString(text), encoder.encode(`${text}\0`));
  }
});

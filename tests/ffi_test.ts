import {
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { ListenFdsError } from "../errors.ts";
import { join } from "@std/path";
import {
  bindLibc,
  errnoName,
  findLibc,
  libc,
  LIBC_PATH_VARIABLE,
  libcCandidates,
  LINUX,
  syscallError,
} from "../ffi.ts";
import { closedFd, DENO, ROOT } from "./support/helpers.ts";

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

const FFI = `import(${JSON.stringify(join(ROOT, "ffi.ts"))})`;

Deno.test("libcCandidates() picks the C library per platform", () => {
  assertEquals(libcCandidates({ os: "linux", arch: "x86_64" }).slice(-2), [
    "libc.so.6",
    "libc.musl-x86_64.so.1",
  ]);
  assertEquals(libcCandidates({ os: "linux", arch: "aarch64" }).slice(-1), [
    "libc.musl-aarch64.so.1",
  ]);
  assertEquals(libcCandidates({ os: "darwin", arch: "aarch64" }).slice(-1), [
    "libSystem.B.dylib",
  ]);
  assertEquals(
    libcCandidates({ os: "windows", arch: "x86_64" }).includes("libc.so.6"),
    false,
  );
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
      "libc.musl-x86_64.so.1",
    ]);
  } finally {
    Deno.env.delete(LIBC_PATH_VARIABLE);
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

Deno.test("findLibc() reports an unsupported operating system", () => {
  const error = assertThrows(
    () => findLibc([], "plan9"),
    ListenFdsError,
    'Cannot load the C library: operating system "plan9" is not supported',
  );
  assertEquals(error.code, "UNSUPPORTED_PLATFORM");
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

Deno.test("libc() binds each function on first use", async () => {
  const output = await run(
    `const { libc } = await ${FFI};
     const c = libc();
     const lazy = Object.getOwnPropertyDescriptor(c, "fcntl")?.get !== undefined;
     c.fcntl(0, 1, 0);
     const bound = Object.getOwnPropertyDescriptor(c, "fcntl")?.value !== undefined;
     console.log(lazy, bound, c === libc(), c.__error === null);`,
    ["--allow-ffi", "--allow-env", "--allow-read"],
  );
  assertEquals(output.trim(), "true true true true");
});

Deno.test("errnoName() names known values and numbers unknown ones", () => {
  assertEquals(errnoName(9), "EBADF");
  assertEquals(errnoName(111), "ECONNREFUSED");
  assertMatch(errnoName(4095), /^errno 4095$/);
});

import { assertEquals } from "@std/assert";
import { join } from "@std/path";
import { inspectFd } from "../_fd_info.ts";
import { bindLibc, cString, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { DENO, ROOT } from "./support/helpers.ts";

// Bound once for the whole file: the library stays open by design, which the
// resource sanitizer of some Deno versions would report inside a test.
bindLibc();

/** Opens a file descriptor through libc (Deno keeps its own fds private). */
function openFd(path: string, flags: number): number {
  const fd = libc().open(cString(path), flags | LINUX.O_CLOEXEC, 0o600);
  if (fd < 0) throw new Error(`open ${path} failed`);
  return fd;
}

Deno.test("inspectFd() tells files, directories and devices apart", async () => {
  const file = await Deno.makeTempFile();
  const fds = [
    openFd(file, LINUX.O_WRONLY),
    openFd("/tmp", LINUX.O_RDONLY),
    openFd("/dev/null", LINUX.O_RDWR | LINUX.O_NONBLOCK),
  ];
  try {
    const [regular, directory, device] = fds.map(inspectFd);
    assertEquals([regular!.kind, regular!.access, regular!.closeOnExec], [
      "file",
      "write",
      true,
    ]);
    assertEquals(directory!.kind, "directory");
    assertEquals([device!.kind, device!.access, device!.nonBlocking], [
      "character-device",
      "read-write",
      true,
    ]);
    assertEquals(regular!.inode, BigInt((await Deno.stat(file)).ino!));
  } finally {
    fds.forEach((fd) => libc().close(fd));
    await Deno.remove(file);
  }
});

Deno.test("inspectFd() recognises a POSIX message queue", () => {
  const rt = Deno.dlopen("libc.so.6", {
    mq_open: { parameters: ["buffer", "i32", "u32", "pointer"], result: "i32" },
    mq_unlink: { parameters: ["buffer"], result: "i32" },
  });
  const name = cString(`/listen-fds-test-${Deno.pid}`);
  const O_CREAT = 0o100;
  const fd = rt.symbols.mq_open(
    name,
    LINUX.O_RDWR | O_CREAT | LINUX.O_CLOEXEC,
    0o600,
    null,
  );
  try {
    if (fd < 0) throw new Error("mq_open failed");
    assertEquals(inspectFd(fd).kind, "message-queue");
  } finally {
    if (fd >= 0) libc().close(fd);
    rt.symbols.mq_unlink(name);
    rt.close();
  }
});

Deno.test("inspectFd() reads a Unix listener's path and no peer", async () => {
  const dir = await Deno.makeTempDir();
  const listener = Deno.listen({ transport: "unix", path: `${dir}/s.sock` });
  try {
    // Deno's own fds are private; find this one by its path.
    let found = false;
    for (let fd = 3; fd < 256 && !found; fd++) {
      try {
        const info = inspectFd(fd);
        if (
          info.socket?.address && "path" in info.socket.address &&
          info.socket.address.path === `${dir}/s.sock`
        ) {
          assertEquals([
            info.socket.family,
            info.socket.type,
            info.socket.listening,
          ], ["unix", "stream", true]);
          assertEquals(info.socket.peer, undefined);
          found = true;
        }
      } catch {
        // not open
      }
    }
    assertEquals(found, true);
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("statFd() falls back to fstat() when a seccomp filter refuses statx() with EPERM", async () => {
  for (const path of ["/etc/passwd", "/tmp", "/dev/null"]) {
    const { stdout, stderr, success } = await new Deno.Command(DENO, {
      args: [
        "run",
        "-A",
        join(ROOT, "tests", "fixtures", "stat_without_statx.ts"),
        path,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(success, true, new TextDecoder().decode(stderr));
    const report = JSON.parse(new TextDecoder().decode(stdout));
    assertEquals(report.statx, "EPERM", path);
    assertEquals(report.statFd, report.expected, path);
  }
});

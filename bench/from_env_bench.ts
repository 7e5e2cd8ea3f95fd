/**
 * `ListenFds.fromEnv()` with 16 inherited sockets: parsing, the LISTEN_PID
 * check, the open-and-inherited check and FD_CLOEXEC on every fd (goal: at
 * most 100 µs). Run: `deno task bench`.
 */
import { ListenFds } from "../mod.ts";
import { parseListenEnv } from "../env.ts";
import { libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";

const COUNT = 16;
const FIRST = 800;
const c = libc();
for (let i = 0; i < COUNT; i++) {
  const fd = c.socket(LINUX.AF_INET, LINUX.SOCK_STREAM | LINUX.SOCK_CLOEXEC, 0);
  c.dup2(fd, FIRST + i); // the copy is not close-on-exec, as if inherited
  c.close(fd);
}
const names = Array.from({ length: COUNT }, (_, i) => `socket-${i}`).join(":");
const env = {
  LISTEN_FDS: String(COUNT),
  LISTEN_FDS_FIRST_FD: String(FIRST),
  LISTEN_PID: String(Deno.pid),
  LISTEN_FDNAMES: names,
};

Deno.bench({
  name: "ListenFds.fromEnv() with 16 fds",
  group: "fromEnv",
  baseline: true,
  fn(b): void {
    // Undo the previous iteration's FD_CLOEXEC, outside the measurement.
    for (let i = 0; i < COUNT; i++) c.fcntl(FIRST + i, LINUX.F_SETFD, 0);
    b.start();
    const fds = ListenFds.fromEnv({ env });
    b.end();
    if (fds.length !== COUNT) throw new Error("wrong count");
  },
});

Deno.bench({
  name: "parseListenEnv() with 16 names (no FFI)",
  group: "fromEnv",
  fn(): void {
    parseListenEnv(env, { pid: Deno.pid });
  },
});

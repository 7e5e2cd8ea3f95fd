/**
 * A child for launcher tests: prints one JSON line with what it inherited
 * (the LISTEN_* variables, fds 3.. as found before anything touched them, its
 * pid and pidfd id) and what `ListenFds.fromEnv()` made of it.
 * With `--reply`, writes the same line to fd 3 (an `--accept` connection).
 *
 * @module
 */

import { inspectFd, ownPidfdId } from "../../fd_info.ts";
import { libc } from "../../ffi.ts";
import { ListenFds } from "../../mod.ts";

const VARIABLES = [
  "LISTEN_FDS",
  "LISTEN_PID",
  "LISTEN_PIDFDID",
  "LISTEN_FDNAMES",
  "LISTEN_FDS_FIRST_FD",
  "REMOTE_ADDR",
  "REMOTE_PORT",
  "LAUNCH_TEST_EXTRA",
];
const env = Object.fromEntries(
  VARIABLES.map((name) => [name, Deno.env.get(name)]),
);
const count = Math.min(Number(env.LISTEN_FDS ?? 0) || 0, 16);
const before = Array.from({ length: count }, (_, i) => inspectFd(3 + i));
const report: Record<string, unknown> = {
  pid: Deno.pid,
  pidfdId: ownPidfdId(Deno.pid).id,
  env,
  before,
};
try {
  const fds = ListenFds.fromEnv();
  report.length = fds.length;
  report.names = fds.names;
  report.verification = fds.verification;
  report.after = Array.from(
    { length: count },
    (_, i) => inspectFd(3 + i).closeOnExec,
  );
} catch (error) {
  report.error = String(error);
}
const line = JSON.stringify(
  report,
  (_key, value) => typeof value === "bigint" ? value.toString() : value,
) + "\n";
if (Deno.args.includes("--reply")) {
  const bytes = new TextEncoder().encode(line);
  libc().write(3, bytes, BigInt(bytes.length));
} else {
  console.log(line.trimEnd());
}

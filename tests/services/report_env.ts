/**
 * A service for activation tests: calls `ListenFds.fromEnv()` and prints one
 * JSON line describing what it saw. Arguments:
 *   --keep-env   pass `unsetEnv: false`
 *   --no-ffi     expect to run without --allow-ffi (report the error)
 *
 * @module
 */

import { ListenFds } from "../../mod.ts";

const keepEnv = Deno.args.includes("--keep-env");
const report: Record<string, unknown> = { pid: Deno.pid };

function fdFlags(fd: number): { open: boolean; cloexec?: boolean } {
  try {
    const info = Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`);
    const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(info)?.[1] ?? "0", 8);
    return { open: true, cloexec: (flags & 0o2000000) !== 0 };
  } catch {
    return { open: false };
  }
}

// What the fds looked like before the module touched them.
const first = Number(Deno.env.get("LISTEN_FDS_FIRST_FD") ?? 3);
const announced = Math.min(Number(Deno.env.get("LISTEN_FDS") ?? 0) || 0, 16);
const range = Array.from({ length: announced }, (_, i) => first + i);
report.before = range.map(fdFlags);

function openFdCount(): number | null {
  try {
    return [...Deno.readDirSync("/proc/self/fd")].length;
  } catch {
    return null; // no --allow-all
  }
}
report.openFdsBefore = openFdCount();
try {
  const fds = ListenFds.fromEnv(keepEnv ? { unsetEnv: false } : {});
  report.openFdsAfter = openFdCount();
  report.length = fds.length;
  report.names = fds.names;
  report.verification = fds.verification;
  report.fds = Array.from({ length: fds.length }, (_, i) => fds.inspect(i));
  report.sameSet = ListenFds.fromEnv() === fds;
  if (fds.length > 0) {
    const taken = fds.take(0);
    report.takenOnce = taken?.fd;
    report.takenAgain = ListenFds.fromEnv().take(0) ?? null;
  }
} catch (error) {
  const e = error as Error & Record<string, unknown>;
  report.error = {
    name: e.name,
    code: e.code,
    message: e.message,
    variable: e.variable,
    value: e.value,
    fd: e.fd,
  };
  // The same error again, not an empty set, on a second call.
  try {
    ListenFds.fromEnv();
    report.secondCall = "returned";
  } catch (again) {
    report.secondCall = again === error ? "same error" : String(again);
  }
}

report.after = range.map(fdFlags);
report.env = Object.fromEntries(
  [
    "LISTEN_PID",
    "LISTEN_PIDFDID",
    "LISTEN_FDS",
    "LISTEN_FDNAMES",
    "LISTEN_FDS_FIRST_FD",
  ]
    .map((name) => {
      try {
        return [name, Deno.env.get(name) ?? null];
      } catch {
        return [name, "(no permission)"];
      }
    }),
);

// What a child process inherits: every fd it has besides 0, 1, 2 and the
// directory it lists.
if (Deno.args.includes("--child")) {
  const { stdout } = await new Deno.Command("/bin/sh", {
    args: [
      "-c",
      'for f in /proc/$$/fd/*; do echo "${f##*/} $(readlink "$f")"; done',
    ],
    stdout: "piped",
  }).output();
  report.childFds = new TextDecoder().decode(stdout).trim().split("\n");
}

console.log(
  JSON.stringify(report, (_, v) => typeof v === "bigint" ? v.toString() : v),
);

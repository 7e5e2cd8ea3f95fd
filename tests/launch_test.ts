import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertObjectMatch,
  assertStringIncludes,
} from "@std/assert";
import { join } from "@std/path";
import {
  DENO,
  freePort,
  openFds,
  requirePeer,
  ROOT,
  waitFor,
} from "./support/helpers.ts";
import {
  reportedPort,
  startLauncher,
} from "./fixtures/services/launcher_harness.ts";
import { bindLibc, cString, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { launch } from "../launch.ts";
import type { LaunchedSocket } from "../launch.ts";

const DUMP = join(ROOT, "tests", "fixtures", "services", "launcher_dump.ts");

// Bound once for the whole file: the library stays open by design, which the
// resource sanitizer of Deno 2.0.6 would report inside a test.
bindLibc();

Deno.test("launch passes TCP v4/v6, Unix and UDP sockets at fds 3.. with the variables systemd sets", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "api.sock");
  try {
    const launcher = startLauncher([
      "-s",
      "web=http::0",
      "-s",
      "tcp::[::1]:0",
      "-s",
      `api=unix::${path}`,
      "-s",
      "dns=udp::0",
      "-E",
      "LAUNCH_TEST_EXTRA=yes",
      "--",
      DENO,
      "run",
      "-A",
      "--no-lock",
      DUMP,
    ], {
      // Stale variables of the launcher's own environment are replaced.
      LISTEN_PID: "1",
      LISTEN_FDS: "9",
      LISTEN_FDS_FIRST_FD: "12",
      LISTEN_PIDFDID: "5",
    });
    const status = await launcher.status();
    assertEquals(status.code, 0, launcher.stderr.join("\n"));
    const report = JSON.parse(launcher.stdout.at(-1)!);
    const ports = await Promise.all(
      [3, 4, 6].map((fd) => reportedPort(launcher, fd)),
    );
    assertEquals(report.env, {
      LISTEN_FDS: "4",
      LISTEN_PID: String(report.pid),
      LISTEN_PIDFDID: report.pidfdId,
      LISTEN_FDNAMES: "web:unknown:api:dns",
      LAUNCH_TEST_EXTRA: "yes",
    });
    assert(report.pidfdId !== undefined, "this kernel has pidfs");
    assertEquals(report.before.map((fd: { socket: unknown }) => fd.socket), [
      {
        family: "inet",
        type: "stream",
        listening: true,
        address: { transport: "tcp", hostname: "127.0.0.1", port: ports[0] },
      },
      {
        family: "inet6",
        type: "stream",
        listening: true,
        address: { transport: "tcp", hostname: "::1", port: ports[1] },
      },
      {
        family: "unix",
        type: "stream",
        listening: true,
        address: { transport: "unix", path },
      },
      {
        family: "inet",
        type: "dgram",
        listening: false,
        address: { transport: "udp", hostname: "127.0.0.1", port: ports[2] },
      },
    ]);
    for (const fd of report.before) assertEquals(fd.closeOnExec, false);
    // ListenFds.fromEnv() accepts it: the pid and pidfd id checks pass.
    assertEquals(report.length, 4);
    assertEquals(report.names, ["web", "unknown", "api", "dns"]);
    assertEquals(report.verification, { pid: "verified", pidfdId: "verified" });
    assertEquals(report.after, [true, true, true, true]);
    assertMatch(
      launcher.stderr[0]!,
      /^launch: http:\/\/127\.0\.0\.1:\d+\/ -> fd 3 \(web\)$/,
    );
    assertStringIncludes(
      launcher.stderr.join("\n"),
      `launch: unix ${path} -> fd 5 (api)`,
    );
    // The launcher removed the socket file it created.
    assertEquals(await Deno.lstat(path).catch(() => undefined), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("launch leaks no other fd or ignored signal into the child and forwards SIGTERM", async () => {
  // An inheritable fd in the launcher must not reach the child.
  const leaked = libc().open(cString("/dev/null"), LINUX.O_RDONLY, 0);
  assert(leaked > 2);
  let launcher;
  try {
    launcher = startLauncher([
      "-s",
      "tcp::0",
      "-s",
      "udp::[::1]:0",
      "--",
      "sh",
      "-c",
      "echo child $$; exec sleep 30",
    ]);
  } finally {
    libc().close(leaked);
  }
  const pid = Number((await launcher.line("stdout", /^child (\d+)$/))[1]);
  // Wait for the exec into sleep (the trampoline's pid is kept).
  await waitFor(async () =>
    (await Deno.readTextFile(`/proc/${pid}/comm`)).trim() === "sleep"
  );
  // The kernel renames the process before it closes the close-on-exec fds
  // of the exec: wait until those are gone; a leaked fd stays and fails.
  const expected = [0, 1, 2, 3, 4];
  let fds = openFds(pid);
  try {
    await waitFor(() => {
      fds = openFds(pid);
      return fds.size === expected.length;
    }, { timeout: 2_000 });
  } catch {
    // reported below, with the fds' targets
  }
  assertEquals(
    [...fds.keys()].sort((a, b) => a - b),
    expected,
    JSON.stringify([...fds]),
  );
  assertMatch(fds.get(3)!, /^socket:\[\d+\]$/);
  assertMatch(fds.get(4)!, /^socket:\[\d+\]$/);
  for (const fd of [3, 4]) {
    const info = await Deno.readTextFile(`/proc/${pid}/fdinfo/${fd}`);
    const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(info)![1]!, 8);
    assertEquals(flags & LINUX.O_CLOEXEC, 0, `fd ${fd} is not close-on-exec`);
  }
  const environ = Object.fromEntries(
    (await Deno.readTextFile(`/proc/${pid}/environ`)).split("\0")
      .filter((entry) => entry.includes("="))
      .map((
        entry,
      ) => [
        entry.slice(0, entry.indexOf("=")),
        entry.slice(entry.indexOf("=") + 1),
      ]),
  );
  assertEquals(environ.LISTEN_FDS, "2");
  assertEquals(environ.LISTEN_PID, String(pid));
  assertMatch(environ.LISTEN_PIDFDID ?? "", /^\d+$/);
  assertEquals(environ.LISTEN_FDNAMES, undefined);
  // Default dispositions (Deno ignores SIGPIPE) and an empty signal mask.
  const procStatus = await Deno.readTextFile(`/proc/${pid}/status`);
  assertMatch(procStatus, /^SigIgn:\s*0+$/m);
  assertMatch(procStatus, /^SigBlk:\s*0+$/m);
  launcher.process.kill("SIGTERM");
  const status = await launcher.status();
  assertEquals(status.code, 128 + 15, "exit code of a child killed by SIGTERM");
  assertEquals(
    await Deno.stat(`/proc/${pid}`).catch(() => undefined),
    undefined,
  );
});

Deno.test("launch --no-pid omits LISTEN_PID and LISTEN_PIDFDID, and exits with the child's code", async () => {
  const launcher = startLauncher([
    "--no-pid",
    "--fdname",
    "a",
    "-s",
    "0",
    "--",
    "sh",
    "-c",
    'echo "${LISTEN_PID-unset} ${LISTEN_PIDFDID-unset} $LISTEN_FDS $LISTEN_FDNAMES"; exit 7',
  ]);
  const status = await launcher.status();
  assertEquals(status.code, 7);
  assertEquals(launcher.stdout, ["unset unset 1 a"]);
});

Deno.test("launch -E passes the launcher's own value or a given one", async () => {
  const launcher = startLauncher([
    "-q",
    "-s",
    "0",
    "-E",
    "LAUNCH_A",
    "-E",
    "LAUNCH_B=two",
    "-E",
    "LAUNCH_MISSING",
    "--",
    "sh",
    "-c",
    'echo "$LAUNCH_A $LAUNCH_B ${LAUNCH_MISSING-unset}"',
  ], { LAUNCH_A: "one" });
  const status = await launcher.status();
  assertEquals(status.code, 0);
  assertEquals(launcher.stdout, ["one two unset"]);
  assertEquals(launcher.stderr, [], "-q prints nothing");
});

Deno.test("launch --help prints the grammar and a bad spec exits 2 naming it", async () => {
  const help = startLauncher(["--help"]);
  assertEquals((await help.status()).code, 0);
  assertStringIncludes(
    help.stdout.join("\n"),
    "Socket spec: [NAME=][TYPE::]VALUE",
  );
  const bad = startLauncher(["-s", "http::99999", "--", "true"]);
  assertEquals((await bad.status()).code, 2);
  assertEquals(bad.stderr, [
    'launch: Cannot parse socket spec "http::99999": port 99999 is out of range (0 to 65535)',
    "Run with --help for the usage.",
  ]);
});

Deno.test("launch exits 1 with the failing call when a port is taken", async () => {
  const port = freePort();
  const taken = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    const launcher = startLauncher(["-s", `tcp::${port}`, "--", "true"]);
    assertEquals((await launcher.status()).code, 1);
    assertEquals(launcher.stderr, [
      `launch: Cannot bind socket "tcp::${port}": bind failed with EADDRINUSE (Address already in use)`,
    ]);
  } finally {
    taken.close();
  }
});

Deno.test("launch() reports the bound sockets and stops its child on abort", async () => {
  const controller = new AbortController();
  const lines: string[] = [];
  let sockets: readonly LaunchedSocket[] = [];
  const code = launch(["-s", "api=http::0", "--", "sleep", "30"], {
    signal: controller.signal,
    forwardSignals: false,
    log: (line) => lines.push(line),
    onListen: (bound) => {
      sockets = bound;
    },
  });
  await waitFor(() =>
    lines.some((line) => line.startsWith("launch: started pid"))
  );
  assertEquals(sockets.length, 1);
  assertObjectMatch(sockets[0]!, {
    fd: 3,
    name: "api",
    spec: "api=http::0",
    address: { transport: "tcp", hostname: "127.0.0.1" },
  });
  const port = (sockets[0]!.address as Deno.NetAddr).port;
  assert(port > 0);
  // The socket listens in the launcher: a connection is queued.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.close();
  controller.abort();
  assertEquals(await code, 128 + 15);
  assertEquals(lines[0], `launch: http://127.0.0.1:${port}/ -> fd 3 (api)`);
});

Deno.test("launch rejects a --watch path that does not exist before binding anything", async () => {
  const launcher = startLauncher([
    "-s",
    "0",
    "-w",
    "/nonexistent/x",
    "--",
    "true",
  ]);
  assertEquals((await launcher.status()).code, 2);
  assertEquals(launcher.stderr, [
    'launch: Cannot watch "/nonexistent/x": no such file or directory',
    "Run with --help for the usage.",
  ]);
});

async function readAll(conn: Deno.Conn): Promise<string> {
  return await new Response(conn.readable).text();
}

Deno.test("launch --accept runs one child per connection with it at fd 3, as systemd does", async () => {
  const launcher = startLauncher([
    "--accept",
    "-s",
    "tcp::0",
    "--",
    DENO,
    "run",
    "-A",
    "--no-lock",
    DUMP,
    "--reply",
  ]);
  try {
    const port = await reportedPort(launcher, 3);
    const pids = new Set<number>();
    for (let i = 0; i < 2; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const local = conn.localAddr as Deno.NetAddr;
      const report = JSON.parse(await readAll(conn));
      pids.add(report.pid);
      assertEquals(report.env, {
        LISTEN_FDS: "1",
        LISTEN_PID: String(report.pid),
        LISTEN_PIDFDID: report.pidfdId,
        LISTEN_FDNAMES: "connection",
        REMOTE_ADDR: "127.0.0.1",
        REMOTE_PORT: String(local.port),
      });
      assertEquals(report.before[0].closeOnExec, false);
      assertEquals(report.before[0].socket, {
        family: "inet",
        type: "stream",
        listening: false,
        address: { transport: "tcp", hostname: "127.0.0.1", port },
        peer: { transport: "tcp", hostname: "127.0.0.1", port: local.port },
      });
      assertEquals(report.names, ["connection"]);
      assertEquals(report.verification, {
        pid: "verified",
        pidfdId: "verified",
      });
    }
    assertEquals(pids.size, 2, "a new child for every connection");
  } finally {
    launcher.process.kill("SIGTERM");
    assertEquals((await launcher.status()).code, 0);
  }
});

Deno.test("launch --accept on a Unix socket sets no REMOTE_* for an unnamed peer", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "a.sock");
  const launcher = startLauncher([
    "-a",
    "-s",
    `unix::${path}`,
    "--",
    "sh",
    "-c",
    'echo "${REMOTE_ADDR-unset} ${REMOTE_PORT-unset} $LISTEN_FDS $LISTEN_FDNAMES $LISTEN_PID $$" >&3',
  ]);
  try {
    await launcher.line("stderr", /-> fd 3$/);
    const conn = await Deno.connect({ transport: "unix", path });
    const [addr, port, fds, names, listenPid, pid] = (await readAll(conn))
      .trim().split(" ");
    assertEquals([addr, port, fds, names], [
      "unset",
      "unset",
      "1",
      "connection",
    ]);
    assertEquals(listenPid, pid);
    assertNotEquals(pid, undefined);
  } finally {
    launcher.process.kill("SIGINT");
    assertEquals((await launcher.status()).code, 0);
    await waitFor(async () =>
      (await Deno.lstat(path).catch(() => undefined)) === undefined
    );
    await Deno.remove(dir, { recursive: true });
  }
});

/** A child that counts SIGINTs as they come and prints the count on SIGTERM. */
const COUNT_SIGNALS = `
import os, signal, sys, time
count = 0
def on_int(number, frame):
    global count
    count += 1
    print("INT", count, flush=True)
def on_term(number, frame):
    print("TERM", count, flush=True)
    sys.exit(0)
signal.signal(signal.SIGINT, on_int)
signal.signal(signal.SIGTERM, on_term)
print("ready", os.getpid(), os.getpgrp(), flush=True)
while True:
    time.sleep(1)
`;

function processGroup(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

Deno.test("launch runs the child in its own process group and forwards a terminal's SIGINT once", async () => {
  // setsid(1) execs the launcher in place as the leader of a new group, the
  // way a shell runs a foreground job; Ctrl-C signals that whole group.
  const setsid = requirePeer("/usr/bin/setsid");
  const launcher = startLauncher(
    ["-s", "tcp::0", "--", "python3", "-c", COUNT_SIGNALS],
    {},
    [setsid],
  );
  const launcherPid = launcher.process.pid;
  const [, child, group] = await launcher.line(
    "stdout",
    /^ready (\d+) (\d+)$/,
  );
  assertEquals(processGroup(launcherPid), launcherPid);
  assertEquals(Number(group), Number(child), "the child leads its own group");
  assertNotEquals(processGroup(Number(child)), launcherPid);
  assertEquals(libc().kill(-launcherPid, 2), 0); // SIGINT to the job
  await launcher.line("stdout", /^INT 1$/);
  // Long enough for a second delivery (same group, then forwarded) to land.
  await new Promise((resolve) => setTimeout(resolve, 500));
  launcher.process.kill("SIGTERM");
  await launcher.status();
  assertEquals(launcher.stdout.filter((line) => line.startsWith("INT")), [
    "INT 1",
  ]);
  assertEquals(launcher.stdout.at(-1), "TERM 1");
});

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

Deno.test("launch's child does not outlive a launcher killed with SIGKILL", async () => {
  const launcher = startLauncher([
    "-s",
    "tcp::0",
    "--",
    "sh",
    "-c",
    "echo child $$; exec sleep 60",
  ]);
  const pid = Number((await launcher.line("stdout", /^child (\d+)$/))[1]);
  try {
    assertEquals(
      launcher.stderr.some((line) => line.includes("setpriv")),
      false,
      "setpriv is installed (util-linux)",
    );
    launcher.process.kill("SIGKILL");
    // Not launcher.status(): that waits for the output pipes, which a
    // surviving child holds open.
    await launcher.process.status;
    await waitFor(() => !alive(pid), {
      timeout: 10_000,
      what: `child ${pid} to end with its launcher`,
    });
  } finally {
    if (alive(pid)) libc().kill(pid, 9);
    await launcher.status();
  }
});

Deno.test("launch escapes a backslash in a name and names every socket with one --fdname", async () => {
  const launcher = startLauncher([
    "--fdname",
    "w\\eb",
    "-s",
    "tcp::0",
    "-s",
    "tcp::0",
    "--",
    DENO,
    "run",
    "-A",
    "--no-lock",
    DUMP,
  ]);
  const status = await launcher.status();
  assertEquals(status.code, 0, launcher.stderr.join("\n"));
  const report = JSON.parse(launcher.stdout.at(-1)!);
  assertEquals(report.env.LISTEN_FDNAMES, "w\\\\eb:w\\\\eb");
  assertEquals(report.names, ["w\\eb", "w\\eb"]);
});

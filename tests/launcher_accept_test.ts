import { assertEquals, assertNotEquals } from "@std/assert";
import { join } from "@std/path";
import { DENO, ROOT, waitFor } from "./_helpers.ts";
import { reportedPort, startLauncher } from "./services/launcher_harness.ts";

const DUMP = join(ROOT, "tests", "services", "launcher_dump.ts");

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

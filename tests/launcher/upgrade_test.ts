/**
 * Hot upgrades by the launcher (`launch --upgrade-on`): a signal to the
 * launcher starts a new child with the same sockets, and the old child is
 * stopped once the new one sent `READY=1`, or serves on when the new one
 * fails.
 *
 * @module
 */

import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { join } from "@std/path";
import { DENO, ROOT, waitFor } from "../support/helpers.ts";
import {
  type LauncherProcess,
  reportedPort,
  startLauncher,
} from "../fixtures/services/launcher_harness.ts";

const CHILD = join(
  ROOT,
  "tests",
  "fixtures",
  "services",
  "launcher_upgrade.ts",
);

/** One HTTP/1.1 request on a fresh connection; returns the serving pid. */
async function request(port: number): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(
        "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
      ),
    );
  } catch (error) {
    conn.close();
    throw error;
  }
  const text = await new Response(conn.readable).text();
  if (!text.startsWith("HTTP/1.1 200 ")) {
    throw new Error(`unexpected response ${JSON.stringify(text.slice(0, 40))}`);
  }
  return text.slice(text.indexOf("\r\n\r\n") + 4).trim();
}

/** Requests in a loop on fresh connections until stopped. */
function load(port: number): {
  ok(): number;
  servedBy: Map<string, number>;
  stop(): Promise<{ ok: number; failures: string[] }>;
} {
  let stopping = false;
  let ok = 0;
  const failures: string[] = [];
  const servedBy = new Map<string, number>();
  const workers = Array.from({ length: 4 }, async () => {
    while (!stopping) {
      try {
        const pid = await request(port);
        ok++;
        servedBy.set(pid, (servedBy.get(pid) ?? 0) + 1);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  return {
    ok: () => ok,
    servedBy,
    async stop(): Promise<{ ok: number; failures: string[] }> {
      stopping = true;
      await Promise.all(workers);
      return { ok, failures };
    },
  };
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** A launcher running the test child with upgrades on SIGHUP. */
async function launchWithUpgrades(
  dir: string,
  extra: string[] = [],
): Promise<{ launcher: LauncherProcess; port: number; first: number }> {
  const launcher = startLauncher([
    "--upgrade-on",
    "SIGHUP",
    ...extra,
    "-s",
    "web=http::0",
    "--",
    DENO,
    "run",
    "-A",
    "--no-lock",
    CHILD,
  ], { BEHAVIOUR: join(dir, "behaviour") });
  const port = await reportedPort(launcher, 3);
  const ready = await launcher.line("stderr", /^launch: pid (\d+) is ready$/);
  return { launcher, port, first: Number(ready[1]) };
}

/** What a child printed at start (see launcher_upgrade.ts). */
function startReport(
  launcher: LauncherProcess,
  pid: number,
): Record<string, unknown> | undefined {
  for (const line of launcher.stdout) {
    try {
      const report = JSON.parse(line);
      if (report.pid === pid) return report;
    } catch {
      // not a report
    }
  }
  return undefined;
}

async function stopLauncher(launcher: LauncherProcess): Promise<number> {
  launcher.process.kill("SIGTERM");
  return (await launcher.status()).code;
}

Deno.test("launch --upgrade-on SIGHUP starts a new child with the same sockets, stops the old one once the new one is ready, and no request fails", async () => {
  const dir = await Deno.makeTempDir();
  const { launcher, port, first } = await launchWithUpgrades(dir);
  const running = load(port);
  let code: number | undefined;
  const pids = [first];
  try {
    for (let i = 0; i < 2; i++) {
      const old = pids.at(-1)!;
      await waitFor(() => (running.servedBy.get(String(old)) ?? 0) >= 50, {
        what: `50 requests answered by pid ${old}`,
        progress: () => running.ok(),
      });
      launcher.process.kill("SIGHUP");
      const ready = await launcher.line(
        "stderr",
        new RegExp(
          `^launch: upgrade: pid (\\d+) is ready; stopping pid ${old}$`,
        ),
      );
      const next = Number(ready[1]);
      pids.push(next);
      await launcher.line(
        "stderr",
        new RegExp(`^launch: pid ${old} exited with code 0$`),
      );
      assert(!alive(old));
      await waitFor(() => (running.servedBy.get(String(next)) ?? 0) >= 50, {
        what: `50 requests answered by pid ${next}`,
        progress: () => running.ok(),
      });
    }
  } finally {
    const { failures } = await running.stop();
    code = await stopLauncher(launcher);
    await Deno.remove(dir, { recursive: true });
    assertEquals(failures, []);
  }
  assertEquals([...running.servedBy.keys()].sort(), pids.map(String).sort());
  // Each new child is an ordinary activated process: the same named socket,
  // its own LISTEN_PID and LISTEN_PIDFDID, and the launcher's NOTIFY_SOCKET.
  for (const pid of pids) {
    const report = startReport(launcher, pid)!;
    assertEquals(report.names, ["web"]);
    assertEquals(report.verification, { pid: "verified", pidfdId: "verified" });
    assert(String(report.notifySocket).startsWith("@listen-fds-launch/"));
  }
  assertEquals(
    launcher.stderr.filter((line) => line.startsWith("launch: started pid"))
      .length,
    3,
  );
  // The last child drained on the forwarded SIGTERM.
  assertEquals(code, 0);
});

Deno.test("launch --upgrade-on: a new child that exits before READY=1 is reported and the old child keeps serving", async () => {
  const dir = await Deno.makeTempDir();
  const { launcher, port, first } = await launchWithUpgrades(dir);
  try {
    await Deno.writeTextFile(join(dir, "behaviour"), "crash");
    launcher.process.kill("SIGHUP");
    const failed = await launcher.line(
      "stderr",
      new RegExp(
        `^launch: upgrade failed: pid (\\d+) exited with code 3 before it sent READY=1 \\(it sent STATUS=cannot load the configuration\\); pid ${first} keeps serving$`,
      ),
    );
    assertNotEquals(Number(failed[1]), first);
    assert(alive(first));
    assertEquals(await request(port), String(first));
    // The next upgrade, with a working child, succeeds.
    await Deno.writeTextFile(join(dir, "behaviour"), "ok");
    launcher.process.kill("SIGHUP");
    const ready = await launcher.line(
      "stderr",
      new RegExp(
        `^launch: upgrade: pid (\\d+) is ready; stopping pid ${first}$`,
      ),
    );
    await launcher.line(
      "stderr",
      new RegExp(`^launch: pid ${first} exited with code 0$`),
    );
    assertEquals(await request(port), ready[1]);
  } finally {
    assertEquals(await stopLauncher(launcher), 0);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("launch --upgrade-on: a new child that sends no READY=1 within --upgrade-timeout is stopped and the old child keeps serving", async () => {
  const dir = await Deno.makeTempDir();
  const { launcher, port, first } = await launchWithUpgrades(dir, [
    "--upgrade-timeout",
    "1500",
  ]);
  try {
    await Deno.writeTextFile(join(dir, "behaviour"), "hang");
    launcher.process.kill("SIGHUP");
    const failed = await launcher.line(
      "stderr",
      new RegExp(
        `^launch: upgrade failed: pid (\\d+) sent no READY=1 within 1500 ms; stopping it; pid ${first} keeps serving$`,
      ),
    );
    const hung = Number(failed[1]);
    assertNotEquals(hung, first);
    await launcher.line(
      "stderr",
      new RegExp(`^launch: pid ${hung} (exited with code|was killed by)`),
    );
    assert(!alive(hung));
    assert(alive(first));
    // The hung child served meanwhile (it shares the socket); now only the
    // old one answers.
    for (let i = 0; i < 5; i++) {
      assertEquals(await request(port), String(first));
    }
  } finally {
    assertEquals(await stopLauncher(launcher), 0);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a child's own handleUpgrades() refuses to upgrade under launch, whose forwarded SIGHUP would leave its successor unsupervised, and serves on", async () => {
  const dir = await Deno.makeTempDir();
  const obs = join(dir, "events.jsonl");
  const events = async (): Promise<Record<string, unknown>[]> => {
    try {
      return (await Deno.readTextFile(obs)).split("\n").filter(Boolean).map(
        (line) => JSON.parse(line),
      );
    } catch {
      return [];
    }
  };
  const launcher = startLauncher([
    "-s",
    "web=http::0",
    "--",
    DENO,
    "run",
    "-A",
    "--no-lock",
    join(ROOT, "tests", "fixtures", "services", "upgrade_service.ts"),
  ], { UPGRADE_OBS: obs });
  try {
    const port = await reportedPort(launcher, 3);
    const ready = await waitFor(
      async () => (await events()).find((e) => e.event === "ready"),
      { what: "the child to be ready" },
    );
    const child = ready.pid as number;
    launcher.process.kill("SIGHUP"); // forwarded to the child
    const failed = await waitFor(
      async () => (await events()).find((e) => e.event === "upgrade-failed"),
      { what: "the child's upgrade to be refused" },
    );
    assertEquals(failed.pid, child);
    assertEquals(failed.code, "UPGRADE_FAILED");
    assertEquals(
      failed.message,
      `Cannot upgrade: this process runs under launch (pid ${launcher.process.pid}), which would not supervise the successor; let launch upgrade it (launch --upgrade-on SIGHUP)`,
    );
    assertEquals(await request(port), String(child));
    // No successor was started.
    assertEquals(
      (await events()).filter((e) => e.event === "started").map((e) => e.pid),
      [child],
    );
  } finally {
    const code = await stopLauncher(launcher);
    // A successor that escaped the launcher (the failure this test catches).
    for (const event of await events()) {
      if (alive(event.pid as number)) Deno.kill(event.pid as number, "SIGKILL");
    }
    await Deno.remove(dir, { recursive: true });
    assertEquals(code, 0);
  }
});

Deno.test("launch --upgrade-on takes READY=1 from a process in the new child's process group (a wrapper under --no-pid)", async () => {
  const dir = await Deno.makeTempDir();
  // A wrapper that forks the server and passes SIGTERM on, as deno task does.
  const wrapper = `${DENO} run -A --no-lock ${CHILD} & c=$!; ` +
    `trap 'kill $c; wait $c' TERM; wait $c`;
  const launcher = startLauncher([
    "--no-pid",
    "--upgrade-on",
    "SIGHUP",
    "-s",
    "web=http::0",
    "--",
    "/bin/sh",
    "-c",
    wrapper,
  ], { BEHAVIOUR: join(dir, "behaviour") });
  try {
    const port = await reportedPort(launcher, 3);
    const ready = await launcher.line("stderr", /^launch: pid (\d+) is ready$/);
    const firstWrapper = Number(ready[1]);
    const firstServer = await request(port);
    assertNotEquals(firstServer, String(firstWrapper));
    launcher.process.kill("SIGHUP");
    await launcher.line(
      "stderr",
      new RegExp(
        `^launch: upgrade: pid \\d+ is ready; stopping pid ${firstWrapper}$`,
      ),
    );
    await launcher.line(
      "stderr",
      new RegExp(`^launch: pid ${firstWrapper} exited`),
    );
    assert(!alive(Number(firstServer)));
    assertNotEquals(await request(port), firstServer);
  } finally {
    await stopLauncher(launcher); // the wrapper's status: 143 from dash
    await Deno.remove(dir, { recursive: true });
  }
});

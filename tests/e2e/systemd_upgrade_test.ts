/**
 * End-to-end tests of hot upgrades (`upgrade.ts`) and `Type=notify-reload`
 * (`reload.ts`) under a real systemd (`tests/support/systemd.ts`, root):
 * systemd 252 (`Type=notify`, `ExecReload=kill -HUP $MAINPID`) and systemd
 * 262 (`Type=notify-reload`, which refuses a service that has not caught
 * `SIGHUP` by `READY=1`).
 *
 * @module
 */

import {
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
} from "@std/assert";
import { denoService, Harness, OBS_IN_HARNESS } from "../support/systemd.ts";
import { freePort, waitFor } from "../support/helpers.ts";

type Event = Record<string, unknown> & { pid: number; event: string };

async function events(path: string): Promise<Event[]> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter(Boolean).map(
      (line) => JSON.parse(line),
    );
  } catch {
    return [];
  }
}

type Version = "installed" | "262";

function upgradeUnits(port: number, version: Version): Record<string, string> {
  return {
    "up.socket": [
      "[Socket]",
      `ListenStream=127.0.0.1:${port}`,
      "FileDescriptorName=web",
      "Backlog=1024",
      "",
    ].join("\n"),
    "up.service": denoService("tests/fixtures/services/upgrade_service.ts", {
      type: version === "262" ? "notify-reload" : "notify",
      env: {
        UPGRADE_OBS: `${OBS_IN_HARNESS}/events.jsonl`,
        UPGRADE_BEHAVIOUR: `${OBS_IN_HARNESS}/behaviour`,
        UPGRADE_STATE: "1",
        UPGRADE_TIMEOUT: "5000",
        // The drain ends once every accepted connection was answered; its
        // bound only cuts a client that connected and sent nothing yet. Far
        // above any stall of a loaded machine (the fixture's 1 s is not),
        // under handleUpgrades()'s drainTimeout (10 s) and TimeoutStopSec.
        DRAIN_TIMEOUT: "5000",
      },
      service: [
        // MAINPID= comes from the old main process, so NotifyAccess=main
        // would do for the hand-over; the successor stores its state in the
        // fd store before it is the main process, which needs "all".
        "NotifyAccess=all",
        "FileDescriptorStoreMax=4",
        "TimeoutStopSec=20",
        ...(version === "262" ? [] : ["ExecReload=/bin/kill -HUP $MAINPID"]),
      ],
    }),
  };
}

/** Fresh-connection requests in a loop until stopped. */
function load(port: number): {
  served(pid: number): number;
  answered(): number;
  stop(): Promise<{ ok: number; failures: string[]; pids: Set<string> }>;
} {
  let stopping = false;
  const result = { ok: 0, failures: [] as string[], pids: new Set<string>() };
  const byPid = new Map<string, number>();
  const workers = Array.from({ length: 4 }, async () => {
    while (!stopping) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`, {
          headers: { connection: "close" },
        });
        const body = await response.text();
        if (response.status !== 200) {
          throw new Error(`status ${response.status}`);
        }
        result.pids.add(body);
        byPid.set(body, (byPid.get(body) ?? 0) + 1);
        result.ok++;
      } catch (error) {
        result.failures.push(String(error));
      }
    }
  });
  return {
    served: (pid) => byPid.get(String(pid)) ?? 0,
    answered: () => result.ok + result.failures.length,
    async stop(): Promise<
      { ok: number; failures: string[]; pids: Set<string> }
    > {
      stopping = true;
      await Promise.all(workers);
      return result;
    },
  };
}

async function get(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    headers: { connection: "close" },
  });
  assertEquals(response.status, 200);
  return await response.text();
}

async function pidsAlive(h: Harness, pids: number[]): Promise<number[]> {
  const alive: number[] = [];
  for (const pid of pids) {
    if ((await h.run(["kill", "-0", String(pid)])).code === 0) alive.push(pid);
  }
  return alive;
}

for (const version of ["installed", "262"] as const) {
  const label = version === "262"
    ? "systemd 262 (Type=notify-reload)"
    : "systemd 252 (Type=notify, ExecReload=kill -HUP)";

  Deno.test(`under ${label}, systemctl reload hot-upgrades the service: new MainPID, fd store handed over, 0 failed requests`, async () => {
    const port = freePort();
    await using h = await Harness.up({
      name: "upgrade",
      units: upgradeUnits(port, version),
      systemd: version,
    });
    await h.ctl("start", "up.socket", "up.service");
    const first = Number(await h.show("up.service", "MainPID"));
    assertEquals(await get(port), String(first));
    const running = load(port);
    // Progress, not time: each main process answers requests before the
    // next step, however slow the machine (a 300 ms sleep assumed it).
    const servedBy = (pid: number) =>
      waitFor(() => running.served(pid) >= 20 || undefined, {
        what: `20 requests answered by pid ${pid}`,
        progress: () => running.answered(),
      });
    await servedBy(first);
    const mainPids = [first];
    for (let i = 0; i < 2; i++) {
      const before = mainPids.at(-1)!;
      await h.ctl("reload", "up.service");
      const after = Number(
        await waitFor(async () => {
          const pid = await h.show("up.service", "MainPID");
          return pid !== String(before) && pid !== "0" && pid;
        }, { what: "MainPID to change" }),
      );
      mainPids.push(after);
      await servedBy(after);
    }
    const { failures, pids } = await running.stop();
    assertEquals(failures, []);
    assertEquals(
      [...pids].map(Number).sort((a, b) => a - b),
      [...mainPids].sort((a, b) => a - b),
    );
    assertEquals(await h.show("up.service", "ActiveState"), "active");
    assertEquals(await h.show("up.service", "NRestarts"), "0");
    const seen = await events(h.obs("events.jsonl"));
    const upgraded = seen.filter((e) => e.event === "upgraded");
    assertEquals(upgraded.map((e) => [e.pid, e.successor]), [
      [mainPids[0], mainPids[1]],
      [mainPids[1], mainPids[2]],
    ]);
    // Each successor got the socket and the stored memfd by name, and read
    // back its predecessor's state.
    for (const pid of mainPids.slice(1)) {
      const started = seen.find((e) => e.pid === pid && e.event === "started")!;
      assertEquals(started.names, ["web", "state"]);
      // LISTEN_PIDFDID from the old process (the kernel has pidfs).
      assertEquals(started.verification, {
        pid: "verified",
        pidfdId: "verified",
      });
      const state = seen.find((e) => e.pid === pid && e.event === "state")!;
      assertEquals(
        state.restored,
        `pid=${mainPids[mainPids.indexOf(pid) - 1]}`,
      );
    }
    await waitFor(
      async () => (await pidsAlive(h, mainPids.slice(0, -1))).length === 0,
      {
        what: "the old processes to exit",
      },
    );
    // systemd's fd store holds what the last process stored: a restart
    // hands it over as the upgrades did.
    await h.ctl("restart", "up.service");
    const restarted = Number(await h.show("up.service", "MainPID"));
    const after = await events(h.obs("events.jsonl"));
    assertEquals(
      after.find((e) => e.pid === restarted && e.event === "started")?.names,
      ["web", "state"],
    );
    assertEquals(
      after.find((e) => e.pid === restarted && e.event === "state")?.restored,
      `pid=${mainPids[2]}`,
    );
    await h.ctl("reload", "up.service");
    await waitFor(
      async () => (await h.show("up.service", "MainPID")) !== String(restarted),
      { what: "MainPID to change" },
    );
    await h.ctl("stop", "up.service");
    assertEquals(await h.show("up.service", "Result"), "success");
    // The successor was re-parented to systemd before MAINPID=: systemd
    // supervises it as its own child (so stop waits for it, on 252 too).
    assertEquals(
      (await h.logs("up.service")).includes("which is not our child"),
      false,
    );
  });

  Deno.test(`under ${label}, a successor that crashes leaves the old process serving with STATUS= telling why`, async () => {
    const port = freePort();
    await using h = await Harness.up({
      name: "upcrash",
      units: upgradeUnits(port, version),
      systemd: version,
    });
    await h.ctl("start", "up.socket", "up.service");
    const first = await h.show("up.service", "MainPID");
    await Deno.writeTextFile(h.obs("behaviour"), "crash");
    await h.ctlStatus("reload", "up.service");
    await waitFor(
      async () =>
        (await events(h.obs("events.jsonl"))).some((e) =>
          e.event === "upgrade-failed"
        ),
      { what: "the upgrade to fail" },
    );
    await waitFor(
      async () => (await h.show("up.service", "SubState")) === "running",
      { what: "the unit to be running again" },
    );
    assertEquals(await h.show("up.service", "MainPID"), first);
    assertEquals(await h.show("up.service", "ActiveState"), "active");
    assertMatch(
      await h.show("up.service", "StatusText"),
      /^Upgrade failed: Cannot upgrade: successor \d+ .* exited before it was ready$/,
    );
    assertEquals(await get(port), first);
    // A later reload with a working successor upgrades.
    await Deno.writeTextFile(h.obs("behaviour"), "ok");
    await h.ctl("reload", "up.service");
    await waitFor(
      async () => (await h.show("up.service", "MainPID")) !== first,
      { what: "MainPID to change" },
    );
    assertEquals(await h.show("up.service", "StatusText"), "");
  });

  Deno.test(`under ${label}, a second systemctl reload during an upgrade leaves exactly one process per hand-over and no orphan`, async () => {
    const port = freePort();
    await using h = await Harness.up({
      name: "uptwice",
      units: upgradeUnits(port, version),
      systemd: version,
    });
    await h.ctl("start", "up.socket", "up.service");
    const first = Number(await h.show("up.service", "MainPID"));
    await Deno.writeTextFile(h.obs("behaviour"), "slow");
    const running = load(port);
    const reloads = [
      h.ctlStatus("reload", "up.service"),
      new Promise((resolve) => setTimeout(resolve, 400)).then(() =>
        h.ctlStatus("reload", "up.service")
      ),
    ];
    const results = await Promise.all(reloads);
    // Let whatever the reloads started finish.
    await waitFor(async () => {
      const seen = await events(h.obs("events.jsonl"));
      const started = seen.filter((e) => e.event === "started").length;
      const done = seen.filter((e) =>
        e.event === "upgraded" || e.event === "upgrade-failed"
      ).length;
      return started === done + 1 &&
        (await h.show("up.service", "SubState")) === "running";
    }, { what: "the upgrades to settle", timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { failures } = await running.stop();
    assertEquals(failures, []);
    const seen = await events(h.obs("events.jsonl"));
    const started = seen.filter((e) => e.event === "started").map((e) => e.pid);
    const upgraded = seen.filter((e) => e.event === "upgraded");
    const main = Number(await h.show("up.service", "MainPID"));
    // A chain first → … → main, one successor per hand-over.
    assertEquals(started[0], first);
    assertEquals(started.at(-1), main);
    assertEquals(
      upgraded.map((e) => [e.pid, e.successor]),
      started.slice(0, -1).map((pid, i) => [pid, started[i + 1]]),
    );
    assertEquals(await pidsAlive(h, started.slice(0, -1)), []);
    assertEquals(await get(port), String(main));
    if (version === "262") {
      // systemd queues the second reload job until the first one's READY=1,
      // then signals the new main process: two upgrades, both reloads succeed.
      for (const result of results) assertEquals(result.code, 0, result.stderr);
      assertEquals(started.length, 3);
    } else {
      assertNotEquals(started.length, 1);
    }
  });
}

Deno.test("under systemd 262, a Type=notify-reload service with handleReload() reloads; a failed reload keeps it running with STATUS= and ERRNO=", async () => {
  await using h = await Harness.up({
    name: "nreload",
    systemd: "262",
    units: {
      "rl.service": denoService("tests/fixtures/services/reload_service.ts", {
        type: "notify-reload",
        env: {
          RELOAD_OBS: `${OBS_IN_HARNESS}/reload.jsonl`,
          RELOAD_BEHAVIOUR: `${OBS_IN_HARNESS}/behaviour`,
        },
      }),
    },
  });
  // systemd 262 would fail the start (Result=protocol) had SIGHUP not been
  // caught by READY=1.
  await h.ctl("start", "rl.service");
  const pid = await h.show("rl.service", "MainPID");
  await h.ctl("reload", "rl.service");
  let seen = await events(h.obs("reload.jsonl"));
  assertEquals(seen.filter((e) => e.event === "reload").length, 1);
  await Deno.writeTextFile(h.obs("behaviour"), "fail");
  const failed = await h.ctlStatus("reload", "rl.service");
  seen = await events(h.obs("reload.jsonl"));
  assertEquals(seen.filter((e) => e.event === "reload").length, 2);
  await waitFor(
    async () => (await h.show("rl.service", "SubState")) === "running",
    { what: "the unit to be running again" },
  );
  assertEquals(await h.show("rl.service", "MainPID"), pid);
  assertEquals(await h.show("rl.service", "ActiveState"), "active");
  assertStringIncludes(
    await h.show("rl.service", "StatusText"),
    "Reload failed: configuration file is missing",
  );
  assertEquals(await h.show("rl.service", "StatusErrno"), "2");
  // systemd has no way to fail a reload job on the service's word: the
  // failure shows in STATUS=/ERRNO= (systemctl status), the job succeeds.
  assertEquals(failed.code, 0, failed.stderr);
  await Deno.writeTextFile(h.obs("behaviour"), "ok");
  await h.ctl("reload", "rl.service");
  assertEquals(await h.show("rl.service", "StatusText"), "");
});

/**
 * End-to-end tests of sd_notify, the watchdog and the fd store under a real
 * systemd (`tests/support/systemd.ts`, needs root).
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertNotEquals,
  assertStringIncludes,
} from "@std/assert";
import { denoService, Harness, OBS_IN_HARNESS } from "../support/systemd.ts";
import {
  acceptQueueLength,
  bodyOf,
  freePort,
  httpGet,
  waitFor,
} from "../support/helpers.ts";
import { runRestartDemo } from "../../bench/restart_demo.ts";

const SERVICE = "tests/fixtures/services/notify_service.ts";

async function events(
  path: string,
): Promise<Record<string, unknown>[]> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter(Boolean).map(
      (line) => JSON.parse(line),
    );
  } catch {
    return [];
  }
}

Deno.test("notifyReady() makes a Type=notify unit active only once it is sent", async () => {
  await using h = await Harness.up({
    name: "nready",
    units: {
      "nready.service": denoService(SERVICE, {
        type: "notify",
        args: ["ready-on-trigger"],
        env: {
          NOTIFY_OBS: `${OBS_IN_HARNESS}/ready.jsonl`,
          NOTIFY_TRIGGER: `${OBS_IN_HARNESS}/go`,
        },
      }),
    },
  });
  await h.ctl("start", "--no-block", "nready.service");
  await waitFor(
    async () =>
      (await events(h.obs("ready.jsonl"))).some((e) => e.event === "started"),
    { what: "the service to start", timeout: 20_000 },
  );
  // Started, but no READY=1 yet: still activating.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assertEquals(await h.show("nready.service", "ActiveState"), "activating");
  assertEquals(await h.show("nready.service", "SubState"), "start");
  await Deno.writeTextFile(h.obs("go"), "");
  await waitFor(
    async () => (await h.show("nready.service", "ActiveState")) === "active",
    { what: "the unit to become active" },
  );
  const ready = (await events(h.obs("ready.jsonl"))).find((e) =>
    e.event === "ready"
  );
  assertEquals(
    String(ready?.pid),
    await h.show("nready.service", "MainPID"),
  );
  // STOPPING=1 from handleShutdown() and a clean exit.
  await h.ctl("stop", "nready.service");
  assertEquals(await h.show("nready.service", "Result"), "success");
});

Deno.test("startWatchdog() keeps a WatchdogSec= unit alive; without it systemd restarts the unit", async () => {
  const unit = (mode: string): string =>
    denoService(SERVICE, {
      type: "notify",
      args: [mode],
      env: { NOTIFY_OBS: `${OBS_IN_HARNESS}/${mode}.jsonl` },
      service: ["WatchdogSec=1", "Restart=on-failure", "RestartSec=100ms"],
    });
  await using h = await Harness.up({
    name: "nwatch",
    units: {
      "fed.service": unit("watchdog"),
      "starved.service": unit("no-watchdog"),
    },
  });
  await h.ctl("start", "fed.service", "starved.service");
  const fedPid = await h.show("fed.service", "MainPID");
  const starvedPid = await h.show("starved.service", "MainPID");
  // systemd's own clock: the starved unit timing out twice means at least two
  // watchdog periods passed for the fed one too.
  await waitFor(
    async () => Number(await h.show("starved.service", "NRestarts")) >= 2,
    { what: "systemd to restart starved.service twice", timeout: 30_000 },
  );
  assertEquals(await h.show("fed.service", "MainPID"), fedPid);
  assertEquals(await h.show("fed.service", "NRestarts"), "0");
  assertEquals(await h.show("fed.service", "ActiveState"), "active");
  const fed = (await events(h.obs("watchdog.jsonl")))[0];
  assertEquals(fed?.interval, 1000);
  assertEquals(fed?.running, true);

  assertNotEquals(await h.show("starved.service", "MainPID"), starvedPid);
  // The manager's console log says why.
  assertStringIncludes(await h.logs(), "starved.service: Watchdog timeout");
  assertEquals(
    (await h.logs()).includes("fed.service: Watchdog timeout"),
    false,
  );
  const starved = await events(h.obs("no-watchdog.jsonl"));
  assertGreaterOrEqual(new Set(starved.map((e) => e.pid)).size, 2);
  assertEquals(starved[0]?.interval, 1000);
});

Deno.test("storeFds() keeps a memfd and a self-made listener across systemctl restart; they come back named", async () => {
  const port = freePort();
  await using h = await Harness.up({
    name: "nstore",
    units: {
      "nstore.service": denoService(SERVICE, {
        type: "notify",
        args: ["fdstore"],
        env: {
          NOTIFY_OBS: `${OBS_IN_HARNESS}/store.jsonl`,
          OWN_PORT: String(port),
        },
        service: ["FileDescriptorStoreMax=4"],
      }),
    },
  });
  await h.ctl("start", "nstore.service");
  assertEquals(await h.show("nstore.service", "NFileDescriptorStore"), "2");
  // Nobody serves the stored listener now: this request waits in its backlog.
  const early = httpGet({ hostname: "127.0.0.1", port });
  await waitFor(() => acceptQueueLength(port) === 1, {
    what: "the request to wait in the stored listener's backlog",
  });
  await h.ctl("restart", "nstore.service");
  await h.ctl("restart", "nstore.service");
  const seen = await events(h.obs("store.jsonl"));
  assertEquals(seen.length, 3);
  assertEquals(seen[0]?.names, []);
  assertEquals(seen[0]?.restored, undefined);
  // Each later start got exactly one fd named "state" holding the previous
  // pid, and the listener named "own".
  for (const i of [1, 2]) {
    assertEquals([...(seen[i]?.names as string[])].sort(), ["own", "state"]);
    assertEquals(seen[i]?.restored, `pid=${seen[i - 1]?.pid}`);
    assertEquals(seen[i]?.serving, true);
  }
  assertEquals(await h.show("nstore.service", "NFileDescriptorStore"), "2");
  assertEquals(
    await h.show("nstore.service", "StatusText"),
    `restored pid=${seen[1]?.pid}`,
  );
  // The request made before any process served the listener was answered by
  // the second start; a new one by the third.
  assertEquals(bodyOf(await early), String(seen[1]?.pid));
  assertEquals(
    bodyOf(await httpGet({ hostname: "127.0.0.1", port })),
    String(seen[2]?.pid),
  );
  // systemctl stop empties the store (systemd 252).
  await h.ctl("stop", "nstore.service");
  await h.ctl("start", "nstore.service");
  const after = await events(h.obs("store.jsonl"));
  assertEquals(after.at(-1)?.names, []);
});

for (const via of ["adopt", "node"] as const) {
  Deno.test(`a socket-activated Type=notify HTTP service (serve() via ${via}) restarted 5 times under load loses 0 requests`, async () => {
    // Each of the 6 processes answers 100 requests before the next restart.
    const result = await runRestartDemo({
      restarts: 5,
      via,
      requestsPerPhase: 100,
    });
    assertEquals(result.restarts, 5);
    assertEquals(result.failures, 0, result.errors.slice(0, 5).join("\n"));
    assertEquals(result.servedBy.size, 6);
    assert(result.requestsDuringRestarts > 0);
  });
}

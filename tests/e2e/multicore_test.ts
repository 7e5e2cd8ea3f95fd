/**
 * End-to-end tests of serving on several cores under a real systemd
 * (`tests/support/systemd.ts`, needs root): the `./serve` entry as
 * `ExecStart=` of a `Type=notify` service, with a `.socket` unit of one
 * socket, and with `ReusePort=yes` and repeated `ListenStream=` lines; its
 * hot upgrades (`--upgrade`) on `systemctl reload`, under systemd 262
 * (`Type=notify-reload`) and 252 (`Type=notify`, `ExecReload=kill -HUP`).
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertGreater,
  assertNotEquals,
  assertStringIncludes,
} from "@std/assert";
import { join } from "@std/path";
import {
  DENO_IN_HARNESS,
  Harness,
  OBS_IN_HARNESS,
  SRC_IN_HARNESS,
} from "../support/systemd.ts";
import { freePort, ROOT, waitFor } from "../support/helpers.ts";

const APP = `${SRC_IN_HARNESS}/tests/fixtures/serve/app.ts`;
const WORKERS = ["listen-fds serve worker 0", "listen-fds serve worker 1"];

type Layout = "one socket" | "ReusePort=yes";

function socketUnit(port: number, layout: Layout): string {
  return [
    "[Socket]",
    `ListenStream=127.0.0.1:${port}`,
    ...(layout === "ReusePort=yes"
      ? ["ReusePort=yes", `ListenStream=127.0.0.1:${port}`]
      : []),
    "FileDescriptorName=web",
    "Backlog=4096",
    "",
  ].join("\n");
}

/** Environment lines every service needs here (the local JSR registry). */
function environment(extra: Record<string, string> = {}): string[] {
  const env: Record<string, string> = {
    DENO_DIR: "/tmp/deno",
    HOME: "/tmp",
    NO_COLOR: "1",
    ...extra,
  };
  const jsr = Deno.env.get("JSR_URL");
  if (jsr) env.JSR_URL = jsr;
  return Object.entries(env).map(([key, value]) =>
    `Environment="${key}=${value}"`
  );
}

/** How a test unit runs the serve entry. */
interface UnitOptions {
  env?: Record<string, string>;
  service?: string[];
  /** @default {"notify"} */
  type?: "notify" | "notify-reload";
  /** @default {"installed"} */
  systemd?: "installed" | "262";
}

/** A Type=notify unit running the serve entry. */
function serviceUnit(
  entryArgs: string[],
  options: UnitOptions = {},
): string {
  return [
    "[Unit]",
    "StartLimitIntervalSec=0",
    "",
    "[Service]",
    `Type=${options.type ?? "notify"}`,
    `ExecStart=${
      [
        DENO_IN_HARNESS,
        "run",
        "--quiet",
        "--no-lock",
        "-A",
        `${SRC_IN_HARNESS}/dist/serve.js`,
        ...entryArgs,
      ].join(" ")
    }`,
    ...environment(options.env),
    "TimeoutStopSec=20",
    ...(options.service ?? []),
    "",
  ].join("\n");
}

async function boot(
  name: string,
  layout: Layout,
  entryArgs: string[],
  options: UnitOptions = {},
): Promise<{ h: Harness; port: number }> {
  const port = freePort();
  const h = await Harness.up({
    name,
    systemd: options.systemd ?? "installed",
    units: {
      "app.socket": socketUnit(port, layout),
      "app.service": serviceUnit(entryArgs, options),
    },
  });
  try {
    await h.ctl("start", "app.socket");
  } catch (error) {
    await h.down();
    throw error;
  }
  return { h, port };
}

const encoder = new TextEncoder();

/** One request on a fresh connection; the body, or throws. */
async function request(port: number, path = "/"): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch {
      // closed already
    }
  }, 15_000);
  try {
    await conn.write(
      encoder.encode(
        `GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`,
      ),
    );
    const text = await new Response(conn.readable).text();
    if (!/^HTTP\/1\.1 200 /.test(text)) {
      throw new Error(`unexpected response ${JSON.stringify(text)}`);
    }
    let body = text.slice(text.indexOf("\r\n\r\n") + 4);
    if (/^transfer-encoding: *chunked/im.test(text)) body = dechunk(body);
    return body;
  } catch (error) {
    try {
      conn.close();
    } catch {
      // closed by the stream
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  while (true) {
    const line = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/**
 * The workers that answered fresh connections, until both did (a replaced
 * worker may still be loading: up to 15 s).
 */
async function bothWorkers(port: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + 15_000;
  while (seen.size < 2 && Date.now() < deadline) {
    if (seen.size) await new Promise((resolve) => setTimeout(resolve, 50));
    const bodies = await Promise.all(
      Array.from({ length: 8 }, () => request(port)),
    );
    for (const body of bodies) {
      seen.add(body.trim().split(" ").slice(1).join(" "));
    }
  }
  return seen;
}

/**
 * Restarts app.service `restarts` times while 8 clients keep opening fresh
 * connections, and checks that every request was answered, by both workers
 * of every process.
 */
async function restartsUnderLoad(
  h: Harness,
  port: number,
  restarts: number,
): Promise<void> {
  let stop = false;
  let requests = 0;
  let during = 0;
  let restarting = false;
  const failures: string[] = [];
  const servedBy = new Map<string, number>();
  const clients = Array.from({ length: 8 }, async () => {
    while (!stop) {
      requests++;
      try {
        const body = (await request(port)).trim();
        servedBy.set(body, (servedBy.get(body) ?? 0) + 1);
        if (restarting) during++;
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  const pids = new Set<string>();
  try {
    for (let i = 0; i < restarts; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      pids.add(await h.show("app.service", "MainPID"));
      restarting = true;
      await h.ctl("restart", "app.service");
      restarting = false;
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    pids.add(await h.show("app.service", "MainPID"));
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  assertEquals(failures, [], `${failures.length} of ${requests} failed`);
  assertGreater(requests, 200);
  assertGreater(during, 0);
  assertEquals(pids.size, restarts + 1);
  // Every process answered on both of its workers.
  const byPid = new Map<string, Set<string>>();
  for (const served of servedBy.keys()) {
    const [pid, ...worker] = served.split(" ");
    byPid.set(pid!, (byPid.get(pid!) ?? new Set()).add(worker.join(" ")));
  }
  assertEquals(byPid.size, restarts + 1, JSON.stringify([...servedBy]));
  for (const workers of byPid.values()) {
    assertEquals([...workers].sort(), WORKERS);
  }
}

for (const layout of ["ReusePort=yes", "one socket"] as const) {
  Deno.test(`serve entry, 2 workers, ${layout}: READY=1 once every worker serves, restarted 3 times under load with 0 failed requests`, async () => {
    const { h, port } = await boot(
      "mc-load",
      layout,
      layout === "ReusePort=yes" ? [APP] : ["--workers", "2", APP],
      // Worker 1 loads 1.5 s late: READY=1 must wait for it.
      { env: { SERVE_APP_DELAY: "1:1500" } },
    );
    await using _ = h;
    const started = performance.now();
    await h.ctl("start", "app.service");
    assert(
      performance.now() - started >= 1500,
      "READY=1 came before worker 1 served",
    );
    assertEquals(await h.show("app.service", "ActiveState"), "active");
    assertEquals(
      await h.show("app.service", "StatusText"),
      "serving on 2 workers",
    );
    assertEquals([...await bothWorkers(port)].sort(), WORKERS);

    await restartsUnderLoad(h, port, 3);
  });
}

for (const layout of ["ReusePort=yes", "one socket"] as const) {
  Deno.test(`serve entry, ${layout}: systemctl stop drains both workers: responses in flight finish`, async () => {
    const { h, port } = await boot("mc-drain", layout, [
      "--workers",
      "2",
      APP,
    ]);
    await using _ = h;
    await h.ctl("start", "app.service");
    // A streaming response in flight on each worker.
    const flights: { worker: string; done: Promise<string> }[] = [];
    for (let i = 0; i < 100; i++) {
      if (new Set(flights.map((f) => f.worker)).size === 2) break;
      flights.push(await inFlight(port, 1500));
    }
    assertEquals(
      [...new Set(flights.map((f) => f.worker))].sort(),
      WORKERS,
    );
    await h.ctl("stop", "app.service");
    for (const flight of flights) {
      assertStringIncludes(await flight.done, "done\n");
    }
    assertEquals(await h.show("app.service", "Result"), "success");
    // The socket is still systemd's: the next connection starts the
    // service again and is answered.
    assertStringIncludes(await request(port), "listen-fds serve worker");
  });
}

async function inFlight(
  port: number,
  ms: number,
): Promise<{ worker: string; done: Promise<string> }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    encoder.encode(
      `GET /stream?ms=${ms} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`,
    ),
  );
  const reader = conn.readable.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  let match: RegExpExecArray | null = null;
  while (!(match = /\d+ (listen-fds serve worker \d+)/.exec(text))) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`closed early: ${text}`);
    text += value;
  }
  const done = (async (): Promise<string> => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  return { worker: match[1]!, done };
}

Deno.test("serve entry --fd-store: a socket it bound itself survives 3 restarts under load in the fd store, 0 failed requests", async () => {
  const port = freePort();
  await using h = await Harness.up({
    name: "mc-store",
    units: {
      "app.service": serviceUnit(
        [
          "--workers",
          "2",
          "--fd-store",
          "web",
          "--host",
          "127.0.0.1",
          "--port",
          String(port),
          APP,
        ],
        { service: ["FileDescriptorStoreMax=1"] },
      ),
    },
  });
  await h.ctl("start", "app.service");
  assertEquals(await h.show("app.service", "NFileDescriptorStore"), "1");
  await restartsUnderLoad(h, port, 3);
  // The same socket all along: still one stored fd.
  assertEquals(await h.show("app.service", "NFileDescriptorStore"), "1");
});

Deno.test("serve entry without --parallel/--workers: one activated socket is served in the main thread, as plain deno serve", async () => {
  const { h, port } = await boot("mc-main", "one socket", [APP]);
  await using _ = h;
  await h.ctl("start", "app.service");
  const pid = await h.show("app.service", "MainPID");
  assertEquals((await request(port)).trim(), `${pid} main`);
  await h.ctl("stop", "app.service");
  assertEquals(await h.show("app.service", "Result"), "success");
});

Deno.test("serve entry: a worker that fails to start fails the service, naming why", async () => {
  const { h } = await boot("mc-fail", "ReusePort=yes", [APP], {
    env: { SERVE_APP_FAIL: "1" },
  });
  await using _ = h;
  const output = await h.ctlStatus("start", "app.service");
  assertNotEquals(output.code, 0);
  assertEquals(await h.show("app.service", "ActiveState"), "failed");
  assertEquals(await h.show("app.service", "Result"), "exit-code");
  assertEquals(await h.show("app.service", "ExecMainStatus"), "1");
  assertStringIncludes(
    await h.logs("app.service"),
    "Cannot start serve worker 1",
  );
  assertStringIncludes(
    await h.logs("app.service"),
    "the app refuses to start in listen-fds serve worker 1",
  );
});

for (const layout of ["ReusePort=yes", "one socket"] as const) {
  Deno.test(`serve entry, ${layout}: a worker that dies is reported and restarted in the same process`, async () => {
    const { h, port } = await boot("mc-die", layout, [
      "--workers",
      "2",
      APP,
    ]);
    await using _ = h;
    await h.ctl("start", "app.service");
    const pid = await h.show("app.service", "MainPID");
    const dying = (await request(port, "/die")).trim();
    const worker = dying.split(" ").slice(1, -1).join(" ");
    await waitFor(
      async () =>
        (await h.logs("app.service")).includes(
          `${
            worker.replace("listen-fds ", "")
          } died (Uncaught Error: dying in ${worker}); restarting it`,
        ),
      { what: "the death report in the journal" },
    );
    assertEquals([...await bothWorkers(port)].sort(), WORKERS);
    assertEquals(
      await h.show("app.service", "StatusText"),
      `serving on 2 workers; 1 restarted, last: worker ${
        worker.at(-1)
      } (Uncaught Error: dying in ${worker})`,
    );
    assertEquals(await h.show("app.service", "MainPID"), pid);
    assertEquals(await h.show("app.service", "NRestarts"), "0");
    assertEquals(await h.show("app.service", "ActiveState"), "active");
  });
}

Deno.test("serve entry: workers dying beyond --restart-limit fail the service, and Restart=on-failure brings it back", async () => {
  const { h, port } = await boot(
    "mc-limit",
    "ReusePort=yes",
    ["--restart-limit", "0", APP],
    { service: ["Restart=on-failure", "RestartSec=100ms"] },
  );
  await using _ = h;
  await h.ctl("start", "app.service");
  const pid = await h.show("app.service", "MainPID");
  await request(port, "/die");
  await waitFor(
    async () => (await h.show("app.service", "NRestarts")) === "1",
    { what: "systemd to restart the failed service", timeout: 20_000 },
  );
  await waitFor(
    async () => (await h.show("app.service", "ActiveState")) === "active",
    { what: "the restarted service to be ready", timeout: 20_000 },
  );
  assertNotEquals(await h.show("app.service", "MainPID"), pid);
  assertStringIncludes(
    await h.logs("app.service"),
    "more than restartLimit 0",
  );
  assertEquals([...await bothWorkers(port)].sort(), WORKERS);
});

/** Whether each pid still runs inside the container. */
async function pidsAlive(h: Harness, pids: string[]): Promise<string[]> {
  const alive: string[] = [];
  for (const pid of pids) {
    if ((await h.run(["kill", "-0", pid])).code === 0) alive.push(pid);
  }
  return alive;
}

/** The unit options of a service that upgrades on systemctl reload. */
function upgradeUnit(version: "installed" | "262"): UnitOptions {
  return version === "262" ? { systemd: "262", type: "notify-reload" } : {
    systemd: "installed",
    type: "notify",
    service: ["ExecReload=/bin/kill -HUP $MAINPID"],
  };
}

/**
 * Reloads app.service (a running `--upgrade` entry with 2 workers)
 * `reloads` times while 8 clients keep opening fresh connections, and checks
 * that no request failed, every main process answered, the last one on both
 * workers, and the old ones exited.
 */
async function reloadsUnderLoad(
  h: Harness,
  port: number,
  reloads: number,
): Promise<void> {
  const mainPids = [await h.show("app.service", "MainPID")];
  assertEquals([...await bothWorkers(port)].sort(), WORKERS);
  let stop = false;
  let requests = 0;
  const failures: string[] = [];
  const servedBy = new Set<string>();
  const clients = Array.from({ length: 8 }, async () => {
    while (!stop) {
      requests++;
      try {
        servedBy.add((await request(port)).trim().split(" ")[0]!);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  try {
    for (let i = 0; i < reloads; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const before = mainPids.at(-1)!;
      await h.ctl("reload", "app.service");
      mainPids.push(
        await waitFor(async () => {
          const pid = await h.show("app.service", "MainPID");
          return pid !== before && pid !== "0" && pid;
        }, { what: "MainPID to change" }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  assertEquals(failures, [], `${failures.length} of ${requests} failed`);
  // Every process answered: the first until its successor was ready.
  assertEquals([...servedBy].sort(), [...mainPids].sort());
  const last = mainPids.at(-1)!;
  const workers = new Map<string, number>();
  for (let i = 0; i < 50 && workers.size < 2; i++) {
    for (
      const body of await Promise.all(
        Array.from({ length: 8 }, () => request(port)),
      )
    ) {
      const [pid, ...worker] = body.trim().split(" ");
      assertEquals(pid, last);
      workers.set(worker.join(" "), 1);
    }
  }
  assertEquals([...workers.keys()].sort(), WORKERS);
  await waitFor(
    async () => (await pidsAlive(h, mainPids.slice(0, -1))).length === 0,
    { what: "the old main processes to exit" },
  );
  assertEquals(await h.show("app.service", "ActiveState"), "active");
  assertEquals(await h.show("app.service", "NRestarts"), "0");
  assertEquals(
    await h.show("app.service", "StatusText"),
    "serving on 2 workers",
  );
  const logs = await h.logs("app.service");
  for (const pid of mainPids.slice(1)) {
    assertStringIncludes(logs, `handed over to pid ${pid}; draining`);
  }
  assertEquals(logs.includes("which is not our child"), false);
}

for (
  const [version, layout] of [
    ["262", "ReusePort=yes"],
    ["262", "one socket"],
    ["installed", "ReusePort=yes"],
  ] as const
) {
  const label = version === "262"
    ? "systemd 262, Type=notify-reload"
    : "systemd 252, Type=notify + ExecReload=kill -HUP";
  Deno.test(`serve entry --upgrade, 2 workers, ${layout}, ${label}: systemctl reload hot-upgrades twice under load with 0 failed requests; each successor serves on both workers, the old processes drain and exit`, async () => {
    const { h, port } = await boot(
      "mc-upgrade",
      layout,
      [
        "--upgrade",
        ...(layout === "one socket" ? ["--workers", "2"] : []),
        APP,
      ],
      upgradeUnit(version),
    );
    await using _ = h;
    await h.ctl("start", "app.service");
    await reloadsUnderLoad(h, port, 2);
    await h.ctl("stop", "app.service");
    assertEquals(await h.show("app.service", "Result"), "success");
  });
}

Deno.test("serve entry --upgrade --fd-store, 2 workers, systemd 262, Type=notify-reload, no .socket unit: the socket it bound goes to each successor, 2 reloads under load with 0 failed requests, one stored fd throughout and after a restart", async () => {
  const port = freePort();
  await using h = await Harness.up({
    name: "mc-upstore",
    systemd: "262",
    units: {
      "app.service": serviceUnit(
        [
          "--upgrade",
          "--workers",
          "2",
          "--fd-store",
          "web",
          "--host",
          "127.0.0.1",
          "--port",
          String(port),
          APP,
        ],
        { type: "notify-reload", service: ["FileDescriptorStoreMax=1"] },
      ),
    },
  });
  await h.ctl("start", "app.service");
  assertEquals(await h.show("app.service", "NFileDescriptorStore"), "1");
  await reloadsUnderLoad(h, port, 2);
  assertEquals(await h.show("app.service", "NFileDescriptorStore"), "1");
  // systemd's store still holds the socket the first process bound: a
  // restart serves it.
  const before = await h.show("app.service", "MainPID");
  await h.ctl("restart", "app.service");
  assertNotEquals(await h.show("app.service", "MainPID"), before);
  assertEquals([...await bothWorkers(port)].sort(), WORKERS);
  assertEquals(await h.show("app.service", "NFileDescriptorStore"), "1");
});

Deno.test("serve entry --upgrade, 2 workers, systemd 262, Type=notify-reload: a successor whose worker fails to start leaves both old workers serving, with STATUS= telling why", async () => {
  const { h, port } = await boot(
    "mc-upfail",
    "ReusePort=yes",
    ["--upgrade", APP],
    {
      ...upgradeUnit("262"),
      env: { SERVE_APP_FAIL_FILE: `${OBS_IN_HARNESS}/fail` },
    },
  );
  await using _ = h;
  await h.ctl("start", "app.service");
  const first = await h.show("app.service", "MainPID");
  await Deno.writeTextFile(h.obs("fail"), "1");
  await h.ctlStatus("reload", "app.service");
  await waitFor(
    async () =>
      (await h.show("app.service", "StatusText")).startsWith(
        "Upgrade failed:",
      ) && (await h.show("app.service", "SubState")) === "running",
    { what: "the upgrade to fail" },
  );
  assertStringIncludes(
    await h.show("app.service", "StatusText"),
    "exited before it was ready",
  );
  assertEquals(await h.show("app.service", "MainPID"), first);
  assertEquals(await h.show("app.service", "ActiveState"), "active");
  assertStringIncludes(
    await h.logs("app.service"),
    "the app refuses to start in listen-fds serve worker 1",
  );
  // Both workers of the first process serve on.
  const workers = [...await bothWorkers(port)].sort();
  assertEquals(workers, WORKERS);
  assertEquals((await request(port)).trim().split(" ")[0], first);
  // Once the module starts again, the next reload hands over.
  await Deno.remove(h.obs("fail"));
  await h.ctl("reload", "app.service");
  const second = await h.show("app.service", "MainPID");
  assertNotEquals(second, first);
  assertEquals((await request(port)).trim().split(" ")[0], second);
  assertEquals(await h.show("app.service", "NRestarts"), "0");
});

Deno.test("examples/systemd/multicore.socket + multicore.service work as written: one worker per ReusePort=yes socket, hot-upgraded by systemctl reload", async () => {
  const port = freePort();
  const units: Record<string, string> = {};
  for (const file of ["multicore.socket", "multicore.service"]) {
    let text = await Deno.readTextFile(
      join(ROOT, "examples", "systemd", file),
    );
    text = text.replaceAll("127.0.0.1:8080", `127.0.0.1:${port}`);
    // The @std imports come from the registry the tests use.
    const jsr = Deno.env.get("JSR_URL");
    if (file.endsWith(".service") && jsr) {
      text += `Environment=JSR_URL=${jsr}\n`;
    }
    units[file] = text;
  }
  await using h = await Harness.up({ name: "mc-example", units });
  await h.ctl("start", "multicore.socket");
  // The first connection starts the service.
  const first = JSON.parse(await request(port, "/x"));
  assertEquals(first.path, "/x");
  assertEquals(await h.show("multicore.service", "ActiveState"), "active");
  const workers = new Set<string>();
  for (let i = 0; i < 50 && workers.size < 2; i++) {
    const bodies = await Promise.all(
      Array.from({ length: 8 }, () => request(port)),
    );
    for (const body of bodies) workers.add(JSON.parse(body).worker);
  }
  assertEquals([...workers].sort(), WORKERS);
  // --upgrade with ExecReload=kill -HUP: a successor takes both sockets.
  const old = await h.show("multicore.service", "MainPID");
  await h.ctl("reload", "multicore.service");
  const main = await waitFor(async () => {
    const pid = await h.show("multicore.service", "MainPID");
    return pid !== old && pid !== "0" && pid;
  }, { what: "MainPID to change" });
  const upgraded = new Set<string>();
  for (let i = 0; i < 50 && upgraded.size < 2; i++) {
    const bodies = await Promise.all(
      Array.from({ length: 8 }, () => request(port)),
    );
    for (const body of bodies) {
      const { pid, worker } = JSON.parse(body);
      assertEquals(String(pid), main);
      upgraded.add(worker);
    }
  }
  assertEquals([...upgraded].sort(), WORKERS);
  await waitFor(async () => (await pidsAlive(h, [old])).length === 0, {
    what: "the old main process to exit",
  });
  await h.ctl("stop", "multicore.service");
  assertEquals(await h.show("multicore.service", "Result"), "success");
});

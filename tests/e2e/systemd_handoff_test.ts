/**
 * End-to-end tests of the hand-off methods under a real systemd
 * (`tests/support/systemd.ts`): `.socket` + `.service` units run
 * `tests/fixtures/services/adopt_service.ts`.
 *
 * @module
 */

import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { freePort, waitFor } from "../support/helpers.ts";
import { exchange } from "../support/activate.ts";
import { denoService, Harness, OBS_IN_HARNESS } from "../support/systemd.ts";

function adoptService(mode: string, report: string): string {
  return denoService("tests/fixtures/services/adopt_service.ts", {
    args: [mode, "adopt"],
    env: { ADOPT_REPORT: `${OBS_IN_HARNESS}/${report}.jsonl` },
  });
}

async function events(
  h: Harness,
  report: string,
  until: string,
): Promise<Record<string, unknown>[]> {
  const path = h.obs(`${report}.jsonl`);
  const deadline = Date.now() + 15_000;
  while (true) {
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch {
      // not written yet
    }
    const parsed = text.split("\n").filter(Boolean).map((line) =>
      JSON.parse(line) as Record<string, unknown>
    );
    if (parsed.some((e) => e.event === until)) return parsed;
    if (Date.now() > deadline) {
      throw new Error(`No "${until}" event in ${path}:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("ListenFds hands named sockets of real systemd units to Deno (several sockets per service, Accept=yes)", async () => {
  const httpPort = freePort();
  const echoPort = freePort();
  await using h = await Harness.up({
    name: "adopt",
    units: {
      "adopthttp.socket":
        `[Socket]\nListenStream=127.0.0.1:${httpPort}\nFileDescriptorName=http\nService=adoptmulti.service\n`,
      "adoptadmin.socket":
        `[Socket]\nListenStream=/run/adopt-admin.sock\nFileDescriptorName=admin\nService=adoptmulti.service\n`,
      "adoptmulti.service": adoptService("multi", "multi"),
      "adoptecho.socket":
        `[Socket]\nListenStream=127.0.0.1:${echoPort}\nAccept=yes\n`,
      "adoptecho@.service": adoptService("conn", "conn"),
    },
  });
  await h.ctl(
    "start",
    "adopthttp.socket",
    "adoptadmin.socket",
    "adoptecho.socket",
  );

  // Two sockets, one service, picked by name whatever their order.
  const response = await fetch(`http://127.0.0.1:${httpPort}/`);
  const body = await response.json();
  assertEquals(body.addr, `tcp:127.0.0.1:${httpPort}`);
  assertMatch(body.remote, /^tcp:127\.0\.0\.1:\d+$/);
  const adminPath = h.hostPath("/run/adopt-admin.sock");
  const reply = await exchange({ transport: "unix", path: adminPath }, "hi");
  assertStringIncludes(reply, "hi unix:/run/adopt-admin.sock ");
  await (await fetch(`http://127.0.0.1:${httpPort}/shutdown`)).body?.cancel();
  const multi = await events(h, "multi", "fds");
  const fds = multi.find((e) => e.event === "fds")!;
  assertEquals(fds.leaked, []);
  assertEquals(fds.activatedOpen, []);

  // Accept=yes: one instance per connection, REMOTE_ADDR/REMOTE_PORT set.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: echoPort });
  const { port: clientPort } = conn.localAddr as Deno.NetAddr;
  await conn.write(new TextEncoder().encode("accept\n"));
  const echoed = await new Response(conn.readable).text();
  assertEquals(
    echoed,
    `accept tcp:127.0.0.1:${echoPort} tcp:127.0.0.1:${clientPort}\n`,
  );
  const connEvents = await events(h, "conn", "fds");
  const remote = connEvents.find((e) => e.event === "remote")!;
  assertEquals(remote.env, `127.0.0.1:${clientPort}`);
  assertEquals(remote.conn, `127.0.0.1:${clientPort}`);
  assertEquals(connEvents.find((e) => e.event === "fds")!.leaked, []);
});

Deno.test("ListenFds.fromEnv() verifies the LISTEN_PIDFDID that systemd 262 as PID 1 sets for a socket-activated service", async () => {
  const port = freePort();
  await using h = await Harness.up({
    name: "pidfdid",
    systemd: "262",
    units: {
      "report.socket":
        `[Socket]\nListenStream=127.0.0.1:${port}\nFileDescriptorName=web\n`,
      "report.service": denoService("tests/fixtures/services/report_env.ts", {
        args: ["--keep-env"],
        service: [`StandardOutput=truncate:${OBS_IN_HARNESS}/report.json`],
      }),
    },
  });
  assertMatch(await h.exec("systemctl", "--version"), /^systemd 26\d/);
  await h.ctl("start", "report.socket");
  (await Deno.connect({ hostname: "127.0.0.1", port })).close();
  const report = await waitFor(async () => {
    try {
      const text = await Deno.readTextFile(h.obs("report.json"));
      return text.endsWith("\n") && JSON.parse(text);
    } catch {
      return undefined;
    }
  }, { what: "the service's report", timeout: 30_000 });
  assertEquals(report.error, undefined);
  assertEquals(report.names, ["web"]);
  assertEquals(report.verification, { pid: "verified", pidfdId: "verified" });
  assertEquals(report.env.LISTEN_PID, String(report.pid));
  assertMatch(report.env.LISTEN_PIDFDID, /^[0-9]+$/);
});

/**
 * End-to-end tests of the hand-off methods under a real systemd 252
 * (`sd-harness`): `.socket` + `.service` units run
 * `tests/fixtures/services/adopt_service.ts` with `ExecStart=<deno> run …`.
 *
 * @module
 */

import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import {
  DENO,
  freePort,
  requirePeer,
  ROOT,
  SD_HARNESS,
} from "../support/helpers.ts";
import { exchange } from "../support/activate.ts";

const SERVICE = join(ROOT, "tests", "fixtures", "services", "adopt_service.ts");

async function harness(name: string, ...args: string[]): Promise<string> {
  const output = await new Deno.Command(requirePeer(SD_HARNESS), {
    args: ["--name", name, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `sd-harness ${args.join(" ")} failed:\n${text}${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
  return text.trim();
}

function execStart(mode: string, report: string): string {
  return [
    "[Service]",
    `ExecStart=${DENO} run --quiet --no-lock -A ${SERVICE} ${mode} adopt`,
    "Environment=DENO_DIR=/tmp/deno-dir HOME=/root NO_COLOR=1",
    `Environment=ADOPT_REPORT=/sdh/obs/${report}.jsonl`,
    "",
  ].join("\n");
}

async function events(
  xdir: string,
  report: string,
  until: string,
): Promise<Record<string, unknown>[]> {
  const path = join(xdir, "obs", `${report}.jsonl`);
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
  const name = `adopt-${Deno.pid}`;
  const httpPort = freePort();
  const echoPort = freePort();
  const units = await Deno.makeTempDir({ prefix: "adopt-units-" });
  const write = (file: string, text: string): Promise<void> =>
    Deno.writeTextFile(join(units, file), text);
  await write(
    "adopthttp.socket",
    `[Socket]\nListenStream=127.0.0.1:${httpPort}\nFileDescriptorName=http\nService=adoptmulti.service\n`,
  );
  await write(
    "adoptadmin.socket",
    `[Socket]\nListenStream=/run/adopt-admin.sock\nFileDescriptorName=admin\nService=adoptmulti.service\n`,
  );
  await write("adoptmulti.service", execStart("multi", "multi"));
  await write(
    "adoptecho.socket",
    `[Socket]\nListenStream=127.0.0.1:${echoPort}\nAccept=yes\n`,
  );
  await write("adoptecho@.service", execStart("conn", "conn"));
  try {
    await harness(name, "up", "--units", units);
    const xdir = await harness(name, "xdir");
    await harness(
      name,
      "ctl",
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
    const adminPath = await harness(name, "hostpath", "/run/adopt-admin.sock");
    const reply = await exchange({ transport: "unix", path: adminPath }, "hi");
    assertStringIncludes(reply, "hi unix:/run/adopt-admin.sock ");
    await (await fetch(`http://127.0.0.1:${httpPort}/shutdown`)).body?.cancel();
    const multi = await events(xdir, "multi", "fds");
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
    const connEvents = await events(xdir, "conn", "fds");
    const remote = connEvents.find((e) => e.event === "remote")!;
    assertEquals(remote.env, `127.0.0.1:${clientPort}`);
    assertEquals(remote.conn, `127.0.0.1:${clientPort}`);
    assertEquals(connEvents.find((e) => e.event === "fds")!.leaked, []);
  } finally {
    await harness(name, "down", "--purge").catch((error) =>
      console.error(error)
    );
    await Deno.remove(units, { recursive: true });
  }
});

/**
 * Smoke runs of examples/: each script under systemd-socket-activate with the
 * flags its header documents, then the unit files of examples/systemd/ as
 * they are, in a real systemd (`tests/support/systemd.ts`).
 */
import {
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
} from "@std/assert";
import { join } from "@std/path";
import {
  DENO,
  freePort,
  requirePeer,
  ROOT,
  SOCKET_ACTIVATE_252,
  waitFor,
} from "../support/helpers.ts";
import { Harness } from "../support/systemd.ts";

const EXAMPLES = join(ROOT, "examples");
const SERVICE_FLAGS = ["--allow-env", "--allow-ffi", "--allow-net=127.0.0.1"];

/** Runs `systemd-socket-activate ARGS deno run FLAGS example`, then `use`. */
async function withActivated(
  activator: string[],
  flags: string[],
  example: string,
  use: () => Promise<void>,
): Promise<void> {
  const child = new Deno.Command(requirePeer(SOCKET_ACTIVATE_252), {
    args: [
      ...activator,
      "-E",
      "NO_COLOR=1",
      "-E",
      "DENO_DIR",
      "-E",
      "DENO_TLS_CA_STORE",
      DENO,
      "run",
      "--quiet",
      ...flags,
      join(EXAMPLES, example),
    ],
    env: {
      DENO_DIR: Deno.env.get("DENO_DIR") ??
        join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  try {
    const sockets = activator.filter((arg) => arg === "-l").length;
    while ((log.match(/Listening on /g) ?? []).length < sockets) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`activator exited: ${log}`);
      log += value;
    }
    await use();
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await reader.cancel();
  }
}

async function get(url: string): Promise<string> {
  const response = await fetch(url);
  return await response.text();
}

async function udpRoundTrip(port: number, text: string): Promise<string> {
  const { stdout } = await new Deno.Command("python3", {
    args: [
      "-c",
      `import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.sendto(sys.argv[2].encode(), ("127.0.0.1", int(sys.argv[1])))
print(s.recvfrom(1024)[0].decode(), end="")`,
      String(port),
      text,
    ],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(stdout);
}

async function lineExchange(
  port: number,
  line: string,
): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(line));
  const text = await new Response(conn.readable).text();
  return text;
}

Deno.test("examples/http_server.ts answers on the activated socket", async () => {
  const port = freePort();
  await withActivated(
    ["-l", `127.0.0.1:${port}`, "--fdname=http"],
    SERVICE_FLAGS,
    "http_server.ts",
    async () => {
      const first = JSON.parse(await get(`http://127.0.0.1:${port}/a`));
      const second = JSON.parse(await get(`http://127.0.0.1:${port}/b`));
      assertEquals([first.activated, first.path, first.requests], [
        true,
        "/a",
        1,
      ]);
      assertEquals([second.pid, second.requests], [first.pid, 2]);
    },
  );
});

Deno.test("examples/hono.ts serves a Hono app on the activated socket", async () => {
  const port = freePort();
  await withActivated(
    ["-l", `127.0.0.1:${port}`, "--fdname=http"],
    SERVICE_FLAGS,
    "hono.ts",
    async () => {
      assertEquals(await get(`http://127.0.0.1:${port}/`), "hello from hono\n");
      assertEquals(
        JSON.parse(await get(`http://127.0.0.1:${port}/users/ada`)),
        { name: "ada" },
      );
    },
  );
});

Deno.test("examples/express.ts serves an Express app on the activated fd", async () => {
  const port = freePort();
  await withActivated(
    ["-l", `127.0.0.1:${port}`, "--fdname=http"],
    SERVICE_FLAGS,
    "express.ts",
    async () => {
      assertEquals(
        await get(`http://127.0.0.1:${port}/`),
        "hello from express\n",
      );
    },
  );
});

Deno.test("examples/websocket.ts echoes over a WebSocket on the activated socket", async () => {
  const port = freePort();
  await withActivated(
    ["-l", `127.0.0.1:${port}`, "--fdname=http"],
    SERVICE_FLAGS,
    "websocket.ts",
    async () => {
      const plain = await fetch(`http://127.0.0.1:${port}/`);
      assertEquals(plain.status, 426);
      await plain.body?.cancel();
      const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
      const echoed = await new Promise<string>((resolve, reject) => {
        socket.onopen = () => socket.send("ws-ping");
        socket.onmessage = (event) => resolve(String(event.data));
        socket.onerror = (event) => reject(new Error(String(event)));
      });
      const closed = new Promise((resolve) => socket.onclose = resolve);
      socket.close();
      await closed;
      assertEquals(echoed, "ws-ping");
    },
  );
});

Deno.test("examples/echo_tcp.ts echoes on the activated listener", async () => {
  const port = freePort();
  await withActivated(
    ["-l", `127.0.0.1:${port}`, "--fdname=echo"],
    SERVICE_FLAGS,
    "echo_tcp.ts",
    async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(new TextEncoder().encode("ping"));
      const buffer = new Uint8Array(4);
      let read = 0;
      while (read < 4) read += (await conn.read(buffer.subarray(read))) ?? 4;
      conn.close();
      assertEquals(new TextDecoder().decode(buffer), "ping");
    },
  );
});

Deno.test("examples/udp_echo.ts echoes datagrams", async () => {
  const port = freePort();
  await withActivated(
    ["--datagram", "-l", `127.0.0.1:${port}`, "--fdname=echo"],
    ["--unstable-net", ...SERVICE_FLAGS],
    "udp_echo.ts",
    async () => {
      assertEquals(await udpRoundTrip(port, "udp-ping"), "udp-ping");
    },
  );
});

Deno.test("examples/named_sockets.ts serves two sockets picked by name", async () => {
  const port = freePort();
  const dir = await Deno.makeTempDir();
  const admin = join(dir, "admin.sock");
  try {
    await withActivated(
      ["-l", admin, "-l", `127.0.0.1:${port}`, "--fdname=admin:public"],
      ["-A"],
      "named_sockets.ts",
      async () => {
        assertEquals(await get(`http://127.0.0.1:${port}/`), "public\n");
        const { stdout } = await new Deno.Command("curl", {
          args: ["-s", "--unix-socket", admin, "http://admin/"],
          stdout: "piped",
        }).output();
        const body = JSON.parse(new TextDecoder().decode(stdout));
        assertEquals(typeof body.pid, "number");
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("examples/per_connection.ts runs once per connection (Accept=yes)", async () => {
  const port = freePort();
  await withActivated(
    ["-a", "-l", `127.0.0.1:${port}`, "--fdname=connection"],
    SERVICE_FLAGS,
    "per_connection.ts",
    async () => {
      const reply = await lineExchange(port, "echo me\n");
      assertMatch(reply, /^hello 127\.0\.0\.1:\d+\necho me\n$/);
    },
  );
});

Deno.test("examples/demo.ts runs the front-door demo", async () => {
  const { code, stdout } = await new Deno.Command(DENO, {
    args: ["run", "-A", join(EXAMPLES, "demo.ts")],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assertEquals(code, 0, text);
  assertStringIncludes(text, '"activated":true');
  assertStringIncludes(text, "demo OK");
});

/**
 * The example unit files as written (the container has the repository at
 * /opt/listen-fds and Deno at /usr/local/bin/deno), on free ports.
 */
async function exampleUnits(
  ports: Record<string, number>,
): Promise<Record<string, string>> {
  const units: Record<string, string> = {};
  for await (const entry of Deno.readDir(join(EXAMPLES, "systemd"))) {
    let text = await Deno.readTextFile(join(EXAMPLES, "systemd", entry.name));
    for (const [from, to] of Object.entries(ports)) {
      text = text.replaceAll(`127.0.0.1:${from}`, `127.0.0.1:${to}`);
    }
    units[entry.name] = text;
  }
  return units;
}

Deno.test("examples/systemd units work as written in a real systemd", async () => {
  const ports = {
    8000: freePort(),
    8080: freePort(),
    5353: freePort(),
    7001: freePort(),
  };
  const http = ports[8000];
  await using h = await Harness.up({
    name: "examples",
    units: await exampleUnits(ports),
  });

  // http.socket + http.service: started on the first connection.
  await h.ctl("start", "http.socket");
  assertEquals(await h.show("http.service", "ActiveState"), "inactive");
  const first = JSON.parse(await get(`http://127.0.0.1:${http}/x`));
  assertEquals([first.activated, first.path], [true, "/x"]);
  assertEquals(await h.show("http.service", "ActiveState"), "active");
  await h.ctl("stop", "http.service", "http.socket");

  // web.socket + admin.socket feed one service; it picks them by name.
  await h.ctl("start", "web.socket", "admin.socket");
  assertEquals(await get(`http://127.0.0.1:${http}/`), "public\n");
  const admin = await h.exec(
    "curl",
    "-s",
    "--unix-socket",
    "/run/web-admin.sock",
    "http://admin/",
  );
  assertEquals(typeof JSON.parse(admin).pid, "number");

  // udp-echo.socket + udp-echo.service.
  await h.ctl("start", "udp-echo.socket");
  assertEquals(await udpRoundTrip(ports[5353], "hello-udp"), "hello-udp");

  // greet.socket with Accept=yes: one greet@….service per connection.
  await h.ctl("start", "greet.socket");
  const reply = await lineExchange(ports[7001], "once\n");
  assertMatch(reply, /^hello 127\.0\.0\.1:\d+\nonce\n$/);
  assertEquals(await h.show("greet.socket", "NAccepted"), "1");

  // notify-web.socket + notify-web.service (Type=notify): ready, status, and
  // the request count kept in the fd store across a restart.
  const web = ports[8080];
  await h.ctl("start", "notify-web.socket");
  const before = JSON.parse(await get(`http://127.0.0.1:${web}/`));
  assertEquals(before.requests, 1);
  await waitFor(
    async () =>
      (await h.show("notify-web.service", "StatusText")) === "serving",
    { what: "STATUS=serving" },
  );
  assertEquals(await h.show("notify-web.service", "ActiveState"), "active");
  await h.ctl("restart", "notify-web.service");
  assertEquals(
    await h.show("notify-web.service", "NFileDescriptorStore"),
    "1",
  );
  const after = JSON.parse(await get(`http://127.0.0.1:${web}/`));
  assertNotEquals(after.pid, before.pid);
  assertEquals(after.requests, 2);
  await h.ctl("stop", "notify-web.service");
  assertEquals(await h.show("notify-web.service", "Result"), "success");
});

/** A GET on a new connection (a pooled one may reach a draining process). */
async function getFresh(url: string): Promise<string> {
  const response = await fetch(url, { headers: { connection: "close" } });
  return await response.text();
}

Deno.test("examples/systemd/upgrade.service upgrades itself on systemctl reload (systemd 262)", async () => {
  const ports = { 8080: freePort() };
  const port = ports[8080];
  await using h = await Harness.up({
    name: "exupgrade",
    systemd: "262",
    units: await exampleUnits(ports),
  });
  await h.ctl("start", "upgrade.socket");
  const first = JSON.parse(await getFresh(`http://127.0.0.1:${port}/`));
  assertEquals(String(first.pid), await h.show("upgrade.service", "MainPID"));
  await h.ctl("reload", "upgrade.service");
  // systemctl reload returned after the successor took over.
  const main = await h.show("upgrade.service", "MainPID");
  assertNotEquals(main, String(first.pid));
  const second = JSON.parse(await getFresh(`http://127.0.0.1:${port}/`));
  assertEquals(String(second.pid), main);
  assertEquals(await h.show("upgrade.service", "ActiveState"), "active");
  assertStringIncludes(
    await h.logs("upgrade.service"),
    `pid ${first.pid}: handed over to pid ${main}, draining`,
  );
  await h.ctl("stop", "upgrade.service");
  assertEquals(await h.show("upgrade.service", "Result"), "success");
});

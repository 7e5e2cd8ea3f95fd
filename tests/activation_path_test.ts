/**
 * Tests of what an activated start loads and allocates: `mod.ts`'s static
 * import graph holds only the native hand-off (the `node:` path, notify, the
 * launcher and the workers load only when used), its modules are ASCII (V8
 * keeps a non-ASCII source as two bytes a character), and the deferred
 * `node:` listener behaves as `Deno.listen()`'s does. Why it matters, with
 * figures: docs/performance.md.
 *
 * @module
 */

import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { fromFileUrl, join, relative } from "@std/path";
import { bindLibc, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { encodeInetSockaddr } from "../_sockaddr.ts";
import { deferredNodeListener } from "../_adopt/node.ts";
import { nodeFdSupported } from "../_adopt/policy.ts";
import {
  DENO,
  freePort,
  requirePeer,
  ROOT,
  SOCKET_ACTIVATE_252,
  waitFor,
} from "./support/helpers.ts";

bindLibc();

interface InfoModule {
  specifier: string;
  dependencies?: {
    specifier: string;
    code?: { specifier: string };
    isDynamic?: boolean;
  }[];
}

/** The modules `entry` loads before running, from `deno info --json`. */
async function staticGraph(entry: string): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assertEquals(code, 0, decoder.decode(stderr));
  const { modules, roots } = JSON.parse(decoder.decode(stdout)) as {
    modules: InfoModule[];
    roots: string[];
  };
  const byName = new Map(modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const specifier = pending.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dependency of byName.get(specifier)?.dependencies ?? []) {
      if (!dependency.isDynamic && dependency.code) {
        pending.push(dependency.code.specifier);
      }
    }
  }
  return [...seen].sort();
}

Deno.test("mod.ts statically loads only the native hand-off: no node: adapter, notify, launcher or worker module", async () => {
  const graph = (await staticGraph("mod.ts")).map((specifier) =>
    specifier.startsWith("file:")
      ? relative(ROOT, fromFileUrl(specifier))
      : specifier
  );
  const unwanted = graph.filter((name) =>
    /^node:|node_net|node_http|^_notify\/|^_launcher\/|_parallel|_serve_|^notify\.ts$/
      .test(name)
  );
  assertEquals(unwanted, [], `mod.ts loads ${unwanted.join(", ")}`);
  assert(graph.includes("_adopt/node.ts"), graph.join(", "));
});

Deno.test("every module mod.ts loads is ASCII", async () => {
  for (const specifier of await staticGraph("mod.ts")) {
    if (!specifier.startsWith("file:")) continue;
    const bytes = await Deno.readFile(fromFileUrl(specifier));
    const at = bytes.findIndex((byte) => byte > 0x7f);
    assertEquals(
      at,
      -1,
      `${specifier} has a non-ASCII byte at ${at}: V8 would hold the whole source as two bytes a character`,
    );
  }
});

function listeningSocket(): number {
  const c = libc();
  const fd = c.socket(
    LINUX.AF_INET,
    LINUX.SOCK_STREAM | LINUX.SOCK_CLOEXEC,
    0,
  );
  assert(fd >= 0, "socket() failed");
  const address = encodeInetSockaddr("127.0.0.1", 0);
  assertEquals(c.bind(fd, address, address.length), 0, "bind() failed");
  assertEquals(c.listen(fd, 16), 0, "listen() failed");
  return fd;
}

function portOf(fd: number): number {
  const address = new Uint8Array(16);
  const length = new Uint32Array([16]);
  assertEquals(
    libc().getsockname(fd, address, new Uint8Array(length.buffer)),
    0,
  );
  return (address[2]! << 8) | address[3]!;
}

Deno.test({
  name:
    "deferredNodeListener() accepts and iterates once node:net has loaded, and refuses a second close()",
  ignore: !nodeFdSupported(),
  async fn(): Promise<void> {
    const fd = listeningSocket();
    const port = portOf(fd);
    const addr = { transport: "tcp", hostname: "127.0.0.1", port } as const;
    const listener = deferredNodeListener(fd, addr);
    assertEquals(listener.addr, addr);
    const accepting = listener.accept();
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    const conn = await accepting;
    await client.write(new TextEncoder().encode("ping"));
    const buffer = new Uint8Array(4);
    assertEquals(await conn.read(buffer), 4);
    assertEquals(new TextDecoder().decode(buffer), "ping");
    conn.close();
    client.close();
    const iterated = (async (): Promise<number> => {
      let count = 0;
      for await (const conn of listener) {
        conn.close();
        count++;
      }
      return count;
    })();
    const second = await Deno.connect({ hostname: "127.0.0.1", port });
    // The loop above closes what it accepts: this client reads EOF.
    assertEquals(await second.read(new Uint8Array(1)), null);
    second.close();
    listener.close();
    assertEquals(await iterated, 1);
    assertThrows(() => listener.close(), Deno.errors.BadResource);
    await assertRejects(() => listener.accept(), Deno.errors.BadResource);
  },
});

/**
 * Runs `tests/fixtures/libc_loads.ts <mode>` under `systemd-socket-activate`
 * with `args`, sends it one request, and returns the symbols of each
 * `Deno.dlopen` its activation made.
 */
async function libcLoads(
  mode: string,
  args: (port: number) => string[],
): Promise<string[][]> {
  requirePeer(SOCKET_ACTIVATE_252);
  const port = freePort();
  const child = new Deno.Command(SOCKET_ACTIVATE_252, {
    args: [
      ...args(port),
      "-E",
      "DENO_DIR",
      "--",
      DENO,
      "run",
      "-A",
      "--quiet",
      join(ROOT, "tests", "fixtures", "libc_loads.ts"),
      mode,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
    }
  })();
  const report = (): string | undefined =>
    text.split("\n").find((line) => line.startsWith('{"loads"'));
  try {
    const conn = await waitFor(async () => {
      try {
        return await Deno.connect({ hostname: "127.0.0.1", port });
      } catch {
        return undefined;
      }
    });
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nHost: test\r\n\r\n"),
    );
    const buffer = new Uint8Array(1024);
    const n = await conn.read(buffer);
    conn.close();
    const reply = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    assert(reply.startsWith("HTTP/1.1 200"), reply);
    const line = await waitFor(report, {
      what: `the service's report (stderr: ${text})`,
    });
    return (JSON.parse(line) as { loads: string[][] }).loads;
  } finally {
    try {
      child.kill("SIGTERM");
    } catch {
      // exited already
    }
    await child.status;
    await reading;
  }
}

const SYSCALL_BINDINGS = [
  "syscall",
  "syscall_p2",
  "syscall_p23",
  "syscall_p25",
  "syscall_p3",
  "syscall_p4",
  "syscall_p45",
];

for (
  const [what, mode, args] of [
    ["serve() (through its shutdown)", "serve", (port: number) => [
      "-l",
      `127.0.0.1:${port}`,
    ]],
    ["takeListener()", "listener", (port: number) => [
      "-l",
      `127.0.0.1:${port}`,
    ]],
    ["takeConn() (Accept=yes)", "conn", (port: number) => [
      "-a",
      "-l",
      `127.0.0.1:${port}`,
    ]],
  ] as const
) {
  Deno.test(`an activated ${what} loads libc once, binding only syscall()`, async () => {
    assertEquals(await libcLoads(mode, args), [SYSCALL_BINDINGS]);
  });
}

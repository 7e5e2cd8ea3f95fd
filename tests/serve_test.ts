/**
 * Tests of the `./serve` entry (serve.ts): its command line, the entry run as
 * a process (`dist/serve.js`, as users run it) without activation
 * (`--host`/`--port`, as `deno serve`), and its hot upgrades (`--upgrade`),
 * activated as a service manager would (a notify receiver standing in for
 * systemd) and without activation.
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertGreater,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { join } from "@std/path";
import { ListenFdsError } from "../mod.ts";
import { parseServeArgs, type ServeCommand } from "../serve.ts";
import { bindLibc, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { encodeInetSockaddr } from "../_sockaddr.ts";
import { sendSignal, SIGNALS, spawnChild } from "../_launcher/spawn.ts";
import { bodyOf, DENO, httpGet, ROOT, waitFor } from "./support/helpers.ts";
import { NotifyReceiver } from "./support/notify_receiver.ts";

bindLibc();

/** The `./serve` entry as users run it: the built `dist/serve.js`. */
const SERVE_ENTRY = join(ROOT, "dist", "serve.js");

const env = (values: Record<string, string>) => (name: string) => values[name];
const cwd = (): string => "/srv/app";

function parse(
  argv: string[],
  variables: Record<string, string> = {},
): ServeCommand | "help" {
  return parseServeArgs(argv, env(variables), cwd);
}

Deno.test("parseServeArgs() has deno serve's defaults and serves in the main thread without --parallel", () => {
  assertEquals(parse(["main.ts"]), {
    module: "file:///srv/app/main.ts",
    args: [],
    workers: undefined,
    host: "0.0.0.0",
    port: 8000,
    name: undefined,
    drainTimeout: 1000,
    shutdownTimeout: 10_000,
    restartLimit: 5,
    fdStore: undefined,
    upgrade: false,
    upgradeTimeout: 30_000,
  });
});

Deno.test("parseServeArgs() takes every flag before the module and gives the rest to the module", () => {
  const command = parse([
    "--workers",
    "3",
    "--host=127.0.0.1",
    "--port",
    "0",
    "--name",
    "web",
    "--drain-timeout",
    "0",
    "--shutdown-timeout",
    "5000",
    "--restart-limit",
    "0",
    "--fd-store",
    "kept",
    "--upgrade",
    "--upgrade-timeout",
    "5000",
    "../other/main.ts",
    "--port",
    "9",
    "x",
  ]);
  assertEquals(command, {
    module: "file:///srv/other/main.ts",
    args: ["--port", "9", "x"],
    workers: 3,
    host: "127.0.0.1",
    port: 0,
    name: "web",
    drainTimeout: 0,
    shutdownTimeout: 5000,
    restartLimit: 0,
    fdStore: "kept",
    upgrade: true,
    upgradeTimeout: 5000,
  });
});

Deno.test("parseServeArgs() --parallel uses DENO_JOBS, else every CPU", () => {
  assertEquals(
    (parse(["--parallel", "a.ts"], { DENO_JOBS: "4" }) as ServeCommand).workers,
    4,
  );
  assertEquals(
    (parse(["--parallel", "a.ts"]) as ServeCommand).workers,
    navigator.hardwareConcurrency,
  );
  // --workers wins.
  assertEquals(
    (parse(["--parallel", "--workers", "2", "a.ts"], {
      DENO_JOBS: "4",
    }) as ServeCommand).workers,
    2,
  );
});

Deno.test("parseServeArgs() keeps URLs and jsr:/npm: specifiers as they are", () => {
  for (
    const module of [
      "file:///x/main.ts",
      "https://example.com/main.ts",
      "jsr:@scope/app",
    ]
  ) {
    assertEquals((parse([module]) as ServeCommand).module, module);
  }
  assertEquals(parse(["-h"]), "help");
  assertEquals(parse(["--help", "main.ts"]), "help");
});

Deno.test("parseServeArgs() rejects an unknown flag, a bad number and a missing module", () => {
  const cases: [string[], Record<string, string>, string][] = [
    [["--bogus", "a.ts"], {}, 'unknown option "--bogus"'],
    [["--workers", "0", "a.ts"], {}, 'Cannot parse --workers: value is "0"'],
    [
      ["--workers", "two", "a.ts"],
      {},
      'Cannot parse --workers: value is "two"',
    ],
    [["--port=-1", "a.ts"], {}, 'Cannot parse --port: value is "-1"'],
    [
      ["--parallel", "a.ts"],
      { DENO_JOBS: "x" },
      'Cannot parse --parallel (DENO_JOBS): value is "x"',
    ],
    [
      ["--drain-timeout", "1.5", "a.ts"],
      {},
      'Cannot parse --drain-timeout: value is "1.5"',
    ],
    [
      ["--upgrade-timeout", "0", "a.ts"],
      {},
      'Cannot parse --upgrade-timeout: value is "0"',
    ],
    [[], {}, "no module given"],
  ];
  for (const [argv, variables, message] of cases) {
    const error = assertThrows(
      () => parse(argv, variables),
      ListenFdsError,
    );
    assertEquals(error.code, "INVALID_ARGUMENT");
    assertStringIncludes(error.message, message);
  }
});

/** Starts the entry, waits for its "Listening on" line. */
async function startEntry(
  args: string[],
): Promise<
  {
    child: Deno.ChildProcess;
    line: string;
    stderr: () => Promise<string>;
    text: () => string;
  }
> {
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", "--quiet", SERVE_ENTRY, ...args],
    cwd: join(ROOT, "tests", "fixtures", "serve"),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  while (!/Listening on .*\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the entry exited: ${text}`);
    text += value;
  }
  const rest = (async (): Promise<string> => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  return {
    child,
    line: /Listening on .*/.exec(text)![0],
    stderr: () => rest,
    text: () => text,
  };
}

for (const workers of [undefined, 2]) {
  Deno.test(`the serve entry binds --host/--port without activation (${workers ? `--workers ${workers}` : "main thread"}) and exits 0 on SIGTERM`, async () => {
    const entry = await startEntry([
      ...(workers ? ["--workers", String(workers)] : []),
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "app.ts",
      "arg1",
    ]);
    assertMatch(
      entry.line,
      workers
        ? /^Listening on http:\/\/127\.0\.0\.1:\d+\/ with 2 workers$/
        : /^Listening on http:\/\/127\.0\.0\.1:\d+\/$/,
    );
    const port = Number(/:(\d+)\//.exec(entry.line)![1]);
    const body = bodyOf(await httpGet({ hostname: "127.0.0.1", port }));
    assertMatch(
      body,
      workers ? /^\d+ listen-fds serve worker [01]\n$/ : /^\d+ main\n$/,
    );
    assertEquals(
      JSON.parse(
        bodyOf(await httpGet({ hostname: "127.0.0.1", port }, "/args")),
      ),
      ["arg1"],
    );
    entry.child.kill("SIGTERM");
    const status = await entry.child.status;
    await entry.stderr();
    assertEquals(status.code, 0);
  });
}

Deno.test("the serve entry exits 1 naming the problem when the module cannot be served", async () => {
  const { code, stderr } = await new Deno.Command(DENO, {
    args: [
      "run",
      "-A",
      "--quiet",
      SERVE_ENTRY,
      "--workers",
      "2",
      "--port",
      "0",
      "no_fetch.ts",
    ],
    cwd: join(ROOT, "tests", "fixtures", "serve"),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(stderr);
  assertEquals(code, 1, text);
  assertStringIncludes(text, "its default export has no fetch() function");
});

Deno.test("the serve entry exits 2 with the usage on a bad flag", async () => {
  const { code, stderr } = await new Deno.Command(DENO, {
    args: [
      "run",
      "-A",
      "--quiet",
      SERVE_ENTRY,
      "--workers",
      "0",
      "a.ts",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  assertEquals(code, 2);
  assertStringIncludes(text, 'Cannot parse --workers: value is "0"');
  assert(text.includes("Usage: deno run"));
});

const APP_PATH = join(ROOT, "tests", "fixtures", "serve", "app.ts");
const WORKERS = ["listen-fds serve worker 0", "listen-fds serve worker 1"];

function alive(pid: number): boolean {
  return libc().kill(pid, 0) === 0;
}

/** Stops a successor (not our child: polls until it is gone). */
async function stopProcess(pid: number): Promise<void> {
  if (alive(pid)) sendSignal(pid, SIGNALS.SIGTERM);
  await waitFor(() => !alive(pid), { what: `process ${pid} to exit` });
}

/**
 * `count` listening sockets on one 127.0.0.1 port (`SO_REUSEPORT` when more
 * than one, as systemd makes a `ReusePort=yes` set), close-on-exec, above fd
 * 10.
 */
function listeners(count: number): { fds: number[]; port: number } {
  const c = libc();
  const fds: number[] = [];
  let port = 0;
  for (let i = 0; i < count; i++) {
    const raw = c.socket(
      LINUX.AF_INET,
      LINUX.SOCK_STREAM | LINUX.SOCK_CLOEXEC,
      0,
    );
    if (count > 1) {
      const one = new Uint8Array(new Int32Array([1]).buffer);
      assertEquals(
        c.setsockopt(raw, LINUX.SOL_SOCKET, LINUX.SO_REUSEPORT, one, 4),
        0,
      );
    }
    const address = encodeInetSockaddr("127.0.0.1", port);
    assertEquals(c.bind(raw, address, address.length), 0);
    assertEquals(c.listen(raw, 512), 0);
    const fd = c.fcntl(raw, LINUX.F_DUPFD_CLOEXEC, 10);
    c.close(raw);
    fds.push(fd);
    if (port === 0) {
      const buffer = new Uint8Array(128);
      const length = new Uint8Array(new Uint32Array([128]).buffer);
      assertEquals(c.getsockname(fd, buffer, length), 0);
      port = (buffer[2]! << 8) | buffer[3]!;
    }
  }
  return { fds, port };
}

/** One request on a fresh connection: `[pid, worker]`. */
async function served(port: number): Promise<[string, string]> {
  const body = bodyOf(await httpGet({ hostname: "127.0.0.1", port })).trim();
  const [pid, ...worker] = body.split(" ");
  return [pid!, worker.join(" ")];
}

/** The workers of `pid` seen on fresh connections, until both answered. */
async function workersOf(port: number, pid: string): Promise<string[]> {
  const seen = new Set<string>();
  for (let round = 0; round < 50 && seen.size < 2; round++) {
    for (
      const [who, worker] of await Promise.all(
        Array.from({ length: 8 }, () => served(port)),
      )
    ) {
      assertEquals(who, pid);
      seen.add(worker);
    }
  }
  return [...seen].sort();
}

/** Requests on fresh connections by 4 clients until stopped. */
function load(port: number): {
  stop(): Promise<{ ok: number; failures: string[]; pids: Set<string> }>;
} {
  let stopping = false;
  const result = { ok: 0, failures: [] as string[], pids: new Set<string>() };
  const clients = Array.from({ length: 4 }, async () => {
    while (!stopping) {
      try {
        result.pids.add((await served(port))[0]);
        result.ok++;
      } catch (error) {
        result.failures.push(String(error));
      }
    }
  });
  return {
    async stop(): Promise<
      { ok: number; failures: string[]; pids: Set<string> }
    > {
      stopping = true;
      await Promise.all(clients);
      return result;
    },
  };
}

/** The entry, started as a service manager starts it. */
interface ActivatedEntry {
  port: number;
  pid: number;
  exited: Promise<{ code: number | undefined; signal: number | undefined }>;
  receiver: NotifyReceiver;
  /** The first notification it sent. */
  started: string;
  close(): void;
}

/** The entry started as a service manager starts it, with its sockets. */
async function startActivated(
  count: number,
  args: string[],
  env: Record<string, string> = {},
): Promise<ActivatedEntry> {
  const { fds, port } = listeners(count);
  const receiver = NotifyReceiver.bind(
    `@listen-fds-serve-test-${crypto.randomUUID()}`,
  );
  const child = spawnChild(
    [DENO, "run", "-A", "--quiet", SERVE_ENTRY, ...args, APP_PATH],
    {
      fds,
      env: {
        ...Deno.env.toObject(),
        NO_COLOR: "1",
        LISTEN_FDS: String(count),
        LISTEN_FDNAMES: fds.map(() => "web").join(":"),
        NOTIFY_SOCKET: receiver.address,
        ...env,
      },
      setPid: true,
    },
  );
  const started = await receiver.receive(30_000);
  return {
    port,
    pid: child.pid,
    exited: child.exited,
    receiver,
    started: started.text,
    close(): void {
      for (const fd of fds) libc().close(fd);
      receiver.close();
    },
  };
}

for (
  const [layout, count] of [["one socket", 1], ["ReusePort=yes", 2]] as const
) {
  Deno.test(`the serve entry --upgrade --workers 2 (${layout}) hot-upgrades on SIGHUP: the successor's 2 workers take over, MAINPID= and READY=1 go to systemd, requests keep succeeding, the old process exits 0`, async () => {
    const service = await startActivated(count, [
      "--upgrade",
      "--workers",
      "2",
    ]);
    const successors: number[] = [];
    try {
      // STATUS= before READY=1 (a successor's READY=1 goes to its predecessor).
      assertEquals(service.started, "STATUS=serving on 2 workers");
      assertEquals((await service.receiver.receive()).text, "READY=1");
      assertEquals(await workersOf(service.port, String(service.pid)), WORKERS);
      const running = load(service.port);
      await new Promise((resolve) => setTimeout(resolve, 300));
      sendSignal(service.pid, SIGNALS.SIGHUP);
      const sent: string[] = [];
      while (!sent.at(-1)?.startsWith("MAINPID=")) {
        sent.push((await service.receiver.receive(60_000)).text);
      }
      const successor = Number(
        /^MAINPID=(\d+)\nREADY=1$/.exec(sent.at(-1)!)![1],
      );
      successors.push(successor);
      // RELOADING=1 first; the successor's STATUS= before the hand-over.
      assertEquals(sent.length, 3, sent.join(" | "));
      assertMatch(sent[0]!, /^RELOADING=1\nMONOTONIC_USEC=\d+$/);
      assertEquals(sent[1], "STATUS=serving on 2 workers");
      assertEquals(await service.exited, { code: 0, signal: undefined });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { ok, failures, pids } = await running.stop();
      assertEquals(failures, []);
      assertGreater(ok, 20);
      assertEquals(
        [...pids].sort(),
        [String(service.pid), String(successor)].sort(),
      );
      assertEquals(await workersOf(service.port, String(successor)), WORKERS);
      // The successor upgrades in turn, with every socket.
      sendSignal(successor, SIGNALS.SIGHUP);
      let last = "";
      while (!last.startsWith("MAINPID=")) {
        last = (await service.receiver.receive(60_000)).text;
      }
      const third = Number(/^MAINPID=(\d+)/.exec(last)![1]);
      successors.push(third);
      await waitFor(() => !alive(successor), { what: "the successor to exit" });
      assertEquals(await workersOf(service.port, String(third)), WORKERS);
    } finally {
      for (const pid of successors) await stopProcess(pid);
      await stopProcess(service.pid);
      service.close();
    }
  });
}

Deno.test("the serve entry --upgrade --workers 2: a successor whose worker fails to start leaves both workers serving, with STATUS=Upgrade failed", async () => {
  const failFile = await Deno.makeTempFile();
  await Deno.remove(failFile);
  const service = await startActivated(1, ["--upgrade", "--workers", "2"], {
    SERVE_APP_FAIL_FILE: failFile,
  });
  let successor: number | undefined;
  try {
    // READY=1 follows STATUS= once both workers serve: wait for it, or a
    // SIGHUP sent before it arrives reads it in place of RELOADING=1.
    assertEquals(service.started, "STATUS=serving on 2 workers");
    assertEquals((await service.receiver.receive()).text, "READY=1");
    await Deno.writeTextFile(failFile, "1");
    sendSignal(service.pid, SIGNALS.SIGHUP);
    assertMatch(
      (await service.receiver.receive()).text,
      /^RELOADING=1\nMONOTONIC_USEC=\d+$/,
    );
    assertMatch(
      (await service.receiver.receive(60_000)).text,
      /^STATUS=Upgrade failed: Cannot upgrade: successor \d+ .* exited before it was ready\nREADY=1$/,
    );
    assert(alive(service.pid));
    assertEquals(await workersOf(service.port, String(service.pid)), WORKERS);
    // Once the module starts again, the next SIGHUP hands over.
    await Deno.remove(failFile);
    sendSignal(service.pid, SIGNALS.SIGHUP);
    let last = "";
    while (!last.startsWith("MAINPID=")) {
      last = (await service.receiver.receive(60_000)).text;
    }
    assertMatch(last, /^MAINPID=\d+\nSTATUS=\nREADY=1$/);
    successor = Number(/^MAINPID=(\d+)/.exec(last)![1]);
    assertEquals(await service.exited, { code: 0, signal: undefined });
    assertEquals(await workersOf(service.port, String(successor)), WORKERS);
  } finally {
    if (successor) await stopProcess(successor);
    await stopProcess(service.pid);
    await Deno.remove(failFile).catch(() => {});
    service.close();
  }
});

for (const workers of [undefined, 2]) {
  Deno.test(`the serve entry --upgrade without activation (${workers ? `--workers ${workers}` : "main thread"}) hands the port it bound to its successor on SIGHUP`, async () => {
    const entry = await startEntry([
      "--upgrade",
      ...(workers ? ["--workers", String(workers)] : []),
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "app.ts",
    ]);
    const port = Number(/:(\d+)\//.exec(entry.line)![1]);
    let successor: number | undefined;
    try {
      // At once: the entry may still be installing its SIGHUP handler, and a
      // SIGHUP then must upgrade too, not end the process.
      entry.child.kill("SIGHUP");
      const status = await entry.child.status;
      assertEquals(status.code, 0);
      // The successor holds the stderr pipe: read what has come so far.
      await waitFor(() => /handed over to pid \d+/.test(entry.text()), {
        what: "the hand-over message",
      });
      successor = Number(/handed over to pid (\d+)/.exec(entry.text())![1]);
      const [now, worker] = await served(port);
      assertEquals(now, String(successor));
      assertMatch(
        worker,
        workers ? /^listen-fds serve worker [01]$/ : /^main$/,
      );
    } finally {
      if (successor) await stopProcess(successor);
      await entry.stderr();
    }
  });
}

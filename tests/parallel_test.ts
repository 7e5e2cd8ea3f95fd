/**
 * Tests of serveParallel() (parallel.ts): a `deno serve` module on several
 * workers, on sockets laid out as systemd passes them (inherited fds at a
 * LISTEN_FDS_FIRST_FD), one shared socket or a `ReusePort=yes` set.
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertGreater,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { ListenFds, ListenFdsError } from "../mod.ts";
import { serveParallel } from "../_parallel.ts";
import type { WorkerExitEvent } from "../_parallel.ts";
import { assignSockets, planWorkers } from "../_parallel.ts";
import { bindLibc, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { encodeInetSockaddr } from "../_sockaddr.ts";
import { inspectFd, isFdOpen, statFd } from "../_fd_info.ts";
import { listOpenFds, readFdLink } from "../_adopt/proc.ts";
import { handleUpgrades, Upgrader } from "../notify.ts";
import type { UpgradeOutcome } from "../notify.ts";
import { sendSignal, SIGNALS } from "../_launcher/spawn.ts";
import { bodyOf, DENO, httpGet, ROOT, waitFor } from "./support/helpers.ts";

bindLibc();

const FIXTURES = new URL("./fixtures/serve/", import.meta.url);
const APP = new URL("app.ts", FIXTURES).href;

/** Sockets laid out as a service manager passes them, plus its own copies. */
interface Activated {
  fds: ListenFds;
  port: number;
  inodes: bigint[];
  /** The service manager's copies (close-on-exec), closed by `close()`. */
  kept: number[];
  close(): void;
}

function listeningSocket(port: number, reusePort: boolean): number {
  const c = libc();
  const fd = c.socket(LINUX.AF_INET, LINUX.SOCK_STREAM, 0);
  assert(fd >= 0, "socket() failed");
  if (reusePort) {
    const one = new Uint8Array(new Int32Array([1]).buffer);
    assertEquals(
      c.setsockopt(fd, LINUX.SOL_SOCKET, LINUX.SO_REUSEPORT, one, 4),
      0,
    );
  }
  const address = encodeInetSockaddr("127.0.0.1", port);
  assertEquals(c.bind(fd, address, address.length), 0, "bind() failed");
  assertEquals(c.listen(fd, 128), 0);
  return fd;
}

/**
 * `count` listening sockets on one port (`SO_REUSEPORT` when more than one),
 * inherited (not close-on-exec) at consecutive fds, read by fromEnv().
 */
function activate(count: number, name = "web"): Activated {
  const c = libc();
  const made: number[] = [];
  let port = 0;
  for (let i = 0; i < count; i++) {
    const fd = listeningSocket(port, count > 1);
    made.push(fd);
    if (port === 0) {
      const link = readFdLink(fd);
      assert(link?.startsWith("socket:"));
      port = socketPort(fd);
    }
  }
  let first = 300;
  while (
    Array.from({ length: count }, (_, i) => first + i).some((fd) =>
      isFdOpen(fd)
    )
  ) first += count;
  made.forEach((fd, i) => {
    assertEquals(c.dup2(fd, first + i), first + i);
    c.close(fd);
  });
  const kept = made.map((_, i) => c.fcntl(first + i, LINUX.F_DUPFD_CLOEXEC, 3));
  const fds = ListenFds.fromEnv({
    env: {
      LISTEN_FDS: String(count),
      LISTEN_FDS_FIRST_FD: String(first),
      LISTEN_FDNAMES: Array(count).fill(name).join(":"),
    },
  });
  return {
    fds,
    port,
    inodes: kept.map((fd) => statFd(fd).inode),
    kept,
    close(): void {
      for (const fd of kept) c.close(fd);
      for (let i = 0; i < count; i++) {
        if (fds.borrow(i)) c.close(fds.take(i)!.fd);
      }
    },
  };
}

function socketPort(fd: number): number {
  const buffer = new Uint8Array(128);
  const length = new Uint32Array([128]);
  assertEquals(
    libc().getsockname(fd, buffer, new Uint8Array(length.buffer)),
    0,
  );
  return (buffer[2]! << 8) | buffer[3]!;
}

/** How many fds of this process refer to each socket. */
function copies(inodes: bigint[]): number[] {
  const counts = inodes.map(() => 0);
  for (const fd of listOpenFds()) {
    const link = readFdLink(fd);
    const match = link && /^socket:\[(\d+)\]$/.exec(link);
    if (!match) continue;
    const index = inodes.indexOf(BigInt(match[1]!));
    if (index >= 0) counts[index]!++;
  }
  return counts;
}

async function get(port: number, path = "/"): Promise<string> {
  return bodyOf(await httpGet({ hostname: "127.0.0.1", port }, path)).trim();
}

/** Fresh connections until every one of `names` answered. */
async function servedBy(port: number, names: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let round = 0; round < 50; round++) {
    const bodies = await Promise.all(
      Array.from({ length: 8 }, () => get(port)),
    );
    for (const body of bodies) seen.add(body.split(" ").slice(1).join(" "));
    if (names.every((name) => seen.has(name))) break;
  }
  return seen;
}

const WORKERS = ["listen-fds serve worker 0", "listen-fds serve worker 1"];

Deno.test("assignSockets() gives every socket a worker and every worker a socket", () => {
  assertEquals(assignSockets(1, 2), [[0], [0]]);
  assertEquals(assignSockets(2, 2), [[0], [1]]);
  assertEquals(assignSockets(2, 4), [[0], [1], [0], [1]]);
  assertEquals(assignSockets(4, 2), [[0, 2], [1, 3]]);
  assertEquals(assignSockets(3, 1), [[0, 1, 2]]);
});

Deno.test("planWorkers() serves every address on every worker", () => {
  const v4 = { transport: "tcp", hostname: "127.0.0.1", port: 80 } as const;
  const v6 = { transport: "tcp", hostname: "::1", port: 80 } as const;
  assertEquals(planWorkers([v4, v6], 2), [[0, 1], [0, 1]]);
  assertEquals(planWorkers([v4, v4, v6], 2), [[0, 2], [1, 2]]);
});

Deno.test("serveParallel() serves one activated socket on 2 workers, each on its own duplicate", async () => {
  const activated = activate(1);
  try {
    assertEquals(copies(activated.inodes), [2]);
    const server = await serveParallel({
      module: APP,
      workers: 2,
      fds: activated.fds,
      onListen(): void {},
    });
    assertEquals(server.workers, 2);
    assertEquals(server.addr, {
      transport: "tcp",
      hostname: "127.0.0.1",
      port: activated.port,
    });
    assertEquals(activated.fds.borrow(0), undefined);
    // The original, the service manager's copy, one per worker.
    assertEquals(copies(activated.inodes), [4]);
    const seen = await servedBy(activated.port, WORKERS);
    assertEquals([...seen].sort(), WORKERS);
    await server.shutdown();
    await server.finished;
    assertEquals(copies(activated.inodes), [1]);
  } finally {
    activated.close();
  }
});

Deno.test("serveParallel() gives each worker its own socket of a ReusePort=yes set", async () => {
  const activated = activate(2);
  try {
    const server = await serveParallel({
      module: APP,
      fds: activated.fds,
      onListen(): void {},
    });
    // Two sockets of one address: two workers by default.
    assertEquals(server.workers, 2);
    assertEquals(activated.fds.borrow(0), undefined);
    assertEquals(activated.fds.borrow(1), undefined);
    // Each socket: the original, the manager's copy, its one worker's.
    assertEquals(copies(activated.inodes), [3, 3]);
    const seen = await servedBy(activated.port, WORKERS);
    assertEquals([...seen].sort(), WORKERS);
    await server.shutdown();
    assertEquals(copies(activated.inodes), [1, 1]);
  } finally {
    activated.close();
  }
});

Deno.test("serveParallel() binds port itself when nothing is activated, and closes it on shutdown", async () => {
  const server = await serveParallel({
    module: APP,
    workers: 2,
    fds: ListenFds.fromEnv({ env: {} }),
    hostname: "127.0.0.1",
    port: 0,
    onListen(): void {},
  });
  const { port } = server.addr as Deno.NetAddr;
  assertGreater(port, 0);
  assertEquals([...await servedBy(port, WORKERS)].sort(), WORKERS);
  await server.shutdown();
  await assertRejects(() => get(port), Deno.errors.ConnectionRefused);
});

Deno.test("serveParallel() passes args as the module's Deno.args and calls its onListen once, in worker 0", async () => {
  const activated = activate(1);
  const file = await Deno.makeTempFile();
  try {
    const server = await serveParallel({
      module: new URL("on_listen.ts", FIXTURES),
      workers: 2,
      fds: activated.fds,
      args: [file],
    });
    const calls = (await Deno.readTextFile(file)).trim().split("\n").map((
      line,
    ) => JSON.parse(line));
    assertEquals(calls, [{
      addr: { transport: "tcp", hostname: "127.0.0.1", port: activated.port },
      worker: "listen-fds serve worker 0",
    }]);
    await server.shutdown();
    const app = await serveParallel({
      module: APP,
      workers: 1,
      fds: activated.fds,
      port: 0,
      hostname: "127.0.0.1",
      args: ["a", "b c"],
      onListen(): void {},
    });
    const { port } = app.addr as Deno.NetAddr;
    assertEquals(JSON.parse(await get(port, "/args")), ["a", "b c"]);
    await app.shutdown();
  } finally {
    await Deno.remove(file);
    activated.close();
  }
});

for (
  const [what, module, env, expected] of [
    [
      "fails on import",
      APP,
      "1",
      "the app refuses to start in listen-fds serve worker 1",
    ],
    [
      "has no fetch()",
      new URL("no_fetch.ts", FIXTURES).href,
      undefined,
      "its default export has no fetch() function",
    ],
    [
      "does not exist",
      new URL("missing.ts", FIXTURES).href,
      undefined,
      "missing.ts",
    ],
  ] as const
) {
  Deno.test(`serveParallel() rejects with WORKER_FAILED when the module ${what}, and takes nothing`, async () => {
    const activated = activate(1);
    if (env) Deno.env.set("SERVE_APP_FAIL", env);
    try {
      const error = await assertRejects(
        () =>
          serveParallel({
            module,
            workers: 2,
            fds: activated.fds,
            onListen(): void {},
          }),
        ListenFdsError,
      );
      assertEquals(error.code, "WORKER_FAILED");
      assertStringIncludes(error.message, expected);
      assert(activated.fds.borrow(0) !== undefined, "the fd stays untaken");
      // No duplicate is left behind.
      assertEquals(copies(activated.inodes), [2]);
    } finally {
      Deno.env.delete("SERVE_APP_FAIL");
      activated.close();
    }
  });
}

for (const how of ["throw", "reject", "exit", "close"]) {
  Deno.test(`serveParallel() reports a worker that dies (${how}) and restarts it on a fresh duplicate`, async () => {
    const activated = activate(1);
    const events: WorkerExitEvent[] = [];
    try {
      const server = await serveParallel({
        module: APP,
        workers: 2,
        fds: activated.fds,
        onListen(): void {},
        onWorkerExit: (event) => events.push(event),
      });
      assertStringIncludes(
        await get(activated.port, `/die?how=${how}`),
        "dying",
      );
      await waitFor(() => events.length === 1, { what: "the death report" });
      assertEquals(events[0]!.restart, true);
      assertStringIncludes(
        events[0]!.reason,
        how === "exit"
          ? "exited with code 7"
          : how === "close"
          ? "exited with code 0"
          : how === "reject"
          ? "rejected"
          : "dying in listen-fds serve worker",
      );
      await waitFor(() => server.restarts === 1, { what: "the restart" });
      await waitFor(() => copies(activated.inodes)[0] === 4, {
        what: "the restarted worker to adopt its duplicate",
      });
      assertEquals(
        [...await servedBy(activated.port, WORKERS)].sort(),
        WORKERS,
      );
      await server.shutdown();
      assertEquals(copies(activated.inodes), [1]);
      assertEquals(events.length, 1);
    } finally {
      activated.close();
    }
  });
}

Deno.test("serveParallel() fails (finished rejects with WORKER_FAILED) when workers die more often than restartLimit", async () => {
  const activated = activate(1);
  const events: WorkerExitEvent[] = [];
  try {
    const server = await serveParallel({
      module: APP,
      workers: 2,
      fds: activated.fds,
      restartLimit: 1,
      onListen(): void {},
      onWorkerExit: (event) => events.push(event),
    });
    await get(activated.port, "/die");
    await waitFor(() => server.restarts === 1, { what: "the restart" });
    await waitFor(() => copies(activated.inodes)[0] === 4, {
      what: "the restarted worker",
    });
    await get(activated.port, "/die");
    const error = await assertRejects(() => server.finished, ListenFdsError);
    assertEquals(error.code, "WORKER_FAILED");
    assertStringIncludes(error.message, "more than restartLimit 1");
    assertEquals(events.map((event) => event.restart), [true, false]);
    // Every worker stopped and the pool's copy is closed (a terminated
    // worker's runtime closes its sockets on its own thread, soon after).
    await waitFor(() => copies(activated.inodes)[0] === 1, {
      what: "every copy but the manager's to close",
    });
  } finally {
    activated.close();
  }
});

/** A request whose response is in flight: its worker is known at once. */
async function inFlight(
  port: number,
  ms: number,
  until?: string,
): Promise<{ worker: string; rest: Promise<string> }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const query = until === undefined
    ? `ms=${ms}`
    : `ms=${ms}&until=${encodeURIComponent(until)}`;
  await conn.write(
    new TextEncoder().encode(
      `GET /stream?${query} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`,
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
  const rest = (async (): Promise<string> => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  return { worker: match[1]!, rest };
}

for (const layout of ["one socket", "ReusePort=yes"] as const) {
  Deno.test(`shutdown() drains every worker (${layout}): responses in flight finish, later connections wait for the next server`, async () => {
    const activated = activate(layout === "one socket" ? 1 : 2);
    try {
      const first = await serveParallel({
        module: APP,
        workers: 2,
        fds: activated.fds,
        onListen(): void {},
      });
      // A response in flight on each worker.
      const flights: { worker: string; rest: Promise<string> }[] = [];
      for (let i = 0; i < 100; i++) {
        if (new Set(flights.map((flight) => flight.worker)).size === 2) break;
        flights.push(await inFlight(activated.port, 600));
      }
      assertEquals(
        [...new Set(flights.map((flight) => flight.worker))].sort(),
        WORKERS,
      );
      await first.shutdown();
      for (const flight of flights) {
        assertStringIncludes(await flight.rest, "done\n");
      }
      // Nobody serves now: a new connection waits in the backlog.
      const waiting = get(activated.port);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const c = libc();
      let fd = 400;
      while (
        activated.kept.some((_, i) => isFdOpen(fd + i))
      ) fd += activated.kept.length;
      activated.kept.forEach((kept, i) =>
        assertEquals(c.dup2(kept, fd + i), fd + i)
      );
      const next = await serveParallel({
        module: APP,
        workers: 2,
        fds: ListenFds.fromEnv({
          env: {
            LISTEN_FDS: String(activated.kept.length),
            LISTEN_FDS_FIRST_FD: String(fd),
          },
        }),
        onListen(): void {},
      });
      assertStringIncludes(await waiting, "listen-fds serve worker");
      await next.shutdown();
    } finally {
      activated.close();
    }
  });
}

Deno.test("serveParallel() rejects bad options with typed errors", async () => {
  const none = ListenFds.fromEnv({ env: {} });
  for (const workers of [0, 1.5, -1]) {
    const error = await assertRejects(
      () => serveParallel({ module: APP, workers, fds: none, port: 0 }),
      ListenFdsError,
    );
    assertEquals(error.code, "INVALID_ARGUMENT");
    assertStringIncludes(error.message, `workers ${workers}`);
  }
  const missing = await assertRejects(
    () => serveParallel({ module: APP, fds: none }),
    ListenFdsError,
  );
  assertEquals(missing.code, "FD_NOT_FOUND");
  assertInstanceOf(missing, Error);
});

Deno.test('serveParallel() with upgrader hands it the served sockets: activated ones under their names, a bound one under store, name or "serve"', async () => {
  const activated = activate(2);
  using upgrader = new Upgrader();
  try {
    const server = await serveParallel({
      module: APP,
      fds: activated.fds,
      upgrader,
      onListen(): void {},
    });
    assertEquals(upgrader.fds.map(({ name }) => name), ["web", "web"]);
    assertEquals(
      upgrader.fds.map(({ fd }) => statFd(fd).inode),
      activated.inodes,
    );
    await server.shutdown();
    // The upgrader's duplicates outlive the server: a successor needs them.
    assertEquals(copies(activated.inodes), [2, 2]);
  } finally {
    activated.close();
  }
  for (const [name, expected] of [[undefined, "serve"], ["web", "web"]]) {
    using bound = new Upgrader();
    const server = await serveParallel({
      module: APP,
      workers: 1,
      fds: ListenFds.fromEnv({ env: {} }),
      hostname: "127.0.0.1",
      port: 0,
      ...(name ? { name } : {}),
      upgrader: bound,
      onListen(): void {},
    });
    assertEquals(bound.fds.map((entry) => entry.name), [expected]);
    assertEquals(inspectFd(bound.fds[0]!.fd).socket?.address, server.addr);
    await server.shutdown();
  }
});

function alive(pid: number): boolean {
  return libc().kill(pid, 0) === 0;
}

/** Stops a successor (it is not our child: poll until it is gone). */
async function stopSuccessor(pid: number): Promise<void> {
  if (alive(pid)) sendSignal(pid, SIGNALS.SIGTERM);
  await waitFor(() => !alive(pid), { what: `successor ${pid} to exit` });
}

/** The serve entry with 2 workers, as a successor's command line. */
const SUCCESSOR = [
  DENO,
  "run",
  "-A",
  "--quiet",
  `${ROOT}/dist/serve.js`,
  "--workers",
  "2",
  APP,
];

for (const layout of ["one socket", "ReusePort=yes"] as const) {
  Deno.test(`handleUpgrades() hot-upgrades a 2-worker serveParallel() server (${layout}): the successor gets every socket by name, responses in flight on every worker finish, then every worker stops`, async () => {
    const activated = activate(layout === "one socket" ? 1 : 2);
    // The responses in flight end once this file exists: after the hand-over.
    const release = `${await Deno.makeTempDir()}/release`;
    let successor: number | undefined;
    try {
      const upgrader = Upgrader.fromListenFds(activated.fds);
      const server = await serveParallel({
        module: APP,
        workers: 2,
        fds: activated.fds,
        onListen(): void {},
      });
      const outcomes: UpgradeOutcome[] = [];
      const handler = handleUpgrades(server, {
        upgrader,
        command: SUCCESSOR,
        exit: false,
        notify: false,
        async onUpgrade(outcome): Promise<void> {
          outcomes.push(outcome);
          // Handed over: the old workers drain from here on. The responses
          // in flight may finish now.
          unfinishedAtHandOver = flights.filter((flight) =>
            !finished.has(flight)
          ).length;
          await Deno.writeTextFile(release, "");
        },
      });
      let unfinishedAtHandOver = -1;
      const finished = new Set<unknown>();
      const flights: { worker: string; rest: Promise<string> }[] = [];
      for (let i = 0; i < 100; i++) {
        if (new Set(flights.map((flight) => flight.worker)).size === 2) break;
        flights.push(await inFlight(activated.port, 20, release));
      }
      assertEquals(
        [...new Set(flights.map((flight) => flight.worker))].sort(),
        WORKERS,
      );
      for (const flight of flights) {
        flight.rest.finally(() => finished.add(flight));
      }
      // Requests on fresh connections all along: none fails.
      let stop = false;
      const failures: string[] = [];
      const pids = new Set<string>();
      const clients = Array.from({ length: 4 }, async () => {
        while (!stop) {
          try {
            pids.add((await get(activated.port)).split(" ")[0]!);
          } catch (error) {
            failures.push(String(error));
          }
        }
      });
      let result;
      try {
        result = await handler.upgrade();
        successor = result.pid;
      } finally {
        stop = true;
        await Promise.all(clients);
      }
      assertEquals(failures, []);
      assertEquals(outcomes, [{ ok: true, pid: result.pid }]);
      assertEquals(
        result.fds.map(({ name }) => name),
        activated.kept.map(() => "web"),
      );
      // Every response in flight at the hand-over (on both workers) was
      // finished by the drain, before upgrade() resolved.
      assertEquals(unfinishedAtHandOver, flights.length);
      for (const flight of flights) {
        assertStringIncludes(await flight.rest, "done\n");
      }
      await server.finished;
      // Every copy of this process is closed: the pool's, the workers', the
      // upgrader's; the manager's is left.
      await waitFor(
        () => copies(activated.inodes).every((count) => count === 1),
        { what: "this process's copies of the sockets to close" },
      );
      assertEquals(
        [...pids].sort(),
        [String(Deno.pid), String(result.pid)].sort(),
      );
      const seen = await servedBy(activated.port, WORKERS);
      assertEquals([...seen].sort(), WORKERS);
      assertEquals(
        (await get(activated.port)).split(" ")[0],
        String(result.pid),
      );
    } finally {
      if (successor) await stopSuccessor(successor);
      await Deno.remove(release.slice(0, -"/release".length), {
        recursive: true,
      });
      activated.close();
    }
  });
}

Deno.test("handleUpgrades() of a 2-worker serveParallel() server: a successor that fails to start leaves every worker serving, and the next upgrade works", async () => {
  const activated = activate(1);
  const failFile = await Deno.makeTempFile();
  let successor: number | undefined;
  try {
    const upgrader = Upgrader.fromListenFds(activated.fds);
    const server = await serveParallel({
      module: APP,
      workers: 2,
      fds: activated.fds,
      onListen(): void {},
    });
    const outcomes: UpgradeOutcome[] = [];
    using handler = handleUpgrades(server, {
      upgrader,
      command: SUCCESSOR,
      // The successor's worker 1 refuses to start while the file says so.
      env: { ...Deno.env.toObject(), SERVE_APP_FAIL_FILE: failFile },
      exit: false,
      notify: false,
      onUpgrade: (outcome) => void outcomes.push(outcome),
    });
    await Deno.writeTextFile(failFile, "1");
    const error = await assertRejects(() => handler.upgrade(), ListenFdsError);
    assertEquals(error.code, "UPGRADE_FAILED");
    assertStringIncludes(error.message, "exited before it was ready");
    assertEquals(outcomes.map((outcome) => outcome.ok), [false]);
    // Both workers of this process serve on, on the same sockets: the
    // original, the manager's copy, one per worker, the upgrader's.
    assertEquals(
      [...await servedBy(activated.port, WORKERS)].sort(),
      WORKERS,
    );
    assertEquals((await get(activated.port)).split(" ")[0], String(Deno.pid));
    assertEquals(server.restarts, 0);
    assertEquals(copies(activated.inodes), [5]);
    // The next upgrade, with a successor that starts, hands over.
    await Deno.remove(failFile);
    successor = (await handler.upgrade()).pid;
    await server.finished;
    assertEquals((await get(activated.port)).split(" ")[0], String(successor));
  } finally {
    if (successor) await stopSuccessor(successor);
    await Deno.remove(failFile).catch(() => {});
    activated.close();
  }
});

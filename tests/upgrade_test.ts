/**
 * Hot upgrades without systemd (`upgrade.ts`): a service started here with a
 * listening socket (as a service manager would) upgrades itself on `SIGHUP`;
 * a datagram receiver stands in for systemd's notify socket.
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertGreater,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { join } from "@std/path";
import { bindLibc, libc } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { encodeInetSockaddr } from "../_sockaddr.ts";
import { inspectFd } from "../_fd_info.ts";
import {
  pidfdIdsSupported,
  sendSignal,
  SIGNALS,
  spawnChild,
} from "../_launcher/spawn.ts";
import { Upgrader } from "../_notify/upgrade.ts";
import { DENO, ROOT, waitFor } from "./support/helpers.ts";
import { NotifyReceiver } from "./support/notify_receiver.ts";

bindLibc();

const SERVICE = join(ROOT, "tests/fixtures/services/upgrade_service.ts");

type Event = Record<string, unknown> & { pid: number; event: string };

/** A listening TCP socket on 127.0.0.1 made through libc, above fd 10. */
function tcpListener(): { fd: number; port: number } {
  const c = libc();
  const raw = c.socket(
    LINUX.AF_INET,
    LINUX.SOCK_STREAM | LINUX.SOCK_CLOEXEC,
    0,
  );
  const address = encodeInetSockaddr("127.0.0.1", 0);
  assertEquals(c.bind(raw, address, address.length), 0);
  assertEquals(c.listen(raw, 512), 0);
  const fd = c.fcntl(raw, LINUX.F_DUPFD_CLOEXEC, 10);
  c.close(raw);
  return { fd, port: (inspectFd(fd).socket!.address as Deno.NetAddr).port };
}

function alive(pid: number): boolean {
  return libc().kill(pid, 0) === 0;
}

/** A running service, its observations and its notify receiver. */
class Service implements AsyncDisposable {
  readonly dir: string;
  readonly port: number;
  readonly receiver: NotifyReceiver;
  readonly firstPid: number;
  readonly #listener: number;
  readonly #exited: Promise<unknown>;

  private constructor(
    dir: string,
    port: number,
    listener: number,
    receiver: NotifyReceiver,
    pid: number,
    exited: Promise<unknown>,
  ) {
    this.dir = dir;
    this.port = port;
    this.#listener = listener;
    this.receiver = receiver;
    this.firstPid = pid;
    this.#exited = exited;
  }

  static async start(env: Record<string, string> = {}): Promise<Service> {
    const dir = await Deno.makeTempDir({ prefix: "listen-fds-upgrade-" });
    const { fd, port } = tcpListener();
    const receiver = NotifyReceiver.bind(
      `@listen-fds-upgrade-test-${crypto.randomUUID()}`,
    );
    const child = spawnChild(
      [DENO, "run", "--quiet", "--no-lock", "-A", SERVICE],
      {
        fds: [fd],
        env: {
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          DENO_DIR: Deno.env.get("DENO_DIR") ??
            `${Deno.env.get("HOME")}/.cache/deno`,
          NO_COLOR: "1",
          LISTEN_FDS: "1",
          LISTEN_FDNAMES: "web",
          NOTIFY_SOCKET: receiver.address,
          UPGRADE_OBS: join(dir, "events.jsonl"),
          UPGRADE_BEHAVIOUR: join(dir, "behaviour"),
          ...env,
        },
        setPid: true,
      },
    );
    const service = new Service(
      dir,
      port,
      fd,
      receiver,
      child.pid,
      child.exited,
    );
    await service.waitEvent((e) => e.pid === child.pid && e.event === "ready");
    return service;
  }

  async events(): Promise<Event[]> {
    try {
      return (await Deno.readTextFile(join(this.dir, "events.jsonl")))
        .split("\n").filter(Boolean).map((line) => JSON.parse(line));
    } catch {
      return [];
    }
  }

  waitEvent(
    match: (event: Event) => boolean,
    timeout = 30_000,
  ): Promise<Event> {
    return waitFor(
      async () => (await this.events()).find(match),
      { timeout, what: "a service event" },
    );
  }

  behave(behaviour: string): Promise<void> {
    return Deno.writeTextFile(join(this.dir, "behaviour"), behaviour);
  }

  async get(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.port}/`);
    assertEquals(response.status, 200);
    return await response.text();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const event of await this.events()) {
      if (alive(event.pid)) sendSignal(event.pid, SIGNALS.SIGKILL);
    }
    await this.#exited;
    await waitFor(
      async () => (await this.events()).every((e) => !alive(e.pid)),
      { what: "every service process to end" },
    );
    libc().close(this.#listener);
    this.receiver.close();
    await Deno.remove(this.dir, { recursive: true });
  }
}

/** Requests in a loop on fresh connections until stopped. */
interface LoadResult {
  ok: number;
  failures: string[];
  pids: Set<string>;
}

/** A running load: answers per serving pid so far, and how to stop it. */
interface Load {
  served(pid: number): number;
  answered(): number;
  stop(): Promise<LoadResult>;
}

function load(port: number): Load {
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
    async stop(): Promise<LoadResult> {
      stopping = true;
      await Promise.all(workers);
      return result;
    },
  };
}

/** Waits until `pid` answered `count` requests of a load (no time bound while it moves). */
function servedBy(running: Load, pid: number, count: number): Promise<true> {
  return waitFor(() => running.served(pid) >= count || undefined, {
    what: `${count} requests answered by pid ${pid}`,
    progress: () => running.answered(),
  });
}

Deno.test("handleUpgrades() on SIGHUP hands the socket to a successor, tells MAINPID=, and the old process drains and exits while requests keep succeeding", async () => {
  // The drain ends as soon as every connection the old process accepted was
  // answered; its bound only cuts a client that connected and sent nothing.
  // 1 s (the fixture's default) is a timing assumption a loaded 2-CPU machine
  // can break: a client stalled that long between connect() and its request
  // would be cut and counted as a failure. The bound stays under
  // handleUpgrades()'s own drainTimeout (10 s).
  await using service = await Service.start({ DRAIN_TIMEOUT: "5000" });
  const old = service.firstPid;
  assertEquals(await service.get(), String(old));
  service.receiver.drain();
  const running = load(service.port);
  // Progress, not time: the old process answered requests before the signal
  // and the successor after the old one exited, however slow the machine.
  await servedBy(running, old, 20);
  sendSignal(old, SIGNALS.SIGHUP);
  const upgraded = await service.waitEvent((e) => e.event === "upgraded");
  const successor = upgraded.successor as number;
  await waitFor(() => !alive(old), { what: "the old process to exit" });
  await servedBy(running, successor, 20);
  const { failures, pids } = await running.stop();
  assertEquals(failures, []);
  assertEquals([...pids].sort(), [String(old), String(successor)].sort());
  assertEquals(await service.get(), String(successor));

  const started = (await service.events()).find((e) =>
    e.pid === successor && e.event === "started"
  )!;
  // An ordinary socket-activated process: its fd by name, LISTEN_PID and
  // LISTEN_PIDFDID checked.
  assertEquals(started.names, ["web"]);
  assertEquals(started.verification, { pid: "verified", pidfdId: "verified" });
  assertEquals(started.upgradeSocket, true);
  // To systemd: RELOADING=1 with MONOTONIC_USEC=, then MAINPID= and READY=1
  // from the old process; the successor's READY=1 went to the old process.
  const sent = service.receiver.drain().map((d) => d.text);
  assertEquals(sent.length, 2, sent.join(" | "));
  assertMatch(sent[0]!, /^RELOADING=1\nMONOTONIC_USEC=\d+$/);
  assertEquals(sent[1], `MAINPID=${successor}\nREADY=1`);
});

Deno.test("handleUpgrades(): a successor that crashes before it is ready leaves the old process serving and reports UPGRADE_FAILED", async () => {
  await using service = await Service.start();
  const old = service.firstPid;
  await service.behave("crash");
  service.receiver.drain();
  sendSignal(old, SIGNALS.SIGHUP);
  const failed = await service.waitEvent((e) => e.event === "upgrade-failed");
  assertEquals(failed.pid, old);
  assertEquals(failed.code, "UPGRADE_FAILED");
  assertStringIncludes(
    failed.message as string,
    "exited before it was ready",
  );
  assert(alive(old));
  assertEquals(await service.get(), String(old));
  const sent = service.receiver.drain().map((d) => d.text);
  assertMatch(sent[0]!, /^RELOADING=1\nMONOTONIC_USEC=\d+$/);
  assertMatch(
    sent[1]!,
    /^STATUS=Upgrade failed: Cannot upgrade: successor \d+ .* exited before it was ready\nREADY=1$/,
  );
  // The next attempt, with a working successor, succeeds.
  await service.behave("ok");
  sendSignal(old, SIGNALS.SIGHUP);
  const upgraded = await service.waitEvent((e) => e.event === "upgraded");
  await waitFor(() => !alive(old), { what: "the old process to exit" });
  assertEquals(await service.get(), String(upgraded.successor));
  // STATUS= is cleared with the hand-over.
  assertEquals(
    service.receiver.drain().at(-1)?.text,
    `MAINPID=${upgraded.successor}\nSTATUS=\nREADY=1`,
  );
});

Deno.test("handleUpgrades(): a successor that is not ready within the timeout is stopped and the old process serves on", async () => {
  await using service = await Service.start({ UPGRADE_TIMEOUT: "1500" });
  const old = service.firstPid;
  await service.behave("hang");
  sendSignal(old, SIGNALS.SIGHUP);
  const failed = await service.waitEvent((e) => e.event === "upgrade-failed");
  assertEquals(failed.code, "UPGRADE_FAILED");
  assertStringIncludes(
    failed.message as string,
    "did not report ready within 1500 ms; it was stopped",
  );
  const hung = (await service.events()).find((e) => e.event === "hanging")!;
  assertNotEquals(hung.pid, old);
  await waitFor(() => !alive(hung.pid), {
    what: "the hung successor to be stopped",
  });
  assert(alive(old));
  assertEquals(await service.get(), String(old));
});

Deno.test("handleUpgrades(): a second SIGHUP during an upgrade starts no second successor", async () => {
  await using service = await Service.start();
  const old = service.firstPid;
  await service.behave("slow");
  sendSignal(old, SIGNALS.SIGHUP);
  await service.waitEvent((e) => e.event === "started" && e.pid !== old);
  sendSignal(old, SIGNALS.SIGHUP);
  await new Promise((resolve) => setTimeout(resolve, 100));
  sendSignal(old, SIGNALS.SIGHUP);
  const upgraded = await service.waitEvent((e) => e.event === "upgraded");
  await waitFor(() => !alive(old), { what: "the old process to exit" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = (await service.events()).filter((e) => e.event === "started");
  assertEquals(started.map((e) => e.pid), [old, upgraded.successor]);
  assertEquals(
    (await service.events()).filter((e) => e.event === "upgraded").length,
    1,
  );
  assertEquals(await service.get(), String(upgraded.successor));
  // The successor upgrades in turn.
  await service.behave("ok");
  sendSignal(upgraded.successor as number, SIGNALS.SIGHUP);
  const again = await service.waitEvent((e) =>
    e.event === "upgraded" && e.pid === upgraded.successor
  );
  await waitFor(() => !alive(upgraded.successor as number), {
    what: "the first successor to exit",
  });
  assertEquals(await service.get(), String(again.successor));
});

Deno.test("handleUpgrades() hands the successor the fds given to storeFds(), under their names, and not those removeStoredFds() removed", async () => {
  await using service = await Service.start({ UPGRADE_STATE: "1" });
  let pid = service.firstPid;
  for (let i = 0; i < 2; i++) {
    sendSignal(pid, SIGNALS.SIGHUP);
    const upgraded = await service.waitEvent((e) =>
      e.event === "upgraded" && e.pid === pid
    );
    const successor = upgraded.successor as number;
    const started = await service.waitEvent((e) =>
      e.event === "started" && e.pid === successor
    );
    // Each process replaced "state": the successor gets only the newest.
    assertEquals(started.names, ["web", "state"]);
    const state = await service.waitEvent((e) =>
      e.event === "state" && e.pid === successor
    );
    assertEquals(state.restored, `pid=${pid}`);
    await service.waitEvent((e) => e.event === "ready" && e.pid === successor);
    pid = successor;
  }
});

Deno.test("Upgrader.upgrade() rejects a second upgrade while one runs, and a successor that exits", async () => {
  using upgrader = new Upgrader();
  const first = upgrader.upgrade({
    command: ["/bin/sh", "-c", "sleep 0.3; exit 7"],
    env: {},
  });
  const error = await assertRejects(() =>
    upgrader.upgrade({ command: ["/bin/true"] })
  );
  assertEquals((error as { code?: string }).code, "UPGRADE_IN_PROGRESS");
  const failure = await assertRejects(() => first);
  assertEquals((failure as { code?: string }).code, "UPGRADE_FAILED");
  assertStringIncludes(
    (failure as Error).message,
    "exited before it was ready",
  );
});

Deno.test("Upgrader accepts READY=1 only from the successor's pid", async () => {
  using upgrader = new Upgrader();
  const send =
    `python3 -c "import os, socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', b'\\0' + os.environ['LISTEN_FDS_UPGRADE_SOCKET'][1:].encode())"`;
  const env = { PATH: "/usr/bin:/bin" };
  // A child of the successor's shell sends READY=1 from another pid: it must
  // not count.
  const failure = await assertRejects(() =>
    upgrader.upgrade({
      command: ["/bin/sh", "-c", `${send}; sleep 0.5; exit 4`],
      env,
    })
  );
  assertStringIncludes(
    (failure as Error).message,
    "exited before it was ready",
  );
  // The same sent by the successor itself (exec keeps the pid) counts.
  const result = await upgrader.upgrade({
    command: ["/bin/sh", "-c", `exec ${send}`],
    env,
  });
  assertGreater(result.pid, 0);
});

const SUCCESSOR = join(ROOT, "tests/fixtures/services/successor_report.ts");

/** What `successor_report.ts` wrote. */
interface SuccessorReport {
  pid: number;
  env: Record<string, string | null>;
  ownPidfdId: string | null;
  fds: { fd: number; link: string; cloexec: boolean }[];
  names?: string[];
  verification?: { pid: string; pidfdId: string };
  error?: { code: string | null };
}

/** The environment of a successor started by a test's own `Upgrader`. */
function successorEnv(report: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    NO_COLOR: "1",
    REPORT: report,
  };
}

/** This process's open fds and their links (the listing's own fd left out). */
function ownFds(): Map<number, string> {
  const fds = new Map<number, string>();
  for (const entry of [...Deno.readDirSync("/proc/self/fd")]) {
    try {
      fds.set(
        Number(entry.name),
        Deno.readLinkSync(`/proc/self/fd/${entry.name}`),
      );
    } catch {
      // the listing's own fd
    }
  }
  return fds;
}

function closeOnExec(fd: number): boolean {
  return (libc().fcntl(fd, LINUX.F_GETFD, 0) & LINUX.FD_CLOEXEC) !== 0;
}

Deno.test("Upgrader.upgrade() hands 12 fds to a successor in order with their names, leaks no other fd into it, and leaves its own fds close-on-exec", async () => {
  const dir = await Deno.makeTempDir({ prefix: "listen-fds-upgrade-" });
  const listeners = Array.from({ length: 12 }, () => tcpListener());
  try {
    using upgrader = new Upgrader();
    listeners.forEach(({ fd }, i) => upgrader.add(fd, `n${i}`));
    const before = ownFds();
    const report = join(dir, "report.json");
    const result = await upgrader.upgrade({
      command: [DENO, "run", "--quiet", "--no-lock", "-A", SUCCESSOR],
      env: successorEnv(report),
      timeout: 30_000,
    });
    const seen: SuccessorReport = JSON.parse(await Deno.readTextFile(report));
    assertEquals(seen.pid, result.pid);
    const names = listeners.map((_, i) => `n${i}`);
    assertEquals(seen.env.LISTEN_FDS, "12");
    assertEquals(seen.env.LISTEN_FDNAMES, names.join(":"));
    assertEquals(seen.env.LISTEN_PID, String(result.pid));
    assertEquals(seen.names, names);
    assertEquals(seen.verification?.pid, "verified");
    // The sockets at 3..14 in the upgrader's order; every other fd the
    // successor has is its runtime's own (close-on-exec): none inherited.
    const inherited = seen.fds.filter((f) => f.fd > 2 && !f.cloexec);
    assertEquals(
      inherited.map((f) => [f.fd, f.link]),
      upgrader.fds.map((entry, i) => [
        3 + i,
        Deno.readLinkSync(`/proc/self/fd/${entry.fd}`),
      ]),
    );
    assertEquals(result.fds.map((entry) => entry.name), names);
    // The old process: its duplicates stay close-on-exec, and the pipes and
    // moved copies of the upgrade are closed.
    for (const entry of upgrader.fds) assert(closeOnExec(entry.fd));
    assertEquals(ownFds(), before);
    await waitFor(() => !alive(result.pid), {
      what: "the successor to exit",
    });
  } finally {
    for (const { fd } of listeners) libc().close(fd);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Upgrader.upgrade() gives the successor LISTEN_PIDFDID, the id of its own pidfd, which ListenFds.fromEnv() verifies", async () => {
  assert(
    pidfdIdsSupported(),
    "Cannot run this test: this kernel gives pidfds no inode ids (pidfs, Linux 6.9+)",
  );
  const dir = await Deno.makeTempDir({ prefix: "listen-fds-upgrade-" });
  const listener = tcpListener();
  try {
    using upgrader = new Upgrader();
    upgrader.add(listener.fd, "web");
    const report = join(dir, "report.json");
    const result = await upgrader.upgrade({
      command: [DENO, "run", "--quiet", "--no-lock", "-A", SUCCESSOR],
      env: successorEnv(report),
    });
    const seen: SuccessorReport = JSON.parse(await Deno.readTextFile(report));
    assertEquals(seen.pid, result.pid);
    assertMatch(seen.ownPidfdId ?? "", /^[1-9][0-9]*$/);
    assertEquals(seen.env.LISTEN_PIDFDID, seen.ownPidfdId);
    assertEquals(seen.verification, { pid: "verified", pidfdId: "verified" });
    await waitFor(() => !alive(result.pid), {
      what: "the successor to exit",
    });
  } finally {
    libc().close(listener.fd);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Upgrader.upgrade(): a successor whose LISTEN_PIDFDID is not its own pidfd's id is refused by ListenFds.fromEnv()", async () => {
  assert(
    pidfdIdsSupported(),
    "Cannot run this test: this kernel gives pidfds no inode ids (pidfs, Linux 6.9+)",
  );
  const dir = await Deno.makeTempDir({ prefix: "listen-fds-upgrade-" });
  const listener = tcpListener();
  try {
    using upgrader = new Upgrader();
    upgrader.add(listener.fd, "web");
    const report = join(dir, "report.json");
    // exec keeps the pid: only the id is wrong (the one it was given, + 1).
    const result = await upgrader.upgrade({
      command: [
        "/bin/sh",
        "-c",
        'LISTEN_PIDFDID=$((LISTEN_PIDFDID + 1)) exec "$@"',
        "wrong-id",
        DENO,
        "run",
        "--quiet",
        "--no-lock",
        "-A",
        SUCCESSOR,
      ],
      env: successorEnv(report),
    });
    const seen: SuccessorReport = JSON.parse(await Deno.readTextFile(report));
    assertEquals(seen.pid, result.pid);
    assertEquals(
      seen.env.LISTEN_PIDFDID,
      String(BigInt(seen.ownPidfdId!) + 1n),
    );
    assertEquals(seen.error, { code: "PIDFDID_MISMATCH" });
    await waitFor(() => !alive(result.pid), {
      what: "the successor to exit",
    });
  } finally {
    libc().close(listener.fd);
    await Deno.remove(dir, { recursive: true });
  }
});

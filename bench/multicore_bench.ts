/**
 * Serving on several cores, measured in one run with wrk alternated between
 * the servers, and printed as ratios:
 *
 * - N workers (default 2): `deno serve --parallel` (`DENO_JOBS=N`) vs the
 *   `./serve` entry with `--workers N` on one socket activated by
 *   `systemd-socket-activate` (one duplicate per worker), vs the entry on N
 *   `SO_REUSEPORT` sockets passed as systemd passes a `ReusePort=yes` set
 *   (one socket per worker; a small Python exec launcher, since
 *   `systemd-socket-activate` cannot set `SO_REUSEPORT`);
 * - one thread: plain `deno serve` vs the entry in the main thread under
 *   `systemd-socket-activate`;
 * - with `--split`: how the requests of wrk's keep-alive connections were
 *   split over the workers (a wrk Lua script counts the serving thread's
 *   name in each body; slower, so measured apart);
 * - with `--wakeups`: `accept4()` calls that failed with `EAGAIN` per
 *   accepted connection (a worker woken for a connection another worker
 *   took), counted by `strace -f -c` during wrk with `Connection: close`.
 *
 * The handler module is the same everywhere: `bench/multicore_app.ts`.
 *
 * Usage (loopback only, bounded; needs wrk, python3, systemd-socket-activate):
 * `deno run -A bench/multicore_bench.ts [--workers 2] [--runs 3]
 *  [--duration 5s] [--connections 50] [--threads 1] [--split] [--wakeups]`
 *
 * Not a test: nothing here asserts a figure.
 *
 * @module
 */

import { parseArgs } from "@std/cli/parse-args";
import { fromFileUrl } from "@std/path";
import { freePort, sleep } from "./activation/client.ts";

const args = parseArgs(Deno.args, {
  string: ["workers", "runs", "duration", "connections", "threads", "deno"],
  boolean: ["split", "wakeups"],
});
const N = Number(args.workers ?? 2);
const RUNS = Number(args.runs ?? 3);
const DURATION = args.duration ?? "5s";
const CONNECTIONS = Number(args.connections ?? 50);
const THREADS = Number(args.threads ?? 1);
const DENO = args.deno ?? Deno.execPath();
const APP = fromFileUrl(new URL("./multicore_app.ts", import.meta.url));
const ENTRY = fromFileUrl(new URL("../dist/serve.js", import.meta.url));
const SPLIT = fromFileUrl(new URL("./multicore_split.lua", import.meta.url));
const ACTIVATE = "/usr/bin/systemd-socket-activate";

/** Binds N SO_REUSEPORT sockets at fds 3.., sets LISTEN_*, execs. */
const REUSEPORT_LAUNCHER = `
import os, socket, sys
n, port = int(sys.argv[1]), int(sys.argv[2])
made = []
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4096)
    made.append(s.detach())
for i, fd in enumerate(made):
    os.dup2(fd, 100 + i)
for i in range(n):
    os.dup2(100 + i, 3 + i)
    os.close(100 + i)
os.environ.update(LISTEN_FDS=str(n), LISTEN_PID=str(os.getpid()),
                  LISTEN_FDNAMES=":".join(["web"] * n))
os.execv(sys.argv[3], sys.argv[3:])
`;

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

type Kind =
  | "deno serve --parallel"
  | "entry, one socket"
  | "entry, ReusePort"
  | "deno serve"
  | "entry, main thread";

function command(kind: Kind, port: number): Deno.Command {
  const env = { DENO_JOBS: String(N), NO_COLOR: "1" };
  const entry = (workers: boolean): string[] => [
    DENO,
    "run",
    "-A",
    ENTRY,
    ...(workers ? ["--workers", String(N)] : []),
    APP,
  ];
  const quiet = { stdout: "null", stderr: "null", env } as const;
  switch (kind) {
    case "deno serve --parallel":
    case "deno serve":
      return new Deno.Command(DENO, {
        args: [
          "serve",
          "-A",
          ...(kind === "deno serve" ? [] : ["--parallel"]),
          "--host",
          "127.0.0.1",
          "--port",
          String(port),
          APP,
        ],
        ...quiet,
      });
    case "entry, one socket":
    case "entry, main thread":
      return new Deno.Command(ACTIVATE, {
        args: [
          "-l",
          `127.0.0.1:${port}`,
          "--fdname=web",
          "-E",
          "DENO_DIR",
          "-E",
          "JSR_URL",
          "--",
          ...entry(kind === "entry, one socket"),
        ],
        ...quiet,
      });
    case "entry, ReusePort":
      return new Deno.Command("python3", {
        args: [
          "-c",
          REUSEPORT_LAUNCHER,
          String(N),
          String(port),
          ...entry(true),
        ],
        ...quiet,
      });
  }
}

async function start(kind: Kind): Promise<Server> {
  const port = freePort();
  const child = command(kind, port).spawn();
  // Ready when a request is answered (the activated entry starts on it).
  const deadline = Date.now() + 20_000;
  while (true) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${kind} did not start`);
    }
    await sleep(50);
  }
  // Every worker of the entry is up once it answered (READY=1 semantics);
  // deno serve's workers start together; give both a moment.
  await sleep(300);
  return {
    port,
    pid: child.pid,
    async stop(): Promise<void> {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await child.status;
      clearTimeout(timer);
    },
  };
}

async function wrk(
  port: number,
  extra: string[] = [],
): Promise<{ rps: number; errors: number; text: string }> {
  const { stdout } = await new Deno.Command("wrk", {
    args: [
      `-t${THREADS}`,
      `-c${CONNECTIONS}`,
      `-d${DURATION}`,
      ...extra,
      `http://127.0.0.1:${port}/`,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const errors = [...text.matchAll(/(?:connect|read|write|timeout) (\d+)/g)]
    .reduce((sum, match) => sum + Number(match[1]), 0) +
    Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return { rps, errors, text };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const KINDS: Kind[] = [
  "deno serve --parallel",
  "entry, one socket",
  "entry, ReusePort",
  "deno serve",
  "entry, main thread",
];

const results = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
let errors = 0;
for (let run = 0; run < RUNS; run++) {
  // Alternate the order each run so drift hits every server alike.
  const order = run % 2 ? [...KINDS].reverse() : KINDS;
  for (const kind of order) {
    const server = await start(kind);
    try {
      await wrk(server.port, ["-d1s"]); // warm-up
      const result = await wrk(server.port);
      results.get(kind)!.push(result.rps);
      errors += result.errors;
    } finally {
      await server.stop();
    }
  }
}

const rps = (kind: Kind): number => median(results.get(kind)!);
console.log(
  `wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}, ${RUNS} alternated runs (median req/s), N = ${N}, ` +
    `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs`,
);
console.log("");
console.log("| server | req/s | ratio |");
console.log("| --- | ---: | ---: |");
const row = (kind: Kind, base: Kind): void =>
  console.log(
    `| ${kind}${
      kind.startsWith("entry") && kind !== "entry, main thread"
        ? ` (${N} workers)`
        : ""
    } | ${Math.round(rps(kind))} | ${(rps(kind) / rps(base)).toFixed(2)}x |`,
  );
row("deno serve --parallel", "deno serve --parallel");
row("entry, one socket", "deno serve --parallel");
row("entry, ReusePort", "deno serve --parallel");
row("deno serve", "deno serve");
row("entry, main thread", "deno serve");
console.log("");
console.log(`wrk socket errors and non-2xx responses: ${errors}`);

if (args.split) {
  console.log("");
  console.log(
    `keep-alive split (wrk -c20 -d3s, requests per serving thread, ${N} workers):`,
  );
  for (const kind of KINDS.slice(0, 3)) {
    const server = await start(kind);
    try {
      const { text } = await new Deno.Command("wrk", {
        args: [
          "-t1",
          "-c20",
          "-d3s",
          "-s",
          SPLIT,
          `http://127.0.0.1:${server.port}/`,
        ],
        stdout: "piped",
        stderr: "null",
      }).output().then((output) => ({
        text: new TextDecoder().decode(output.stdout),
      }));
      const split = [...text.matchAll(/^split (.+)=(\d+)$/gm)].map((m) =>
        Number(m[2])
      ).sort((a, b) => b - a);
      while (split.length < N) split.push(0);
      const total = split.reduce((a, b) => a + b, 0);
      console.log(
        `  ${kind}: ${
          split.map((n) => `${Math.round((100 * n) / total)}%`).join(" / ")
        }`,
      );
    } finally {
      await server.stop();
    }
  }
}

if (args.wakeups) {
  console.log("");
  console.log(
    `wake-ups: failed accept4 (EAGAIN) per accepted connection (wrk -c1 -d3s, Connection: close, under strace), ${N} workers:`,
  );
  for (const kind of KINDS.slice(0, 3)) {
    const server = await start(kind);
    try {
      const strace = new Deno.Command("strace", {
        args: ["-f", "-c", "-e", "trace=accept4", "-p", String(server.pid)],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      await sleep(500);
      await new Deno.Command("wrk", {
        args: [
          "-t1",
          "-c1",
          "-d3s",
          "-H",
          "Connection: close",
          `http://127.0.0.1:${server.port}/`,
        ],
        stdout: "null",
        stderr: "null",
      }).output();
      strace.kill("SIGINT");
      const text = new TextDecoder().decode((await strace.output()).stderr);
      const line = text.split("\n").find((l) => /\saccept4$/.test(l));
      const fields = line?.trim().split(/\s+/) ?? [];
      // % time, seconds, usecs/call, calls, errors, syscall
      const calls = Number(fields[3]);
      const failed = fields.length === 6 ? Number(fields[4]) : 0;
      const accepted = calls - failed;
      console.log(
        `  ${kind}: ${accepted} connections, ${failed} failed accept4, ${
          (failed / accepted).toFixed(2)
        } per connection`,
      );
    } finally {
      await server.stop();
    }
  }
}

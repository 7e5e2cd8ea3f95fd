/**
 * Measures the hand-off paths side by side in one run and prints a table of
 * ratios against native Deno networking on its own port:
 *
 * - HTTP: native `Deno.serve` vs `ListenFds.serve()` on an fd activated by
 *   `systemd-socket-activate` (adoption), vs the `node:http` fallback;
 * - raw TCP (`Deno.Conn` read/write answering wrk): `Deno.listen` vs
 *   `ListenFds.takeListener()` (adoption), vs the `node:net` fallback;
 * - activation latency: exec → first response of the first connection, for
 *   `ListenFds.serve()` under `systemd-socket-activate` vs a plain
 *   `Deno.serve` start (polled every millisecond).
 *
 * Usage (loopback only, bounded):
 * `deno run -A bench/handoff_bench.ts [--runs 3] [--duration 5s]
 *  [--connections 50] [--threads 1] [--deno /path/to/deno]`
 *
 * Not a test: nothing here asserts a figure.
 *
 * @module
 */

import { fromFileUrl } from "@std/path";
import { freePort, sleep } from "./activation/client.ts";

const args = parseArgs(Deno.args);
const RUNS = Number(args.runs ?? 3);
const DURATION = args.duration ?? "5s";
const CONNECTIONS = Number(args.connections ?? 50);
const THREADS = Number(args.threads ?? 1);
const DENO = args.deno ?? Deno.execPath();
const SERVER = fromFileUrl(new URL("./handoff_server.ts", import.meta.url));
const ACTIVATE = "/usr/bin/systemd-socket-activate";
const LATENCY_REPS = Number(args["latency-reps"] ?? 7);

function parseArgs(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < list.length; i++) {
    const key = list[i]!;
    if (key.startsWith("--")) out[key.slice(2)] = list[++i] ?? "";
  }
  return out;
}

interface Server {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts `systemd-socket-activate` on `port` with the handoff server of
 * `kind`, and waits until it listens (the server starts on the first
 * connection).
 */
async function activate(
  port: number,
  kind: string,
): Promise<
  { child: Deno.ChildProcess; reader: ReadableStreamDefaultReader<Uint8Array> }
> {
  const child = new Deno.Command(ACTIVATE, {
    args: [
      "-l",
      `127.0.0.1:${port}`,
      "-E",
      "DENO_DIR",
      "--",
      DENO,
      "run",
      "-A",
      "--no-lock",
      SERVER,
      kind,
    ],
    stdout: "null",
    stderr: "piped",
    env: {
      DENO_DIR: Deno.env.get("DENO_DIR") ??
        `${Deno.env.get("HOME")}/.cache/deno`,
    },
  }).spawn();
  const reader = child.stderr.getReader();
  let text = "";
  while (!text.includes("Listening on")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`launcher failed: ${text}`);
    text += new TextDecoder().decode(value);
  }
  return { child, reader };
}

async function start(kind: string): Promise<Server> {
  const port = freePort();
  let child: Deno.ChildProcess;
  if (kind.startsWith("native")) {
    child = new Deno.Command(DENO, {
      args: ["run", "-A", "--no-lock", SERVER, kind, String(port)],
      stdout: "null",
      stderr: "null",
    }).spawn();
  } else {
    const activated = await activate(port, kind);
    child = activated.child;
    void (async () => {
      while (!(await activated.reader.read()).done) { /* drain */ }
    })();
  }
  await firstResponse(port, 10_000);
  return {
    port,
    async stop(): Promise<void> {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Polls until one HTTP request succeeds; returns when it did. */
async function firstResponse(port: number, timeout: number): Promise<void> {
  const deadline = performance.now() + timeout;
  const request = new TextEncoder().encode(
    "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  while (true) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      try {
        await conn.write(request);
        const buffer = new Uint8Array(256);
        const n = await conn.read(buffer);
        if (
          n && new TextDecoder().decode(buffer.subarray(0, n)).includes("200")
        ) {
          return;
        }
      } finally {
        conn.close();
      }
    } catch {
      // not up yet
    }
    if (performance.now() > deadline) {
      throw new Error(`port ${port} never answered`);
    }
    await sleep(1);
  }
}

async function wrk(port: number, duration: string): Promise<number> {
  const output = await new Deno.Command("wrk", {
    args: [
      `-t${THREADS}`,
      `-c${CONNECTIONS}`,
      `-d${duration}`,
      `http://127.0.0.1:${port}/`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  const rps = Number(/Requests\/sec:\s*([\d.]+)/.exec(text)?.[1] ?? NaN);
  if (/Socket errors|Non-2xx/.test(text)) {
    console.error(`wrk reported errors on port ${port}:\n${text}`);
  }
  return rps;
}

async function throughput(kind: string): Promise<number> {
  const server = await start(kind);
  try {
    await wrk(server.port, "1s");
    return await wrk(server.port, DURATION);
  } finally {
    await server.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** exec → first response of a fresh activation of `ListenFds.serve()`. */
async function activationLatency(): Promise<number> {
  const port = freePort();
  const { child, reader } = await activate(port, "serve-adopt");
  const t0 = performance.now();
  await firstResponse(port, 10_000); // the first connection triggers the exec
  const elapsed = performance.now() - t0;
  child.kill("SIGTERM");
  await reader.cancel();
  await child.status;
  return elapsed;
}

/** spawn → first response of a plain `Deno.serve` on its own port. */
async function plainLatency(): Promise<number> {
  const port = freePort();
  const t0 = performance.now();
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", "--no-lock", SERVER, "native-serve", String(port)],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await firstResponse(port, 10_000);
  const elapsed = performance.now() - t0;
  child.kill("SIGTERM");
  await child.status;
  return elapsed;
}

const version = (await new Deno.Command(DENO, { args: ["--version"] }).output())
  .stdout;
const versionText = new TextDecoder().decode(version);
console.log(versionText.split("\n")[0]);
console.log(
  `wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION} (after -d1s warm-up), ${RUNS} runs, loopback\n`,
);

const [, minor = 0, patch = 0] =
  (/deno 2\.(\d+)\.(\d+)/.exec(versionText) ?? [])
    .map(Number);
// node:net/node:http listen({ fd }) exists from Deno 2.8.3 only.
const nodeWorks = minor > 8 || (minor === 8 && patch >= 3);
const kinds = [
  "native-serve",
  "serve-adopt",
  ...(nodeWorks ? ["serve-node"] : []),
  "native-raw",
  "raw-adopt",
  ...(nodeWorks ? ["raw-node"] : []),
];
const results: Record<string, number[]> = Object.fromEntries(
  kinds.map((k) => [k, []]),
);
const ratios: Record<string, number[]> = {};
for (let run = 0; run < RUNS; run++) {
  const row: Record<string, number> = {};
  // (the same order every run; the baseline goes first)
  for (const kind of kinds) {
    row[kind] = await throughput(kind);
    results[kind]!.push(row[kind]!);
  }
  for (const kind of kinds) {
    const base = kind.includes("serve")
      ? row["native-serve"]!
      : row["native-raw"]!;
    (ratios[kind] ??= []).push(row[kind]! / base);
  }
  console.error(`run ${run + 1}: ${JSON.stringify(row)}`);
}

const label: Record<string, string> = {
  "native-serve": "(a) Deno.serve, own port (baseline)",
  "serve-adopt": "(b) ListenFds.serve(), activated fd, adoption",
  "serve-node": "(c) ListenFds.serve(), activated fd, node:http fallback",
  "native-raw": "raw: Deno.listen, own port (baseline)",
  "raw-adopt": "raw: ListenFds.takeListener(), adoption",
  "raw-node": "raw: ListenFds.takeListener(), node:net fallback",
};
console.log(
  "| path | req/s (median) | ratio to baseline (median of per-run ratios) |",
);
console.log("|---|---|---|");
for (const kind of kinds) {
  console.log(
    `| ${label[kind]} | ${
      Math.round(median(results[kind]!)).toLocaleString("en")
    } | ${median(ratios[kind]!).toFixed(3)} |`,
  );
}

// Warm the module cache once for both, then alternate.
await plainLatency();
await activationLatency();
const plain: number[] = [];
const activated: number[] = [];
for (let i = 0; i < LATENCY_REPS; i++) {
  plain.push(await plainLatency());
  activated.push(await activationLatency());
}
console.log("\n| startup (exec → first response) | median ms | samples |");
console.log("|---|---|---|");
console.log(
  `| plain Deno.serve start (spawn → first answered poll) | ${
    median(plain).toFixed(1)
  } | ${plain.map((v) => v.toFixed(0)).join(", ")} |`,
);
console.log(
  `| ListenFds.serve() on a fresh activation (connect → response) | ${
    median(activated).toFixed(1)
  } | ${activated.map((v) => v.toFixed(0)).join(", ")} |`,
);
console.log(
  `\nactivation / plain start: ${
    (median(activated) / median(plain)).toFixed(3)
  }`,
);

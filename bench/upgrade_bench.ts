/**
 * Hot upgrades vs restarts under a real systemd (a `systemd-nspawn`
 * container, `tests/support/systemd.ts`; root), side by side on the same
 * socket-activated service (`tests/fixtures/services/upgrade_service.ts`:
 * `ListenFds.serve()` + `handleShutdown()` + `handleUpgrades()`):
 *
 * 1. a closed-loop client (8 workers, keep-alive, loopback) runs all along;
 * 2. after a steady phase, 5 × `systemctl reload` (a hot upgrade), then
 *    5 × `systemctl restart`, a pause between events;
 * 3. per event: the requests that failed, the worst latency of the requests
 *    started in the event's window (from the command until 1 s after the new
 *    main process answers), against the steady-state p99 and max of the same
 *    run (every request started outside the windows, after a warm-up).
 *
 * A request that fails on a reused keep-alive connection before any byte of
 * the response arrived is retried once on a new connection, as HTTP clients
 * do (RFC 9112 §9.3.1); such retries are counted apart, and a retried
 * request's latency includes the failed attempt. Anything else is a failure.
 *
 * ```sh
 * deno run -A bench/upgrade_bench.ts                       # systemd 262, Type=notify-reload
 * deno run -A bench/upgrade_bench.ts --systemd installed   # systemd 252, Type=notify + ExecReload=kill -HUP
 * deno run -A bench/upgrade_bench.ts --events 5 --workers 8 --steady 5000 --pause 2000 \
 *   --svg docs/upgrades-latency.svg --json result.json
 * ```
 *
 * Not a test: nothing here asserts a figure.
 *
 * @module
 */

import {
  denoService,
  Harness,
  OBS_IN_HARNESS,
} from "../tests/support/systemd.ts";
import { freePort } from "../tests/support/helpers.ts";

/** Options of {@linkcode runUpgradeBench}. */
export interface UpgradeBenchOptions {
  /** Which systemd is PID 1. @default {"262"} */
  systemd?: "installed" | "262";
  /** Upgrades, and restarts, each. @default {5} */
  events?: number;
  /** Closed-loop workers. @default {8} */
  workers?: number;
  /** Steady phase before the events, in milliseconds. @default {5000} */
  steady?: number;
  /** Pause between events, in milliseconds. @default {2000} */
  pause?: number;
}

/** One finished request. */
interface Sample {
  /** Start, `performance.now()` milliseconds. */
  start: number;
  /** Latency, milliseconds. */
  latency: number;
}

/** One upgrade or restart. */
export interface BenchEvent {
  kind: "upgrade" | "restart";
  /** When the command was issued, `performance.now()` ms. */
  start: number;
  /** When the window closed. */
  end: number;
  /** How long the systemctl command took, ms. */
  commandMs: number;
  /** Requests started in the window. */
  requests: number;
  /** Failed requests started in the window. */
  failures: number;
  /** Requests retried once (reused connection closed before a response). */
  retries: number;
  /** The worst latency of the requests started in the window, ms. */
  worst: number;
  /** When the worst request started, ms after the command. */
  worstAt: number;
}

/** What {@linkcode runUpgradeBench} measured. */
export interface UpgradeBenchResult {
  systemd: string;
  events: BenchEvent[];
  steady: { requests: number; p50: number; p99: number; max: number };
  requests: number;
  failures: number;
  errors: string[];
  /**
   * Around each event, for the plot: the worst latency of the requests
   * started in each 10 ms bucket, [ms since the command, latency].
   */
  traces: { kind: "upgrade" | "restart"; points: [number, number][] }[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const REQUEST = encoder.encode("GET / HTTP/1.1\r\nHost: bench\r\n\r\n");

class Worker {
  #conn: Deno.TcpConn | undefined;
  #buffer = new Uint8Array(16384);
  #reused = false;

  constructor(readonly port: number) {}

  /** One request; returns whether it was retried. */
  async request(): Promise<{ retried: boolean }> {
    try {
      await this.#once();
      return { retried: false };
    } catch (error) {
      if (!(error instanceof NoResponse) || !error.reused) throw error;
      await this.#once();
      return { retried: true };
    }
  }

  async #once(): Promise<void> {
    if (!this.#conn) {
      this.#conn = await Deno.connect({
        hostname: "127.0.0.1",
        port: this.port,
      });
      this.#conn.setNoDelay(true);
      this.#reused = false;
    }
    const conn = this.#conn;
    const reused = this.#reused;
    this.#reused = true;
    let text = "";
    try {
      await conn.write(REQUEST);
      while (true) {
        const end = text.indexOf("\r\n\r\n");
        if (end !== -1) {
          const head = text.slice(0, end);
          const length = Number(/^content-length: *(\d+)/im.exec(head)?.[1]);
          if (!Number.isFinite(length)) {
            throw new Error(`no content-length: ${JSON.stringify(head)}`);
          }
          if (text.length >= end + 4 + length) {
            if (!/^HTTP\/1\.1 200 /.test(head)) throw new Error(head);
            if (/^connection: *close/im.test(head)) this.#close();
            return;
          }
        }
        let n: number | null;
        try {
          n = await conn.read(this.#buffer);
        } catch (error) {
          if (text === "") throw new NoResponse(String(error), reused);
          throw error;
        }
        if (n === null) {
          if (text === "") throw new NoResponse("EOF", reused);
          throw new Error(`EOF after ${text.length} bytes`);
        }
        text += decoder.decode(this.#buffer.subarray(0, n));
      }
    } catch (error) {
      this.#close();
      throw error;
    }
  }

  #close(): void {
    try {
      this.#conn?.close();
    } catch {
      // closed
    }
    this.#conn = undefined;
  }

  close(): void {
    this.#close();
  }
}

class NoResponse extends Error {
  constructor(message: string, readonly reused: boolean) {
    super(`connection closed before a response: ${message}`);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Boots systemd, runs the load, the upgrades and the restarts, tears down.
 *
 * @param options Which systemd, how many events and workers.
 * @returns The per-event figures and the steady state.
 */
export async function runUpgradeBench(
  options: UpgradeBenchOptions = {},
): Promise<UpgradeBenchResult> {
  const version = options.systemd ?? "262";
  const port = freePort();
  await using h = await Harness.up({
    name: "upbench",
    systemd: version,
    units: {
      "bench.socket": [
        "[Socket]",
        `ListenStream=127.0.0.1:${port}`,
        "FileDescriptorName=web",
        "Backlog=4096",
        "",
      ].join("\n"),
      "bench.service": denoService(
        "tests/fixtures/services/upgrade_service.ts",
        {
          type: version === "262" ? "notify-reload" : "notify",
          env: { UPGRADE_OBS: `${OBS_IN_HARNESS}/events.jsonl` },
          unit: ["StartLimitIntervalSec=0"],
          service: [
            "NotifyAccess=all",
            "TimeoutStopSec=20",
            ...(version === "262"
              ? []
              : ["ExecReload=/bin/kill -HUP $MAINPID"]),
          ],
        },
      ),
    },
  });
  await h.ctl("start", "bench.socket", "bench.service");
  const systemd = (await h.exec("systemctl", "--version")).split("\n")[0]!;

  const samples: Sample[] = [];
  const failed: { start: number; error: string }[] = [];
  const retried: number[] = [];
  let stop = false;
  const workers = Array.from(
    { length: options.workers ?? 8 },
    async () => {
      const worker = new Worker(port);
      while (!stop) {
        const start = performance.now();
        try {
          const { retried: again } = await worker.request();
          samples.push({ start, latency: performance.now() - start });
          if (again) retried.push(start);
        } catch (error) {
          failed.push({ start, error: String(error) });
          await delay(1);
        }
      }
      worker.close();
    },
  );

  const events: BenchEvent[] = [];
  const begin = performance.now();
  try {
    await delay(options.steady ?? 5000);
    for (const kind of ["upgrade", "restart"] as const) {
      for (let i = 0; i < (options.events ?? 5); i++) {
        const before = await h.show("bench.service", "MainPID");
        const start = performance.now();
        await h.ctl(kind === "upgrade" ? "reload" : "restart", "bench.service");
        const commandMs = performance.now() - start;
        // The window closes 1 s after the new main process answers.
        while (true) {
          const pid = await h.show("bench.service", "MainPID");
          if (pid !== before && pid !== "0") {
            const response = await fetch(`http://127.0.0.1:${port}/`, {
              headers: { connection: "close" },
            });
            if ((await response.text()) === pid) break;
          }
          await delay(20);
        }
        await delay(1000);
        events.push({
          kind,
          start,
          end: performance.now(),
          commandMs,
          requests: 0,
          failures: 0,
          retries: 0,
          worst: 0,
          worstAt: 0,
        });
        await delay(options.pause ?? 2000);
      }
    }
  } finally {
    stop = true;
    await Promise.all(workers);
  }

  const warmup = begin + 1000;
  const inWindow = (t: number): BenchEvent | undefined =>
    events.find((e) => t >= e.start && t < e.end);
  const steady: number[] = [];
  for (const sample of samples) {
    const event = inWindow(sample.start);
    if (event) {
      event.requests++;
      if (sample.latency > event.worst) {
        event.worst = sample.latency;
        event.worstAt = sample.start - event.start;
      }
    } else if (sample.start >= warmup) steady.push(sample.latency);
  }
  for (const failure of failed) {
    const event = inWindow(failure.start);
    if (event) {
      event.requests++;
      event.failures++;
    }
  }
  for (const start of retried) {
    const event = inWindow(start);
    if (event) event.retries++;
  }
  steady.sort((a, b) => a - b);
  const BUCKET = 10;
  const traces = events.map((event) => {
    const buckets = new Map<number, number>();
    for (const s of samples) {
      const t = s.start - event.start;
      if (t < -500 || t >= 2000) continue;
      const bucket = Math.floor(t / BUCKET) * BUCKET;
      buckets.set(bucket, Math.max(buckets.get(bucket) ?? 0, s.latency));
    }
    return {
      kind: event.kind,
      points: [...buckets.entries()].sort((a, b) => a[0] - b[0]) as [
        number,
        number,
      ][],
    };
  });
  return {
    systemd,
    events,
    steady: {
      requests: steady.length,
      p50: percentile(steady, 0.5),
      p99: percentile(steady, 0.99),
      max: steady.at(-1) ?? 0,
    },
    requests: samples.length + failed.length,
    failures: failed.length,
    errors: failed.slice(0, 10).map((f) => f.error),
    traces,
  };
}

/**
 * The result as a Markdown table.
 *
 * @param result What the bench measured.
 * @returns The table.
 */
export function formatTable(result: UpgradeBenchResult): string {
  const { steady } = result;
  const lines = [
    `${result.systemd}; ${result.requests} requests, ${result.failures} failed; steady state (${steady.requests} requests): p50 ${
      steady.p50.toFixed(2)
    } ms, p99 ${steady.p99.toFixed(2)} ms, max ${steady.max.toFixed(2)} ms`,
    "",
    "| event | systemctl (ms) | requests in window | failed | retried | worst latency (ms) | started at (ms) | worst / steady max | worst / steady p99 |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const counters = { upgrade: 0, restart: 0 };
  for (const event of result.events) {
    counters[event.kind]++;
    lines.push(
      `| ${event.kind} ${counters[event.kind]} | ${
        event.commandMs.toFixed(0)
      } | ${event.requests} | ${event.failures} | ${event.retries} | ${
        event.worst.toFixed(2)
      } | ${event.worstAt.toFixed(0)} | ${
        (event.worst / steady.max).toFixed(2)
      }x | ${(event.worst / steady.p99).toFixed(1)}x |`,
    );
  }
  return lines.join("\n");
}

/**
 * Latency over time around the events as an SVG: per event a line of the
 * worst latency per 10 ms of request start, x the time since the command
 * (-0.5 s to +2 s), y the latency (log scale);
 * upgrades above, restarts below.
 *
 * @param result What the bench measured.
 * @returns The SVG text.
 */
export function formatSvg(result: UpgradeBenchResult): string {
  const width = 900;
  const panel = 260;
  const left = 60;
  const plotWidth = width - left - 20;
  const x = (ms: number): number => left + ((ms + 500) / 2500) * plotWidth;
  let maxLatency = 1;
  for (const trace of result.traces) {
    for (const [, latency] of trace.points) {
      maxLatency = Math.max(maxLatency, latency);
    }
  }
  const top = Math.pow(10, Math.ceil(Math.log10(maxLatency)));
  const bottom = 0.1;
  const y = (base: number, ms: number): number =>
    base + panel - 30 -
    ((Math.log10(Math.max(ms, bottom)) - Math.log10(bottom)) /
        (Math.log10(top) - Math.log10(bottom))) * (panel - 50);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${
      2 * panel + 20
    }" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  (["upgrade", "restart"] as const).forEach((kind, row) => {
    const base = row * panel + 10;
    parts.push(
      `<text x="${left}" y="${base + 12}" font-weight="bold">${
        kind === "upgrade"
          ? "hot upgrade (systemctl reload)"
          : "systemctl restart"
      }: worst latency per 10 ms of request start (ms, log), vs. ms since the command; every ${kind} overlaid</text>`,
    );
    for (
      let decade = bottom;
      decade <= top;
      decade *= 10
    ) {
      const yy = y(base, decade);
      parts.push(
        `<line x1="${left}" x2="${
          left + plotWidth
        }" y1="${yy}" y2="${yy}" stroke="#ddd"/>`,
        `<text x="${left - 6}" y="${yy + 4}" text-anchor="end">${
          decade >= 1 ? decade.toFixed(0) : decade.toFixed(1)
        }</text>`,
      );
    }
    for (let ms = -500; ms <= 2000; ms += 500) {
      parts.push(
        `<line x1="${x(ms)}" x2="${x(ms)}" y1="${base + 20}" y2="${
          base + panel - 30
        }" stroke="${ms === 0 ? "#888" : "#eee"}"/>`,
        `<text x="${x(ms)}" y="${
          base + panel - 14
        }" text-anchor="middle">${ms}</text>`,
      );
    }
    const max = result.steady.max;
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(base, max)}" y2="${
        y(base, max)
      }" stroke="#c00" stroke-dasharray="4 3"/>`,
      `<text x="${left + plotWidth}" y="${
        y(base, max) - 4
      }" text-anchor="end" fill="#c00">steady max ${max.toFixed(1)} ms</text>`,
    );
    for (const trace of result.traces.filter((t) => t.kind === kind)) {
      const points = trace.points.map(([t, latency]) =>
        `${x(t).toFixed(1)},${y(base, latency).toFixed(1)}`
      );
      parts.push(
        `<polyline fill="none" stroke-width="1" stroke-opacity="0.7" stroke="${
          kind === "upgrade" ? "#1565c0" : "#e65100"
        }" points="${points.join(" ")}"/>`,
      );
    }
  });
  parts.push("</svg>");
  return parts.join("\n");
}

function flag(name: string): string | undefined {
  const index = Deno.args.indexOf(`--${name}`);
  return index === -1 ? undefined : Deno.args[index + 1];
}

if (import.meta.main) {
  const result = await runUpgradeBench({
    systemd: (flag("systemd") ?? "262") as "installed" | "262",
    events: Number(flag("events") ?? 5),
    workers: Number(flag("workers") ?? 8),
    steady: Number(flag("steady") ?? 5000),
    pause: Number(flag("pause") ?? 2000),
  });
  console.log(formatTable(result));
  for (const error of result.errors) console.log(`  ! ${error}`);
  const svg = flag("svg");
  if (svg) {
    await Deno.writeTextFile(svg, formatSvg(result));
    console.log(`plot: ${svg}`);
  }
  const json = flag("json");
  if (json) await Deno.writeTextFile(json, JSON.stringify(result));
  if (result.failures > 0) Deno.exitCode = 1;
}

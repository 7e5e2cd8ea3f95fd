/**
 * Zero-downtime restart demo under a real systemd (a `systemd-nspawn`
 * container, see `tests/support/systemd.ts`; needs root):
 * a socket-activated `Type=notify` Deno HTTP service
 * (`tests/fixtures/services/notify_http_service.ts`) is restarted several times with
 * `systemctl restart` while clients keep opening fresh connections; it prints
 * how many requests were made and how many failed.
 *
 * ```sh
 * deno task demo:restart                      # 5 restarts: native, then node:http
 * deno task demo:restart --restarts 10 --via adopt --workers 16
 * deno task demo:restart --via adopt --drain-timeout 0   # without draining
 * ```
 *
 * `adopt` is `ListenFds.serve()`'s default: `Deno.serve` on the activated
 * socket, which drains on shutdown; `node` is the `node:http` hand-off.
 *
 * @module
 */

import { denoService, Harness } from "../tests/support/systemd.ts";
import { freePort, waitFor } from "../tests/support/helpers.ts";

/** Options of {@linkcode runRestartDemo}. */
export interface RestartDemoOptions {
  /** How many times to restart the service. @default {5} */
  restarts?: number;
  /** `ListenFds.serve()`'s `via`. @default {"adopt"} */
  via?: "node" | "adopt";
  /** Concurrent clients. @default {8} */
  workers?: number;
  /** Pause between restarts, in milliseconds. @default {400} */
  pause?: number;
  /**
   * Instead of pausing, wait before the first restart and after each one
   * until the newest process answered this many requests (tests use this:
   * every phase has load, however slow the machine).
   */
  requestsPerPhase?: number;
  /**
   * The service's `drainTimeout` (native path); `0` measures `Deno.serve`'s
   * shutdown without draining. @default {1000}
   */
  drainTimeout?: number;
}

/** What {@linkcode runRestartDemo} observed. */
export interface RestartDemoResult {
  /** Restarts done. */
  restarts: number;
  /** Requests made in total. */
  requests: number;
  /** Requests that did not get a `200` with a pid. */
  failures: number;
  /** The first failure messages. */
  errors: string[];
  /** Requests served per pid. */
  servedBy: Map<string, number>;
  /** Requests that completed while `systemctl restart` was running. */
  requestsDuringRestarts: number;
  /** Median time of one `systemctl restart`, in milliseconds. */
  restartMedianMs: number;
  /** Wall time of the load phase, in seconds. */
  seconds: number;
}

const encoder = new TextEncoder();

async function request(port: number): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch {
      // closed already
    }
  }, 10_000);
  try {
    await conn.write(
      encoder.encode(
        "GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n",
      ),
    );
    const text = await new Response(conn.readable).text();
    if (!/^HTTP\/1\.[01] 200 /.test(text)) {
      throw new Error(
        `unexpected response ${JSON.stringify(text.slice(0, 60))}`,
      );
    }
    const split = text.indexOf("\r\n\r\n");
    let body = text.slice(split + 4);
    if (/^transfer-encoding: *chunked/im.test(text.slice(0, split))) {
      body = dechunk(body);
    }
    const pid = body.trim();
    if (!/^[0-9]+$/.test(pid)) {
      throw new Error(`bad body ${JSON.stringify(pid)}`);
    }
    return pid;
  } catch (error) {
    try {
      conn.close();
    } catch {
      // closed by the readable stream
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  while (true) {
    const line = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/**
 * Boots systemd in a container, restarts the demo service under load, tears down.
 *
 * @param options Restarts, hand-off path, clients.
 * @returns The counts.
 */
export async function runRestartDemo(
  options: RestartDemoOptions = {},
): Promise<RestartDemoResult> {
  const restarts = options.restarts ?? 5;
  const port = freePort();
  await using h = await Harness.up({
    name: "restart-demo",
    units: {
      "demo.socket": [
        "[Socket]",
        `ListenStream=127.0.0.1:${port}`,
        "FileDescriptorName=web",
        "Backlog=4096",
        "",
      ].join("\n"),
      "demo.service": denoService(
        "tests/fixtures/services/notify_http_service.ts",
        {
          type: "notify",
          env: {
            SERVE_VIA: options.via ?? "adopt",
            DRAIN_TIMEOUT: String(options.drainTimeout ?? 1000),
          },
          // 1 start + 5 restarts within 10 s exceeds the default start limit.
          unit: ["StartLimitIntervalSec=0"],
          service: ["TimeoutStopSec=20"],
        },
      ),
    },
  });
  await h.ctl("start", "demo.socket");
  await h.ctl("start", "demo.service");

  let requests = 0;
  let failures = 0;
  let during = 0;
  let restarting = false;
  const errors: string[] = [];
  const servedBy = new Map<string, number>();
  let stop = false;
  const started = performance.now();
  const workers = Array.from({ length: options.workers ?? 8 }, async () => {
    while (!stop) {
      requests++;
      try {
        const pid = await request(port);
        servedBy.set(pid, (servedBy.get(pid) ?? 0) + 1);
        if (restarting) during++;
      } catch (error) {
        failures++;
        if (errors.length < 20) errors.push(String(error));
      }
    }
  });
  const durations: number[] = [];
  const perPhase = options.requestsPerPhase;
  const phase = async (processes: number): Promise<void> => {
    if (perPhase === undefined) {
      await new Promise((resolve) => setTimeout(resolve, options.pause ?? 400));
      return;
    }
    // servedBy keeps insertion order: the newest process comes last.
    const newest = (): number =>
      servedBy.size === processes ? [...servedBy.values()].at(-1)! : 0;
    await waitFor(() => newest() >= perPhase, {
      what: `process ${processes} to answer ${perPhase} requests`,
      timeout: 30_000,
      progress: () => `${servedBy.size}/${newest()}`,
    });
  };
  try {
    await phase(1);
    for (let i = 0; i < restarts; i++) {
      const t = performance.now();
      restarting = true;
      await h.ctl("restart", "demo.service");
      restarting = false;
      durations.push(performance.now() - t);
      await phase(i + 2);
    }
  } finally {
    stop = true;
    await Promise.all(workers);
  }
  durations.sort((a, b) => a - b);
  return {
    restarts: durations.length,
    requests,
    failures,
    errors,
    servedBy,
    requestsDuringRestarts: during,
    restartMedianMs: Math.round(
      durations[Math.floor(durations.length / 2)] ?? 0,
    ),
    seconds: (performance.now() - started) / 1000,
  };
}

function flag(name: string): string | undefined {
  const index = Deno.args.indexOf(`--${name}`);
  return index === -1 ? undefined : Deno.args[index + 1];
}

if (import.meta.main) {
  const chosen = flag("via") as "node" | "adopt" | undefined;
  for (const via of chosen ? [chosen] : ["adopt", "node"] as const) {
    const result = await runRestartDemo({
      restarts: Number(flag("restarts") ?? 5),
      via,
      workers: Number(flag("workers") ?? 8),
      drainTimeout: Number(flag("drain-timeout") ?? 1000),
    });
    console.log(
      `restart demo (systemd in systemd-nspawn, Type=notify, serve via ${via}${
        via === "adopt" && flag("drain-timeout")
          ? `, drainTimeout ${flag("drain-timeout")} ms`
          : ""
      }):`,
    );
    console.log(
      `  restarts: ${result.restarts} (median systemctl restart ${result.restartMedianMs} ms)`,
    );
    console.log(
      `  requests: ${result.requests} in ${
        result.seconds.toFixed(1)
      } s, ${result.requestsDuringRestarts} completed during restarts`,
    );
    console.log(`  failures: ${result.failures}`);
    console.log(
      `  served by ${result.servedBy.size} pids: ${
        [...result.servedBy.values()].join(" ")
      }`,
    );
    for (const error of result.errors.slice(0, 5)) console.log(`  ! ${error}`);
    if (result.failures > 0) Deno.exitCode = 1;
  }
}

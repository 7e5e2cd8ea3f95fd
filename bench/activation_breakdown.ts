/**
 * Where the time of an activated start goes, measured inside fresh
 * processes (bench/activation/breakdown_service.ts) and lined up with the
 * client's clock. Each round starts, in rotated order: a plain `Deno.serve`
 * (spawned by this benchmark), `ListenFds.fromEnv().serve()` and
 * `takeListener()` under `systemd-socket-activate`, and `serve()` again with
 * the per-call FFI wrapping off (its own overhead). Every service is exec'd
 * through `bash -c 'BENCH_EXEC=$EPOCHREALTIME exec deno …'`, which stamps the
 * moment of the exec (the bash start is in the first phase).
 *
 * Usage: `deno task bench:breakdown [--runs 9] [--settle 150]
 * [--deno /path/to/deno] [--trace]` (`--trace` prints the ordered calls of
 * the last `serve()` run, runs of one function merged).
 *
 * @module
 */

import { fromFileUrl } from "@std/path";
import {
  childEnv,
  denoVersion,
  fetchText,
  freePort,
  parseArgs,
  pollFirstResponse,
  sleep,
  spread,
  startActivator,
  timedRequest,
} from "./activation/client.ts";

const args = parseArgs(Deno.args);
const RUNS = Number(args.runs ?? 9);
const SETTLE = Number(args.settle ?? 150);
const DENO = args.deno ?? Deno.execPath();
const SERVICE = fromFileUrl(
  new URL("./activation/breakdown_service.ts", import.meta.url),
);
const STAMP = 'BENCH_EXEC=$EPOCHREALTIME exec "$0" "$@"';

type Call = [name: string, start: number, ms: number];
interface Report {
  kind: string;
  wrapCalls: boolean;
  exec: number;
  timeOrigin: number;
  marks: Record<string, number | undefined>;
  heap?: Record<string, number>;
  getters: Record<string, number>;
  calls: Call[];
  libraryMarks?: [string, number][];
}
type Phases = Record<string, number>;

/** Sum of the calls that started in [from, to), grouped by a label. */
function callsIn(report: Report, from: number, to: number): Phases {
  const out: Phases = {};
  for (const [name, start, ms] of report.calls) {
    if (start < from || start >= to) continue;
    const label = name.startsWith("dlopen")
      ? "Deno.dlopen (libc load + binds)"
      : name === "Deno.serve" || name === "Deno.listen"
      ? `placeholder ${name}()`
      : `FFI ${name}`;
    out[label] = (out[label] ?? 0) + ms;
    if (!name.startsWith("dlopen") && !name.startsWith("Deno.")) {
      out[`${label} (calls)`] = (out[`${label} (calls)`] ?? 0) + 1;
    }
  }
  return out;
}

function phasesOf(
  report: Report,
  startEpoch: number,
  endEpoch: number,
): Phases {
  const m = report.marks as Record<string, number>;
  const origin = report.timeOrigin;
  const p: Phases = {
    "total (client: start → first response bytes)": endEpoch - startEpoch,
    "start → exec of deno (activator or spawn, bash)": report.exec - startEpoch,
    "exec → performance.timeOrigin (Deno runtime start)": origin - report.exec,
    "timeOrigin → first line of the script": m.firstLine!,
    "first access of Deno.serve (lazy load of Deno's HTTP code)": report.getters
      .serve!,
    "first access of Deno.listen": report.getters.listen!,
    "first access of Deno.dlopen": report.getters.dlopen!,
    "first line → start of the measured calls (wrappers, the accesses above)":
      (m.importStart ?? m.serveStart)! - m.firstLine!,
  };
  if (report.kind === "plain") {
    p["Deno.serve() call"] = m.serveEnd! - m.serveStart!;
  } else {
    p["import dist/mod.js"] = m.importEnd! - m.importStart!;
    p["ListenFds.fromEnv()"] = m.fromEnvEnd! - m.importEnd!;
    for (
      const [k, v] of Object.entries(
        callsIn(report, m.importEnd!, m.fromEnvEnd!),
      )
    ) {
      p[`  fromEnv: ${k}`] = v;
    }
    const handoff = m.serveEnd! - m.fromEnvEnd!;
    p[
      report.kind === "serve"
        ? "serve() (the hand-off)"
        : "takeListener() (the hand-off)"
    ] = handoff;
    let inCalls = 0;
    for (
      const [k, v] of Object.entries(
        callsIn(report, m.fromEnvEnd!, m.serveEnd!),
      )
    ) {
      p[`  hand-off: ${k}`] = v;
      if (!k.endsWith("(calls)")) inCalls += v;
    }
    p["  hand-off: JS between the calls"] = handoff - inCalls;
    // Phases the library marks itself: the time from the previous mark
    // (or from the end of fromEnv() for the first one).
    let previous = m.fromEnvEnd!;
    for (const [name, at] of report.libraryMarks ?? []) {
      if (at < m.fromEnvEnd! || at > m.serveEnd!) continue;
      p[`  mark ${name} (since the previous mark)`] = at - previous;
      previous = at;
    }
  }
  p["hand-off/serve returned → first request in the handler"] =
    m.firstRequest! - m.serveEnd!;
  const h = report.heap ?? {};
  if (report.kind !== "plain") {
    p["KiB allocated: import dist/mod.js"] = h.importEnd! -
      h.importStart!;
    p["KiB allocated: ListenFds.fromEnv()"] = h.fromEnvEnd! - h.importEnd!;
    p["KiB allocated: the hand-off"] = h.serveEnd! - h.fromEnvEnd!;
  }
  p["KiB of heap in use when the hand-off/serve returned"] = h.serveEnd!;
  // In use drops only when a collection ran in between.
  p["runs with a GC between the hand-off and the first request (share)"] =
    h.firstRequest! < h.serveEnd! ? 1 : 0;
  p["handler → first response bytes at the client"] = endEpoch - origin -
    m.firstRequest!;
  return p;
}

async function plainRun(): Promise<{ phases: Phases; report: Report }> {
  const port = freePort();
  const startEpoch = performance.timeOrigin + performance.now();
  const child = new Deno.Command("bash", {
    args: ["-c", STAMP, DENO, "run", "-A", SERVICE, "plain", String(port)],
    clearEnv: true,
    env: childEnv(),
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    const at = await pollFirstResponse(port);
    const report = parseReport(await fetchText(port, "/report"));
    return {
      phases: phasesOf(report, startEpoch, performance.timeOrigin + at),
      report,
    };
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

function parseReport(text: string): Report {
  return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as Report;
}

async function activatedRun(
  kind: string,
  wrap: boolean,
): Promise<{ phases: Phases; report: Report }> {
  const port = freePort();
  const activator = await startActivator(
    [port],
    ["bash", "-c", STAMP, DENO, "run", "-A", SERVICE, kind],
    ["-E", `BENCH_WRAP=${wrap ? 1 : 0}`],
  );
  try {
    await sleep(SETTLE);
    const { ms, sentAt } = await timedRequest(port);
    const report = parseReport(await fetchText(port, "/report"));
    return { phases: phasesOf(report, sentAt, sentAt + ms), report };
  } finally {
    await activator.stop();
  }
}

const KINDS: Record<string, () => Promise<{ phases: Phases; report: Report }>> =
  {
    "plain Deno.serve": plainRun,
    "activated serve()": () => activatedRun("serve", true),
    "activated takeListener()": () => activatedRun("listener", true),
    "serve(), no per-call wrapping": () => activatedRun("serve", false),
  };
const names = Object.keys(KINDS);

console.log(`${await denoVersion(DENO)}; ${RUNS} runs each; loopback`);
for (const name of names) await KINDS[name]!(); // warm the cache
const results: Record<string, Phases[]> = {};
let lastServe: Report | undefined;
for (let round = 0; round < RUNS; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length]!;
    await sleep(SETTLE);
    const { phases, report } = await KINDS[name]!();
    (results[name] ??= []).push(phases);
    if (name === "activated serve()") lastServe = report;
  }
  console.error(`round ${round + 1} done`);
}

const rows: string[] = [];
for (const name of names) {
  for (const row of Object.keys(results[name]![0]!)) {
    if (!rows.includes(row)) rows.push(row);
  }
}
console.log(
  `\nms (KiB where stated), median [IQR] (min, max) of ${RUNS} runs; FFI counts are calls; ` +
    "a KiB-allocated figure is negative or too large when a collection ran during that phase",
);
console.log(`| phase | ${names.join(" | ")} |`);
console.log(`|---|${names.map(() => "---").join("|")}|`);
for (const row of rows) {
  const cells = names.map((name) => {
    const values = results[name]!.map((p) => p[row]).filter((v) =>
      v !== undefined
    ) as number[];
    if (values.length === 0) return "";
    return row.endsWith("(share)")
      ? (values.reduce((a, b) => a + b, 0) / values.length).toFixed(2)
      : row.endsWith("(calls)")
      ? String(Math.round(values.reduce((a, b) => a + b, 0) / values.length))
      : spread(values, 2);
  });
  console.log(`| ${row} | ${cells.join(" | ")} |`);
}

if (args.trace !== undefined && lastServe) {
  console.log(
    "\nordered calls of the last activated serve() run (ms since timeOrigin):",
  );
  let current: {
    name: string;
    start: number;
    end: number;
    n: number;
    ms: number;
  } | undefined;
  const flush = (): void => {
    if (!current) return;
    console.log(
      `  ${current.start.toFixed(2).padStart(8)} ${current.name}${
        current.n > 1 ? ` ×${current.n}` : ""
      }: ${current.ms.toFixed(3)} ms in calls, ${
        (current.end - current.start).toFixed(3)
      } ms elapsed`,
    );
  };
  for (const [name, start, ms] of lastServe.calls) {
    if (current?.name === name) {
      current.n++;
      current.ms += ms;
      current.end = start + ms;
    } else {
      flush();
      current = { name, start, end: start + ms, n: 1, ms };
    }
  }
  flush();
  console.log(`  marks: ${JSON.stringify(lastServe.marks)}`);
}

/**
 * Exec-to-first-response of a socket-activated Deno server against a plain
 * start of the same server, as a ratio measured in one run.
 *
 * What is timed, per sample (each in a fresh process, module cache warm):
 * - plain: from just before the benchmark spawns `deno run -A <server> <port>`
 *   until the first response bytes reach a client that retries connecting
 *   every millisecond (so a plain sample includes up to ~1 ms of polling);
 * - activated: `systemd-socket-activate -l 127.0.0.1:<port>` has bound the
 *   socket before anything runs; the sample runs from just before the client
 *   connects (the completed connection wakes the activator, which execs
 *   `deno run -A <server>` in its own process) until the first response bytes
 *   of that same request arrive.
 *
 * Servers (bench/activation/): `plain_serve.ts` (`Deno.serve`),
 * `activated_serve.ts` (`ListenFds.fromEnv().serve()`), `plain_listen.ts`
 * (`Deno.listen`, raw reply), `activated_listener.ts` (`takeListener()`,
 * raw reply), `activated_floor.ts` (control: no module, FFI `accept4` on
 * fd 3). One round runs every kind once, in an order rotated each round;
 * each kind first runs once unmeasured (warm cache). Loopback only.
 *
 * Usage: `deno task bench:activation [--pairs 15] [--settle 150]
 * [--deno /path/to/deno] [--json out.json]`
 *
 * @module
 */

import { fromFileUrl } from "@std/path";
import {
  childEnv,
  cpuMs,
  denoVersion,
  freePort,
  median,
  parseArgs,
  pollFirstResponse,
  quantile,
  sleep,
  spread,
  startActivator,
  timedRequest,
} from "./activation/client.ts";

const args = parseArgs(Deno.args);
const PAIRS = Number(args.pairs ?? 15);
const SETTLE = Number(args.settle ?? 150);
const DENO = args.deno ?? Deno.execPath();
const server = (name: string): string =>
  fromFileUrl(new URL(`./activation/${name}`, import.meta.url));

/** The CPU time of the last sample's server process (see `cpuMs`). */
let cpu: Record<string, number>[] = [];

interface Kind {
  name: string;
  label: string;
  run(): Promise<number>;
}

async function plain(script: string): Promise<number> {
  const port = freePort();
  const t0 = performance.now();
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", server(script), String(port)],
    clearEnv: true,
    env: childEnv(),
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    const ms = (await pollFirstResponse(port)) - t0;
    cpu.push(cpuMs(child.pid));
    return ms;
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

async function activated(script: string): Promise<number> {
  const port = freePort();
  const activator = await startActivator([port], [
    DENO,
    "run",
    "-A",
    server(script),
  ]);
  try {
    await sleep(SETTLE);
    const { ms, text } = await timedRequest(port);
    cpu.push(cpuMs(activator.pid));
    if (!text.startsWith("HTTP/1.1 200")) {
      throw new Error(`${script}: unexpected response ${JSON.stringify(text)}`);
    }
    return ms;
  } finally {
    await activator.stop();
  }
}

const KINDS: Kind[] = [
  {
    name: "plain-serve",
    label: "plain `Deno.serve` (exec → first response, polling)",
    run: () => plain("plain_serve.ts"),
  },
  {
    name: "activated-serve",
    label: "activated `ListenFds.fromEnv().serve()`",
    run: () => activated("activated_serve.ts"),
  },
  {
    name: "plain-listen",
    label: "plain `Deno.listen`, raw reply",
    run: () => plain("plain_listen.ts"),
  },
  {
    name: "activated-listener",
    label: "activated `takeListener()`, raw reply",
    run: () => activated("activated_listener.ts"),
  },
  {
    name: "activated-floor",
    label: "control: activated, no module, FFI accept4 + write",
    run: async () => {
      await sleep(0);
      return await activated("activated_floor.ts");
    },
  },
];

console.log(
  `${await denoVersion(DENO)}; ${PAIRS} rounds; loopback; load average ${
    Deno.loadavg().map((v) => v.toFixed(2)).join(" ")
  }`,
);
for (const kind of KINDS) await kind.run(); // warm the module cache

const samples: Record<string, number[]> = {};
const cpuSamples: Record<string, number[]> = {};
const threads: Record<string, Record<string, number[]>> = {};
for (let round = 0; round < PAIRS; round++) {
  const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]!);
  if (round % 2) order.reverse();
  for (const kind of order) {
    await sleep(SETTLE);
    cpu = [];
    (samples[kind.name] ??= []).push(await kind.run());
    (cpuSamples[kind.name] ??= []).push(cpu[0]?.total ?? NaN);
    for (const [thread, ms] of Object.entries(cpu[0] ?? {})) {
      ((threads[kind.name] ??= {})[thread] ??= []).push(ms);
    }
  }
  console.error(
    `round ${round + 1}: ${
      KINDS.map((k) => `${k.name} ${samples[k.name]!.at(-1)!.toFixed(1)}`)
        .join(", ")
    }`,
  );
}

const names = [
  ...new Set(Object.values(threads).flatMap((t) => Object.keys(t))),
].filter((n) => n !== "total").sort();
console.log(
  `\nCPU ms by thread name at the first response (medians; a thread absent from a sample counts 0; "N" = a number):\n| thread | ${
    KINDS.map((k) => k.name).join(" | ")
  } |\n|---|${KINDS.map(() => "---").join("|")}|`,
);
for (const name of names) {
  console.log(
    `| ${name} | ${
      KINDS.map((k) => {
        const list = threads[k.name]?.[name] ?? [];
        const all = [
          ...list,
          ...new Array(samples[k.name]!.length - list.length).fill(0),
        ];
        return median(all).toFixed(1);
      }).join(" | ")
    } |`,
  );
}

const ratioOf = (a: string, b: string): number =>
  median(samples[a]!) / median(samples[b]!);
// Per-round ratios show the spread of the ratio itself.
const perRound = (a: string, b: string): number[] =>
  samples[a]!.map((v, i) => v / samples[b]![i]!);

console.log(
  "\n| kind | ms to first response: median [IQR] (min, max) | CPU ms of the server process (all threads) by then |",
);
console.log("|---|---|---|");
for (const kind of KINDS) {
  console.log(
    `| ${kind.label} | ${spread(samples[kind.name]!)} | ${
      spread(cpuSamples[kind.name]!)
    } |`,
  );
}
const line = (label: string, a: string, b: string): void => {
  const rounds = perRound(a, b);
  const q1 = quantile(samples[a]!, 0.25) / quantile(samples[b]!, 0.25);
  const min = Math.min(...samples[a]!) / Math.min(...samples[b]!);
  console.log(
    `${label}: ${ratioOf(a, b).toFixed(3)} (per-round ratios: median ${
      median(rounds).toFixed(3)
    }, IQR ${quantile(rounds, 0.25).toFixed(3)}–${
      quantile(rounds, 0.75).toFixed(3)
    }; ratio of lower quartiles ${q1.toFixed(3)}, of minima ${min.toFixed(3)})`,
  );
};
console.log(
  `\nload average at the end: ${
    Deno.loadavg().map((v) => v.toFixed(2)).join(" ")
  }`,
);
console.log(
  `CPU time (medians) serve()/plain Deno.serve: ${
    (median(cpuSamples["activated-serve"]!) /
      median(cpuSamples["plain-serve"]!)).toFixed(3)
  }, takeListener()/plain listen: ${
    (median(cpuSamples["activated-listener"]!) /
      median(cpuSamples["plain-listen"]!)).toFixed(3)
  }`,
);
line("floor (no module) / plain serve", "activated-floor", "plain-serve");
line(
  "takeListener() / plain Deno.listen",
  "activated-listener",
  "plain-listen",
);
line("serve() activated / plain Deno.serve", "activated-serve", "plain-serve");

if (args.json) {
  await Deno.writeTextFile(
    args.json,
    JSON.stringify(
      { deno: await denoVersion(DENO), samples, cpu: cpuSamples, threads },
      null,
      1,
    ),
  );
}

/**
 * The cost of one hand-off (`takeListener()`) against the number of fds
 * passed and the size of the process's fd table. For each configuration a
 * fresh `systemd-socket-activate` binds N loopback TCP sockets (1, 10, 200)
 * and, on the first connection, execs bash, which optionally grows the fd
 * table (opens fd 8191 and closes it again: the table keeps 8192 slots, as in
 * a process that once held a high fd) and execs
 * `deno run -A bench/activation/handoff_service.ts`. The service times
 * `fromEnv()` and every `takeListener(i)` with performance.now() and reports
 * them over the first socket.
 *
 * Usage: `deno task bench:handoff-scaling [--runs 3] [--counts 1,10,200]
 * [--deno /path/to/deno]`
 *
 * @module
 */

import { fromFileUrl } from "@std/path";
import {
  denoVersion,
  fetchText,
  freePort,
  median,
  parseArgs,
  sleep,
  spread,
  startActivator,
} from "./activation/client.ts";

const args = parseArgs(Deno.args);
const RUNS = Number(args.runs ?? 3);
const COUNTS = (args.counts ?? "1,10,200").split(",").map(Number);
const DENO = args.deno ?? Deno.execPath();
const SERVICE = fromFileUrl(
  new URL("./activation/handoff_service.ts", import.meta.url),
);

interface Result {
  fdSize: number;
  count: number;
  fromEnv: number;
  handoffs: number[];
}

async function run(count: number, bigTable: boolean): Promise<Result> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const grow = bigTable ? "exec 8191</dev/null; exec 8191<&-; " : "";
  const activator = await startActivator(ports, [
    "bash",
    "-c",
    `${grow}exec "$0" "$@"`,
    DENO,
    "run",
    "-A",
    SERVICE,
  ]);
  try {
    const text = await fetchText(ports[0]!, "/");
    return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as Result;
  } finally {
    await activator.stop();
  }
}

console.log(`${await denoVersion(DENO)}; ${RUNS} runs per row; loopback`);
await run(1, false); // warm the cache
const configs = COUNTS.flatMap((count) =>
  [false, true].map((bigTable) => ({ count, bigTable }))
);
const results = new Map<string, Result[]>();
for (let round = 0; round < RUNS; round++) {
  for (const { count, bigTable } of configs) {
    await sleep(150);
    const key = `${count}:${bigTable}`;
    const result = await run(count, bigTable);
    results.set(key, [...(results.get(key) ?? []), result]);
    console.error(
      `round ${round + 1}: ${count} fds, FDSize ${result.fdSize}: total ${
        result.handoffs.reduce((a, b) => a + b, 0).toFixed(1)
      } ms`,
    );
  }
}

console.log(
  "\nms; median [IQR] (min, max) over runs; 'later' = median of the hand-offs after the first within a run",
);
console.log(
  "| fds passed | FDSize at start | fromEnv() | first takeListener() | later takeListener() each | last takeListener() | all hand-offs |",
);
console.log("|---|---|---|---|---|---|---|");
for (const { count, bigTable } of configs) {
  const list = results.get(`${count}:${bigTable}`)!;
  const later = list.filter((r) => r.handoffs.length > 1).map((r) =>
    median(r.handoffs.slice(1))
  );
  console.log(
    `| ${count} | ${list[0]!.fdSize} | ${
      spread(list.map((r) => r.fromEnv))
    } | ${spread(list.map((r) => r.handoffs[0]!))} | ${
      later.length ? spread(later) : "–"
    } | ${later.length ? spread(list.map((r) => r.handoffs.at(-1)!)) : "–"} | ${
      spread(list.map((r) => r.handoffs.reduce((a, b) => a + b, 0)))
    } |`,
  );
}

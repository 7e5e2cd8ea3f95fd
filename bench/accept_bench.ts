/**
 * `Accept=yes` services (one process per connection), where the start-up
 * latency is paid on every connection: connection-to-first-byte of
 * `ListenFds.fromEnv().takeConn()` against an inetd-style Deno service that
 * reads the connection from fd 0 with no module at all.
 *
 * Three `systemd-socket-activate` instances stay up for the whole run:
 * `-a` with `bench/activation/accept_conn.ts` (takeConn), `--inetd -a` with
 * `bench/activation/inetd.ts`, and `-a` with `bench/activation/accept_floor.ts`
 * (control: FFI read/write on fd 3, no module). A sample is one connection:
 * from the start of the connect (the activator accepts, forks and execs Deno)
 * until the first response bytes arrive; then the benchmark waits for the
 * close and lets the process exit before the next one. Rounds alternate the
 * order; each kind is warmed once first.
 *
 * Usage: `deno task bench:accept [--pairs 15] [--settle 150]
 * [--deno /path/to/deno]`
 *
 * @module
 */

import { fromFileUrl } from "@std/path";
import {
  denoVersion,
  freePort,
  median,
  parseArgs,
  quantile,
  REQUEST,
  sleep,
  spread,
  startActivator,
} from "./activation/client.ts";
import type { Activator } from "./activation/client.ts";

const args = parseArgs(Deno.args);
const PAIRS = Number(args.pairs ?? 15);
const SETTLE = Number(args.settle ?? 150);
const DENO = args.deno ?? Deno.execPath();
const script = (name: string): string =>
  fromFileUrl(new URL(`./activation/${name}`, import.meta.url));

/** One connection: connect start → first response bytes; then until EOF. */
async function connectionToFirstByte(port: number): Promise<number> {
  const t0 = performance.now();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(REQUEST);
    const buffer = new Uint8Array(16384);
    const n = await conn.read(buffer);
    const ms = performance.now() - t0;
    const text = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    if (!text.startsWith("HTTP/1.1 200")) {
      throw new Error(`port ${port}: unexpected ${JSON.stringify(text)}`);
    }
    while ((await conn.read(buffer)) !== null) {
      /* until the service closes */
    }
    return ms;
  } finally {
    conn.close();
  }
}

const kinds: { name: string; label: string; flags: string[]; file: string }[] =
  [
    {
      name: "inetd",
      label: "inetd-style, no module (`--inetd`, Deno.stdin/stdout)",
      flags: ["-a", "--inetd"],
      file: "inetd.ts",
    },
    {
      name: "takeConn",
      label: "`ListenFds.fromEnv().takeConn(0)` (`-a`)",
      flags: ["-a"],
      file: "accept_conn.ts",
    },
    {
      name: "floor",
      label: "control: fd 3 with FFI read/write, no module (`-a`)",
      flags: ["-a"],
      file: "accept_floor.ts",
    },
  ];

console.log(`${await denoVersion(DENO)}; ${PAIRS} rounds; loopback`);
const activators: Record<string, Activator> = {};
try {
  for (const kind of kinds) {
    activators[kind.name] = await startActivator(
      [freePort()],
      [DENO, "run", "-A", script(kind.file)],
      kind.flags,
    );
  }
  const samples: Record<string, number[]> = {};
  for (const kind of kinds) {
    await connectionToFirstByte(activators[kind.name]!.ports[0]!); // warm
  }
  for (let round = 0; round < PAIRS; round++) {
    const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!);
    for (const kind of order) {
      await sleep(SETTLE);
      (samples[kind.name] ??= []).push(
        await connectionToFirstByte(activators[kind.name]!.ports[0]!),
      );
    }
    console.error(
      `round ${round + 1}: ${
        kinds.map((k) => `${k.name} ${samples[k.name]!.at(-1)!.toFixed(1)}`)
          .join(", ")
      }`,
    );
  }
  console.log("\n| per-connection service | ms: median [IQR] (min, max) |");
  console.log("|---|---|");
  for (const kind of kinds) {
    console.log(`| ${kind.label} | ${spread(samples[kind.name]!)} |`);
  }
  const rounds = samples.takeConn!.map((v, i) => v / samples.inetd![i]!);
  console.log(
    `\nfloor / inetd: ${
      (median(samples.floor!) / median(samples.inetd!)).toFixed(3)
    }`,
  );
  console.log(
    `takeConn() / inetd: ${
      (median(samples.takeConn!) / median(samples.inetd!)).toFixed(3)
    } (per-round ratios: median ${median(rounds).toFixed(3)}, IQR ${
      quantile(rounds, 0.25).toFixed(3)
    }–${quantile(rounds, 0.75).toFixed(3)})`,
  );
} finally {
  for (const activator of Object.values(activators)) await activator.stop();
}

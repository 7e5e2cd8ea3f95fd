/**
 * Client-side helpers shared by the activation benchmarks: free ports, an
 * activator that is ready, one timed HTTP request, and summary statistics.
 * Loopback only.
 *
 * @module
 */

import { parseArgs as parseFlags } from "@std/cli/parse-args";

/** `systemd-socket-activate`, the activator every benchmark uses. */
export const ACTIVATE = "/usr/bin/systemd-socket-activate";

/** One request; `Connection: close` so that one read sees the response. */
export const REQUEST: Uint8Array = new TextEncoder().encode(
  "GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n",
);

const decoder = new TextDecoder();

/**
 * The `--name value` options of a benchmark (and `--flag` as `"true"`), all
 * as strings, through `@std/cli`'s `parseArgs`.
 */
export function parseArgs(list: readonly string[]): Record<string, string> {
  const { _: _positional, ...named } = parseFlags([...list]);
  return Object.fromEntries(
    Object.entries(named).map(([name, value]) => [name, String(value)]),
  );
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The environment every child gets: the same for plain and activated. */
export function childEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "JSR_URL"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** A running `systemd-socket-activate`, bound and waiting. */
export interface Activator {
  /** The activator's pid (the service's pid once it has exec'd). */
  pid: number;
  /** The ports bound, in fd order. */
  ports: number[];
  /** Sends SIGTERM to the process (activator or service) and waits. */
  stop(): Promise<void>;
}

/**
 * Starts `systemd-socket-activate` on the given ports (fds 3, 4, …) with
 * extra activator flags, and returns once it reports every socket bound.
 * The activator passes on only the environment named with `-E`.
 */
export async function startActivator(
  ports: number[],
  command: string[],
  flags: string[] = [],
): Promise<Activator> {
  const env = childEnv();
  const args = [
    ...ports.flatMap((port) => ["-l", `127.0.0.1:${port}`]),
    ...flags,
    ...Object.keys(env).flatMap((name) => ["-E", name]),
    "--",
    ...command,
  ];
  const child = new Deno.Command(ACTIVATE, {
    args,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.getReader();
  let text = "";
  let bound = 0;
  while (bound < ports.length) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`${ACTIVATE} exited before binding:\n${text}`);
    }
    text += decoder.decode(value);
    bound = text.split("Listening on ").length - 1;
  }
  const drained = (async (): Promise<void> => {
    while (!(await reader.read()).done) { /* keep the pipe empty */ }
  })();
  return {
    pid: child.pid,
    ports,
    async stop(): Promise<void> {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await child.status;
      await drained;
    },
  };
}

/**
 * Times one request from the start of the connect (the socket is bound, so
 * the kernel completes it at once, and that completion is what wakes the
 * activator) until the first bytes of the response.
 *
 * @returns The milliseconds, the response text of the first read, and the
 * wall-clock time (ms since the epoch) the connect started.
 */
export async function timedRequest(
  port: number,
  request: Uint8Array = REQUEST,
): Promise<{ ms: number; text: string; sentAt: number }> {
  const sentAt = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(request);
    const buffer = new Uint8Array(65536);
    const n = await conn.read(buffer);
    const ms = performance.now() - t0;
    if (n === null) throw new Error(`port ${port}: connection closed`);
    return { ms, text: decoder.decode(buffer.subarray(0, n)), sentAt };
  } finally {
    conn.close();
  }
}

/** Reads a whole response (until the server closes). */
export async function fetchText(
  port: number,
  path: string,
): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET ${path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n`,
      ),
    );
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(65536);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    return chunks.map((c) => decoder.decode(c)).join("");
  } finally {
    conn.close();
  }
}

/**
 * Retries connecting every millisecond until one request is answered.
 *
 * @returns The time (performance.now()) the first response bytes arrived.
 */
export async function pollFirstResponse(
  port: number,
  timeoutMs = 20_000,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (true) {
    let conn: Deno.Conn | undefined;
    try {
      conn = await Deno.connect({ hostname: "127.0.0.1", port });
    } catch {
      // not listening yet
    }
    if (conn) {
      try {
        await conn.write(REQUEST);
        const buffer = new Uint8Array(65536);
        const n = await conn.read(buffer);
        const at = performance.now();
        if (
          n !== null && decoder.decode(buffer.subarray(0, n)).includes("200")
        ) {
          return at;
        }
      } catch {
        // reset while starting
      } finally {
        conn.close();
      }
    }
    if (performance.now() > deadline) {
      throw new Error(`port ${port} never answered`);
    }
    await sleep(1);
  }
}

/**
 * The CPU time a process has used so far, per thread name and in all, in
 * milliseconds (`/proc/<pid>/task/<tid>/schedstat`, nanoseconds; up to date
 * for threads that are not running at the moment of the read): a view of the
 * cost that queueing on a busy machine does not inflate.
 *
 * @returns The milliseconds by thread name (`comm`) plus `total`; `total`
 * is NaN when the process is gone.
 */
export function cpuMs(pid: number): Record<string, number> {
  const out: Record<string, number> = { total: 0 };
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      try {
        const dir = `/proc/${pid}/task/${task.name}`;
        const ms =
          Number(Deno.readTextFileSync(`${dir}/schedstat`).split(" ")[0]) /
          1e6;
        const name = Deno.readTextFileSync(`${dir}/comm`).trim()
          .replace(/[0-9]+$/, "N");
        out[name] = (out[name] ?? 0) + ms;
        out.total! += ms;
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    return { total: NaN };
  }
  return out;
}

/** Sorted copy. */
function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The q-quantile (linear interpolation). */
export function quantile(values: readonly number[], q: number): number {
  const s = sorted(values);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** The median. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** `median [q1–q3] (min–max)` in milliseconds. */
export function spread(all: readonly number[], digits = 1): string {
  const values = all.filter(Number.isFinite);
  if (values.length === 0) return "–";
  const f = (v: number): string => v.toFixed(digits);
  return `${f(median(values))} [IQR ${f(quantile(values, 0.25))}–${
    f(quantile(values, 0.75))
  }] (min ${f(Math.min(...values))}, max ${f(Math.max(...values))})`;
}

/** The Deno version line of a binary. */
export async function denoVersion(deno: string): Promise<string> {
  const { stdout } = await new Deno.Command(deno, { args: ["--version"] })
    .output();
  return decoder.decode(stdout).split("\n")[0] ?? "deno ?";
}

/**
 * A server that times its own start, for `bench/activation_breakdown.ts`.
 * Usage: `breakdown_service.ts <serve|listener|plain> [port]`, started as
 * `bash -c 'BENCH_EXEC=$EPOCHREALTIME exec deno run -A …'` so that the
 * moment of the exec is known. It imports nothing statically.
 *
 * Times (performance.now(), ms since `performance.timeOrigin`):
 * - the first line of this script;
 * - `await import("@listen-fds/listen-fds")` (`dist/mod.js`: the module graph
 *   load and evaluation);
 * - `ListenFds.fromEnv()`; `serve()` or `takeListener()`;
 * - inside those, without touching the library: `Deno.dlopen` is replaced by
 *   a wrapper that times every call and every libc function it returns, and
 *   `Deno.serve`/`Deno.listen` (the placeholder) are timed the same way. The
 *   calls are kept in order, so runs of one function (the fd-table scans)
 *   can be told apart (`BENCH_WRAP=0` turns the per-call wrapping off, to
 *   see its own cost);
 * - the first call of the handler (first request accepted and parsed).
 *
 * Marks the library sets with `performance.mark("listen-fds:<phase>")`, if
 * any, are reported too, for the phases a wrapper cannot see.
 *
 * `GET /report` answers with all of it as JSON (`performance.timeOrigin` and
 * `BENCH_EXEC` are wall-clock, to line up with the client's clock).
 *
 * @module
 */

const firstLine = performance.now();
const [kind = "serve", portText = "0"] = Deno.args;
const wrapCalls = Deno.env.get("BENCH_WRAP") !== "0";

/** One timed call: what, when it started (ms since timeOrigin), how long. */
type Call = [name: string, start: number, ms: number];
const calls: Call[] = [];
const marks: Record<string, number> = { firstLine };

function timed<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R,
): (...args: A) => R {
  return (...args: A): R => {
    const start = performance.now();
    try {
      return fn(...args);
    } finally {
      calls.push([name, start, performance.now() - start]);
    }
  };
}

// The first access of Deno.serve loads Deno's HTTP server code lazily; a
// plain server and the library's placeholder both pay it once. Timed here,
// apart from the calls.
const getters: Record<string, number> = {};
for (const name of ["serve", "listen", "dlopen"] as const) {
  const start = performance.now();
  void Deno[name];
  getters[name] = performance.now() - start;
}
const dlopen = Deno.dlopen;
// deno-lint-ignore no-explicit-any
(Deno as any).dlopen = (
  path: string,
  symbols: Deno.ForeignLibraryInterface,
) => {
  const start = performance.now();
  const library = dlopen(path, symbols);
  calls.push([
    `dlopen(${Object.keys(symbols).join(",")})`,
    start,
    performance.now() - start,
  ]);
  if (!wrapCalls) return library;
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(library.symbols)) {
    wrapped[name] = typeof value === "function"
      ? timed(name, value as (...args: unknown[]) => unknown)
      : value;
  }
  return { symbols: wrapped, close: (): void => library.close() };
};
// deno-lint-ignore no-explicit-any
(Deno as any).serve = timed("Deno.serve", Deno.serve as any);
// deno-lint-ignore no-explicit-any
(Deno as any).listen = timed("Deno.listen", Deno.listen as any);

/**
 * Heap in use (KiB) at each mark: an activated start that allocates less
 * than ~1 MB stays under V8's first young-generation collection, which costs
 * several ms on Deno 2.9.6 (docs/performance.md, section 7).
 */
const heap: Record<string, number> = {};
const heapKiB = (): number => Deno.memoryUsage().heapUsed / 1024;
heap.firstLine = heapKiB();

let firstRequest: number | undefined;
function report(): string {
  return JSON.stringify({
    kind,
    wrapCalls,
    exec: Number(Deno.env.get("BENCH_EXEC") ?? NaN) * 1000,
    timeOrigin: performance.timeOrigin,
    marks: { ...marks, firstRequest },
    heap,
    getters,
    calls,
    // Marks the library may set (performance.mark("listen-fds:…")).
    libraryMarks: performance.getEntriesByType("mark")
      .filter((m) => m.name.startsWith("listen-fds:"))
      .map((m) => [m.name, m.startTime]),
  });
}

const REPLY = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n",
);
async function answerAll(listener: Deno.Listener): Promise<void> {
  for await (const conn of listener) {
    const buffer = new Uint8Array(16384);
    const n = await conn.read(buffer);
    if (firstRequest === undefined) heap.firstRequest = heapKiB();
    firstRequest ??= performance.now();
    const text = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    if (text.startsWith("GET /report")) {
      const body = new TextEncoder().encode(report());
      await conn.write(
        new TextEncoder().encode(
          `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        ),
      );
      await conn.write(body);
    } else {
      await conn.write(REPLY);
    }
    conn.close();
  }
}
const handler = (request: Request): Response => {
  if (firstRequest === undefined) heap.firstRequest = heapKiB();
  firstRequest ??= performance.now();
  return new URL(request.url).pathname === "/report"
    ? new Response(report())
    : new Response("ok\n");
};

if (kind === "plain") {
  marks.serveStart = performance.now();
  Deno.serve({
    hostname: "127.0.0.1",
    port: Number(portText),
    onListen(): void {},
  }, handler);
  marks.serveEnd = performance.now();
  heap.serveEnd = heapKiB();
} else {
  heap.importStart = heapKiB();
  marks.importStart = performance.now();
  const { ListenFds } = await import("@listen-fds/listen-fds");
  marks.importEnd = performance.now();
  heap.importEnd = heapKiB();
  const fds = ListenFds.fromEnv();
  marks.fromEnvEnd = performance.now();
  heap.fromEnvEnd = heapKiB();
  if (kind === "serve") {
    fds.serve({ index: 0, onListen(): void {}, handler });
    marks.serveEnd = performance.now();
    heap.serveEnd = heapKiB();
  } else {
    const listener = fds.takeListener(0);
    marks.serveEnd = performance.now();
    heap.serveEnd = heapKiB();
    await answerAll(listener);
  }
}

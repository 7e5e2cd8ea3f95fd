import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertStrictEquals,
} from "@std/assert";
import { join } from "@std/path";
import { DENO, ROOT, waitFor } from "../support/helpers.ts";
import {
  reportedPort,
  startLauncher,
} from "../fixtures/services/launcher_harness.ts";
import { rankChangedPaths, watchPaths } from "../../_launcher/watch.ts";
import type { FsEventSource } from "../../_launcher/watch.ts";

const HTTP = join(ROOT, "tests", "fixtures", "services", "launcher_http.ts");
const WORKERS = 8;
const RESTARTS = 5;
const PER_PHASE = 300;
const MIN_REQUESTS = 2000;

/** One HTTP/1.1 request on a fresh connection; returns the serving pid. */
async function request(port: number): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(
        "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
      ),
    );
  } catch (error) {
    conn.close();
    throw error;
  }
  const text = await new Response(conn.readable).text();
  if (!text.startsWith("HTTP/1.1 200 ")) {
    throw new Error(`unexpected response ${JSON.stringify(text.slice(0, 40))}`);
  }
  return text.slice(text.indexOf("\r\n\r\n") + 4).trim();
}

/** The child's server: see tests/fixtures/services/launcher_http.ts. */
const CHILDREN = [
  { flag: [], what: "a ListenFds.serve()" },
  { flag: ["--listener"], what: "an adopted Deno.Listener" },
  { flag: ["--node"], what: "a node:http", minDeno: [2, 8] },
];

function denoAtLeast([major, minor]: number[]): boolean {
  const [have = 0, haveMinor = 0] = Deno.version.deno.split(".").map(Number);
  return have > major! || (have === major && haveMinor >= minor!);
}

for (const child of CHILDREN) {
  Deno.test({
    name:
      `launch --watch restarts ${child.what} child 5 times while a client sees 0 failed requests`,
    // node:http cannot listen on an fd before Deno 2.8.
    ignore: child.minDeno !== undefined && !denoAtLeast(child.minDeno),
  }, async () => {
    const dir = await Deno.makeTempDir();
    const file = join(dir, "watched.txt");
    await Deno.writeTextFile(file, "0");
    const launcher = startLauncher([
      "-s",
      "http::0",
      "-w",
      dir,
      "--debounce",
      "50",
      "--",
      DENO,
      "run",
      "-A",
      "--no-lock",
      HTTP,
      ...child.flag,
    ]);
    let ok = 0;
    let failed = 0;
    const failures: string[] = [];
    const servedBy = new Map<string, number>();
    let stop = false;
    let workers: Promise<void>[] = [];
    let code: number | null = null;
    try {
      const port = await reportedPort(launcher, 3);
      workers = Array.from({ length: WORKERS }, async () => {
        while (!stop) {
          try {
            const pid = await request(port);
            ok++;
            servedBy.set(pid, (servedBy.get(pid) ?? 0) + 1);
          } catch (error) {
            failed++;
            failures.push(String(error));
          }
        }
      });
      for (let restart = 1; restart <= RESTARTS; restart++) {
        const target = ok + PER_PHASE;
        await waitFor(() => ok >= target, {
          what: `${target} requests`,
          progress: () => ok,
        });
        const children = servedBy.size;
        await Deno.writeTextFile(file, String(restart));
        await waitFor(() => servedBy.size > children, {
          timeout: 30_000,
          what: `a response from the child of restart ${restart}`,
        });
      }
      const target = Math.max(MIN_REQUESTS, ok + PER_PHASE);
      await waitFor(() => ok >= target, {
        what: `${target} requests`,
        progress: () => ok,
      });
    } finally {
      stop = true;
      await Promise.all(workers);
      launcher.process.kill("SIGTERM");
      code = (await launcher.status()).code;
      await Deno.remove(dir, { recursive: true });
    }
    assertEquals(failed, 0, `failures: ${failures.slice(0, 5).join("; ")}`);
    assertGreaterOrEqual(ok, MIN_REQUESTS);
    assertEquals(
      servedBy.size,
      RESTARTS + 1,
      "one child per restart, plus the first",
    );
    assertEquals(
      launcher.stderr.filter((line) => line.startsWith("launch: restarting"))
        .length,
      RESTARTS,
    );
    assertEquals(
      launcher.stderr.filter((line) => line.startsWith("launch: started pid"))
        .length,
      RESTARTS + 1,
    );
    // The last child shut down gracefully on the forwarded SIGTERM.
    assertEquals(code, 0);
  });
}

/** An event stream a test drives: `push` an event or `fail` with an error. */
function fakeSource(): FsEventSource & {
  push(path: string): void;
  fail(error: Error): void;
} {
  const queue: (Deno.FsEvent | Error)[] = [];
  let wake = (): void => {};
  let closed = false;
  return {
    push(path: string): void {
      queue.push({ kind: "modify", paths: [path] });
      wake();
    },
    fail(error: Error): void {
      queue.push(error);
      wake();
    },
    close(): void {
      closed = true;
      wake();
    },
    async *[Symbol.asyncIterator](): AsyncIterator<Deno.FsEvent> {
      while (!closed) {
        const next = queue.shift();
        if (next === undefined) {
          await new Promise<void>((resolve) => wake = resolve);
        } else if (next instanceof Error) {
          throw next;
        } else {
          yield next;
        }
      }
    },
  };
}

Deno.test("watchPaths() reports an error of the event stream and goes on watching", async () => {
  const sources: ReturnType<typeof fakeSource>[] = [];
  const errors: unknown[] = [];
  const changes: string[][] = [];
  const watcher = watchPaths(["/x"], 1, (paths) => changes.push(paths), {
    onError: (error) => errors.push(error),
    watch: () => {
      const source = fakeSource();
      sources.push(source);
      return source;
    },
  });
  try {
    sources[0]!.push("/x/a.ts");
    await waitFor(() => changes.length === 1);
    const failure = new Error("inotify queue overflow");
    sources[0]!.fail(failure);
    await waitFor(() => sources.length === 2, { what: "watching again" });
    assertEquals(errors.length, 1);
    assertStrictEquals(errors[0], failure);
    sources[1]!.push("/x/b.ts");
    await waitFor(() => changes.length === 2);
    assertEquals(changes, [["/x/a.ts"], ["/x/b.ts"]]);
  } finally {
    watcher.close();
  }
});

Deno.test("watchPaths() names the saved file first, not the editor's temporary file", async () => {
  const dir = await Deno.makeTempDir();
  const saved = join(dir, "main.ts");
  await Deno.writeTextFile(saved, "1");
  const changes: string[][] = [];
  const watcher = watchPaths([dir], 50, (paths) => changes.push(paths));
  try {
    // An editor's atomic save: write a temporary file, rename it over.
    const temporary = join(dir, "main.ts.tmp.4242");
    await Deno.writeTextFile(temporary, "2");
    await Deno.rename(temporary, saved);
    await waitFor(() => changes.length > 0, { what: "a change" });
    assert(changes[0]!.includes(temporary), "the temporary file is listed");
    assertEquals(changes[0]![0], saved);
  } finally {
    watcher.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rankChangedPaths() puts existing ordinary files before deleted and temporary ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const real = join(dir, "server.ts");
    const swap = join(dir, ".server.ts.swp");
    await Deno.writeTextFile(real, "");
    await Deno.writeTextFile(swap, "");
    const gone = join(dir, "old.ts");
    assertEquals(
      rankChangedPaths([join(dir, "4913"), swap, gone, `${real}~`, real]),
      [real, gone, swap, join(dir, "4913"), `${real}~`],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

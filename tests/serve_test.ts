/**
 * Tests of the `./serve` entry (serve.ts): its command line, and the entry
 * run as a process without activation (`--host`/`--port`, as `deno serve`).
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { join } from "@std/path";
import { ListenFdsError } from "../mod.ts";
import { parseServeArgs, type ServeCommand } from "../serve.ts";
import { bodyOf, DENO, httpGet, ROOT } from "./support/helpers.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];
const cwd = (): string => "/srv/app";

function parse(
  argv: string[],
  variables: Record<string, string> = {},
): ServeCommand | "help" {
  return parseServeArgs(argv, env(variables), cwd);
}

Deno.test("parseServeArgs() has deno serve's defaults and serves in the main thread without --parallel", () => {
  assertEquals(parse(["main.ts"]), {
    module: "file:///srv/app/main.ts",
    args: [],
    workers: undefined,
    host: "0.0.0.0",
    port: 8000,
    name: undefined,
    drainTimeout: 1000,
    shutdownTimeout: 10_000,
    restartLimit: 5,
    fdStore: undefined,
  });
});

Deno.test("parseServeArgs() takes every flag before the module and gives the rest to the module", () => {
  const command = parse([
    "--workers",
    "3",
    "--host=127.0.0.1",
    "--port",
    "0",
    "--name",
    "web",
    "--drain-timeout",
    "0",
    "--shutdown-timeout",
    "5000",
    "--restart-limit",
    "0",
    "--fd-store",
    "kept",
    "../other/main.ts",
    "--port",
    "9",
    "x",
  ]);
  assertEquals(command, {
    module: "file:///srv/other/main.ts",
    args: ["--port", "9", "x"],
    workers: 3,
    host: "127.0.0.1",
    port: 0,
    name: "web",
    drainTimeout: 0,
    shutdownTimeout: 5000,
    restartLimit: 0,
    fdStore: "kept",
  });
});

Deno.test("parseServeArgs() --parallel uses DENO_JOBS, else every CPU", () => {
  assertEquals(
    (parse(["--parallel", "a.ts"], { DENO_JOBS: "4" }) as ServeCommand).workers,
    4,
  );
  assertEquals(
    (parse(["--parallel", "a.ts"]) as ServeCommand).workers,
    navigator.hardwareConcurrency,
  );
  // --workers wins.
  assertEquals(
    (parse(["--parallel", "--workers", "2", "a.ts"], {
      DENO_JOBS: "4",
    }) as ServeCommand).workers,
    2,
  );
});

Deno.test("parseServeArgs() keeps URLs and jsr:/npm: specifiers as they are", () => {
  for (
    const module of [
      "file:///x/main.ts",
      "https://example.com/main.ts",
      "jsr:@scope/app",
    ]
  ) {
    assertEquals((parse([module]) as ServeCommand).module, module);
  }
  assertEquals(parse(["-h"]), "help");
  assertEquals(parse(["--help", "main.ts"]), "help");
});

Deno.test("parseServeArgs() rejects an unknown flag, a bad number and a missing module", () => {
  const cases: [string[], Record<string, string>, string][] = [
    [["--bogus", "a.ts"], {}, 'unknown option "--bogus"'],
    [["--workers", "0", "a.ts"], {}, 'Cannot parse --workers: value is "0"'],
    [
      ["--workers", "two", "a.ts"],
      {},
      'Cannot parse --workers: value is "two"',
    ],
    [["--port=-1", "a.ts"], {}, 'Cannot parse --port: value is "-1"'],
    [
      ["--parallel", "a.ts"],
      { DENO_JOBS: "x" },
      'Cannot parse --parallel (DENO_JOBS): value is "x"',
    ],
    [
      ["--drain-timeout", "1.5", "a.ts"],
      {},
      'Cannot parse --drain-timeout: value is "1.5"',
    ],
    [[], {}, "no module given"],
  ];
  for (const [argv, variables, message] of cases) {
    const error = assertThrows(
      () => parse(argv, variables),
      ListenFdsError,
    );
    assertEquals(error.code, "INVALID_ARGUMENT");
    assertStringIncludes(error.message, message);
  }
});

/** Starts the entry, waits for its "Listening on" line. */
async function startEntry(
  args: string[],
): Promise<
  { child: Deno.ChildProcess; line: string; stderr: () => Promise<string> }
> {
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", "--quiet", join(ROOT, "serve.ts"), ...args],
    cwd: join(ROOT, "tests", "fixtures", "serve"),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  while (!/Listening on .*\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the entry exited: ${text}`);
    text += value;
  }
  const rest = (async (): Promise<string> => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  return {
    child,
    line: /Listening on .*/.exec(text)![0],
    stderr: () => rest,
  };
}

for (const workers of [undefined, 2]) {
  Deno.test(`the serve entry binds --host/--port without activation (${workers ? `--workers ${workers}` : "main thread"}) and exits 0 on SIGTERM`, async () => {
    const entry = await startEntry([
      ...(workers ? ["--workers", String(workers)] : []),
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "app.ts",
      "arg1",
    ]);
    assertMatch(
      entry.line,
      workers
        ? /^Listening on http:\/\/127\.0\.0\.1:\d+\/ with 2 workers$/
        : /^Listening on http:\/\/127\.0\.0\.1:\d+\/$/,
    );
    const port = Number(/:(\d+)\//.exec(entry.line)![1]);
    const body = bodyOf(await httpGet({ hostname: "127.0.0.1", port }));
    assertMatch(
      body,
      workers ? /^\d+ listen-fds serve worker [01]\n$/ : /^\d+ main\n$/,
    );
    assertEquals(
      JSON.parse(
        bodyOf(await httpGet({ hostname: "127.0.0.1", port }, "/args")),
      ),
      ["arg1"],
    );
    entry.child.kill("SIGTERM");
    const status = await entry.child.status;
    await entry.stderr();
    assertEquals(status.code, 0);
  });
}

Deno.test("the serve entry exits 1 naming the problem when the module cannot be served", async () => {
  const { code, stderr } = await new Deno.Command(DENO, {
    args: [
      "run",
      "-A",
      "--quiet",
      join(ROOT, "serve.ts"),
      "--workers",
      "2",
      "--port",
      "0",
      "no_fetch.ts",
    ],
    cwd: join(ROOT, "tests", "fixtures", "serve"),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(stderr);
  assertEquals(code, 1, text);
  assertStringIncludes(text, "its default export has no fetch() function");
});

Deno.test("the serve entry exits 2 with the usage on a bad flag", async () => {
  const { code, stderr } = await new Deno.Command(DENO, {
    args: [
      "run",
      "-A",
      "--quiet",
      join(ROOT, "serve.ts"),
      "--workers",
      "0",
      "a.ts",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  assertEquals(code, 2);
  assertStringIncludes(text, 'Cannot parse --workers: value is "0"');
  assert(text.includes("Usage: deno run"));
});

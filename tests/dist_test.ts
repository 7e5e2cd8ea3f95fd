/**
 * Tests of `dist/`, the JavaScript the package's exports point at: it is a
 * fresh build of the sources (`tools/build.ts`, on Deno 2.9.6, with esbuild),
 * the package's name resolves to it, its entries share one instance
 * of each module, `serveParallel()` finds its worker there, and `dist/mod.js`
 * loads no more than `mod.ts` does.
 *
 * @module
 */

import {
  assert,
  assertEquals,
  assertGreater,
  assertInstanceOf,
  assertRejects,
  assertThrows,
} from "@std/assert";
import { join, toFileUrl } from "@std/path";
import {
  build,
  eagerFunctions,
  localImports,
  publicEntries,
  requireNoImportCycle,
} from "../tools/build.ts";
import { ListenFds, ListenFdsError } from "@listen-fds/listen-fds";
import { parseListenEnv } from "@listen-fds/listen-fds/env";
import { serveParallel } from "@listen-fds/listen-fds/parallel";
import { bodyOf, httpGet, ROOT } from "./support/helpers.ts";

const DIST = join(ROOT, "dist");

/** Every file under `dir`, relative to it, sorted. */
async function filesOf(dir: string): Promise<string[]> {
  const files = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) {
      for (const file of await filesOf(join(dir, entry.name))) {
        files.push(`${entry.name}/${file}`);
      }
    } else {
      files.push(entry.name);
    }
  }
  return files.sort();
}

Deno.test("dist/ matches a fresh build of the sources", async () => {
  const temp = await Deno.makeTempDir();
  try {
    const fresh = join(temp, "dist");
    await build({ outdir: fresh });
    const committed = await filesOf(DIST);
    const built = await filesOf(fresh);
    const problems = [];
    for (const file of committed) {
      if (!built.includes(file)) {
        problems.push(`dist/${file} is stale (a fresh build has no such file)`);
      }
    }
    for (const file of built) {
      if (!committed.includes(file)) {
        problems.push(`dist/${file} is missing`);
      } else if (
        await Deno.readTextFile(join(DIST, file)) !==
          await Deno.readTextFile(join(fresh, file))
      ) {
        problems.push(`dist/${file} differs`);
      }
    }
    assertEquals(
      problems,
      [],
      `dist/ is not a build of the sources (${
        problems.join("; ")
      }): run tools/deno task build and commit dist/`,
    );
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});

Deno.test("the package's name resolves every export to its dist/ file", async () => {
  const entries = await publicEntries();
  assertEquals(entries, [
    "mod",
    "notify",
    "env",
    "launch",
    "serve",
    "parallel",
  ]);
  for (const entry of entries) {
    const specifier = entry === "mod"
      ? "@listen-fds/listen-fds"
      : `@listen-fds/listen-fds/${entry}`;
    assertEquals(
      import.meta.resolve(specifier),
      toFileUrl(join(DIST, `${entry}.js`)).href,
      specifier,
    );
    const text = await Deno.readTextFile(join(DIST, `${entry}.js`));
    assert(
      text.startsWith(`// @ts-self-types="../${entry}.ts"\n`),
      `dist/${entry}.js does not take its types from ${entry}.ts`,
    );
  }
});

Deno.test("an error thrown through one entry is the ListenFdsError another exports", async () => {
  const parseError = assertThrows(
    () => parseListenEnv({ LISTEN_FDS: "x", LISTEN_PID: String(Deno.pid) }),
  );
  assertInstanceOf(parseError, ListenFdsError);
  assertEquals((parseError as ListenFdsError).code, "INVALID_LISTEN_FDS");
  const parallelError = await assertRejects(() =>
    serveParallel({
      module: new URL("./fixtures/serve/app.ts", import.meta.url),
      workers: 0,
    })
  );
  assertInstanceOf(parallelError, ListenFdsError);
});

Deno.test("serveParallel() from dist/ serves on 2 workers (dist/_serve_worker.js)", async () => {
  const server = await serveParallel({
    module: new URL("./fixtures/serve/app.ts", import.meta.url),
    workers: 2,
    fds: ListenFds.fromEnv({ env: {} }),
    hostname: "127.0.0.1",
    port: 0,
    onListen(): void {},
  });
  try {
    const { port } = server.addr as Deno.NetAddr;
    assertGreater(port, 0);
    const workers = new Set<string>();
    for (let round = 0; round < 50 && workers.size < 2; round++) {
      const bodies = await Promise.all(
        Array.from(
          { length: 8 },
          async () =>
            bodyOf(await httpGet({ hostname: "127.0.0.1", port })).trim(),
        ),
      );
      for (const body of bodies) {
        workers.add(body.split(" ").slice(1).join(" "));
      }
    }
    assertEquals([...workers].sort(), [
      "listen-fds serve worker 0",
      "listen-fds serve worker 1",
    ]);
  } finally {
    await server.shutdown();
  }
});

/** The files `dist/<entry>.js` loads before running. */
async function staticFiles(entry: string): Promise<string[]> {
  const seen = new Set<string>();
  const pending = [`${entry}.js`];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(
      ...localImports(await Deno.readTextFile(join(DIST, file))),
    );
  }
  return [...seen].sort();
}

Deno.test("dist/mod.js statically loads only the native hand-off, in ASCII files, in two files", async () => {
  const sources = [];
  const files = await staticFiles("mod");
  // mod.js and _core.js: each file costs a start ~0.2 ms besides its size.
  assertEquals(files, ["_core.js", "mod.js"]);
  for (const file of files) {
    const bytes = await Deno.readFile(join(DIST, file));
    const at = bytes.findIndex((byte) => byte > 0x7f);
    assertEquals(
      at,
      -1,
      `dist/${file} has a non-ASCII byte at ${at}: V8 would hold the whole source as two bytes a character`,
    );
    const text = new TextDecoder().decode(bytes);
    for (const match of text.matchAll(/^\/\/ ([\w/]+\.ts)$/gm)) {
      sources.push(match[1]!);
    }
  }
  assert(sources.includes("listen_fds.ts"), sources.join(", "));
  const unwanted = sources.filter((source) =>
    /^(_adopt\/node_(net|http)|_notify\/|_launcher\/|_parallel|_serve_)/
      .test(source)
  );
  assertEquals(unwanted, [], `dist/mod.js loads ${unwanted.join(", ")}`);
});

Deno.test("eagerFunctions() wraps top-level functions and keeps them hoisted", async () => {
  const source = [
    'import { join } from "node:path";',
    "const early = later(2);",
    "export { early, gen, joined, later, Lazy };",
    "function later(x) { return inner(x) * 10; function inner(y) { return y + 1; } }",
    "async function* gen() { yield early; }",
    'import { sep } from "node:path";',
    "var Lazy = class { method() { return later(0); } };",
    'const joined = join("a", "b") + sep;',
    "",
  ].join("\n");
  const out = eagerFunctions(source, "test.js");
  assertEquals(
    out.split("\n").slice(0, 3),
    [
      'import { join } from "node:path";',
      "var later = (function later(x) { return inner(x) * 10; function inner(y) { return y + 1; } });",
      "var gen = (async function* gen() { yield early; });",
    ],
  );
  const module = await import(
    `data:text/javascript;base64,${btoa(out)}`
  );
  assertEquals(module.early, 30);
  assertEquals(module.later.name, "later");
  assertEquals(new module.Lazy().method(), 10);
  assertEquals(module.joined, "a/b/");
  assertEquals(await module.gen().next(), { value: 30, done: false });
  assertEquals(
    eagerFunctions("export const a = 1;\n", "none.js"),
    "export const a = 1;\n",
  );
});

Deno.test("requireNoImportCycle() names a cycle among the built files and passes dist/", async () => {
  const files = new Map([
    ["a.js", 'import { b } from "./b.js";\n'],
    ["b.js", 'import {\n  c\n} from "./c.js";\n'],
    ["c.js", 'import "./a.js";\n'],
  ]);
  assertThrows(
    () => requireNoImportCycle(files),
    Error,
    "a.js -> b.js -> c.js -> a.js",
  );
  files.set("c.js", "export const c = 1;\n");
  requireNoImportCycle(files);
  const dist = new Map<string, string>();
  for (const file of await filesOf(DIST)) {
    dist.set(file, await Deno.readTextFile(join(DIST, file)));
  }
  requireNoImportCycle(dist);
});

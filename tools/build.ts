/**
 * Builds `dist/`, the JavaScript the package's exports point at, from the
 * TypeScript sources with esbuild (pinned in `deno.json`), in two steps:
 *
 * 1. the core, `mod.ts`'s static module graph (what every activated start
 *    loads), into one file, `dist/_core.js`;
 * 2. every entry, and each module the core loads on demand (the `node:`
 *    adapters, the drain's connection counting) as `core-<name>.js`, with
 *    each import of a core module made an import of `./_core.js`, and the
 *    other modules they share split into chunks.
 *
 * So a process has one instance of each module whichever entries it imports
 * (one `ListenFdsError` class, one libc binding, one `fromEnv()` state), and
 * an activated start loads two files: each module costs a start ~0.2 ms on
 * top of its size.
 *
 * Why: Deno loads a JavaScript module faster than a TypeScript one (a TS
 * module is emitted with an inline source map of its whole source), and
 * `mod.ts` is on every activated service's start (docs/performance.md,
 * "JavaScript on the import path").
 *
 * The entries are the `exports` of `deno.json` (`./dist/<name>.js` built from
 * `<name>.ts`) and `_serve_worker.ts` (the worker `serveParallel()` starts).
 * Every file's top-level functions are compiled when it loads, so that they
 * are in Deno's code cache (see {@linkcode eagerFunctions}).
 * Each public entry starts with `// @ts-self-types="../<name>.ts"`: its types
 * (and its documentation) are those of the TypeScript source. `@std` and
 * `node:` modules stay imports. The output is not minified, and the same
 * sources give the same bytes (`tests/dist_test.ts` checks that `dist/` is a
 * fresh build).
 *
 * ```sh
 * tools/deno task build                          # regenerates dist/
 * tools/deno run -A tools/build.ts --outdir DIR  # builds into DIR instead
 * ```
 *
 * @module
 */

import { parseArgs } from "@std/cli/parse-args";
import {
  basename,
  dirname,
  fromFileUrl,
  join,
  relative,
  resolve,
} from "@std/path";
import * as acorn from "acorn";
import * as esbuild from "esbuild";

/** The Deno that builds `dist/` (what `tools/deno` runs). */
export const BUILD_DENO_VERSION = "2.9.6";

/** The file the core is built into (see the module documentation). */
const CORE = "_core.js";

/** The checkout's root directory. */
export const ROOT: string = fromFileUrl(new URL("..", import.meta.url));

/** Entries built besides the exports: loaded by URL, not imported. */
const INTERNAL_ENTRIES = ["_serve_worker"];

/** The first line of every built file after the `@ts-self-types` line. */
export const GENERATED_NOTE =
  "// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.";

/** What {@linkcode build} needs. */
export interface BuildOptions {
  /** The directory to replace with the build (default: `dist/` of the checkout). */
  outdir?: string;
}

/**
 * The public entries: the names `deno.json` exports as `./dist/<name>.js`.
 *
 * @returns The names, without extension, in the order of `exports`.
 */
export async function publicEntries(): Promise<string[]> {
  const config = JSON.parse(
    await Deno.readTextFile(join(ROOT, "deno.json")),
  ) as { exports?: Record<string, string> };
  const names = [];
  for (const [key, target] of Object.entries(config.exports ?? {})) {
    const match = /^\.\/dist\/([a-z_]+)\.js$/.exec(target);
    if (!match) {
      throw new Error(
        `deno.json: exports["${key}"] is "${target}", expected "./dist/<name>.js" (built from <name>.ts)`,
      );
    }
    names.push(match[1]!);
  }
  if (names.length === 0) throw new Error("deno.json has no exports to build");
  return names;
}

/**
 * Builds the entries into `outdir`: bundles into a temporary directory next
 * to it, post-processes the files, then replaces `outdir` with it (no stale
 * chunk survives a rebuild).
 *
 * @param options Where to build.
 * @returns The paths of the files written, relative to `outdir`, sorted.
 */
export async function build(options: BuildOptions = {}): Promise<string[]> {
  const outdir = resolve(options.outdir ?? join(ROOT, "dist"));
  if (Deno.version.deno !== BUILD_DENO_VERSION) {
    throw new Error(
      `tools/build.ts needs Deno ${BUILD_DENO_VERSION} (another Deno may resolve other bytes); this is Deno ${Deno.version.deno}: run tools/deno task build`,
    );
  }
  const entries = await publicEntries();
  await Deno.mkdir(dirname(outdir), { recursive: true });
  const temp = await Deno.makeTempDir({
    dir: dirname(outdir),
    prefix: `.${basename(outdir)}-`,
  });
  try {
    await bundle(temp, [...entries, ...INTERNAL_ENTRIES]);
    const files = await postProcess(temp, entries);
    await Deno.remove(outdir, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    await Deno.rename(temp, outdir);
    return files;
  } catch (error) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** What both steps share: ESM for Deno, readable, packages left as imports. */
const COMMON: esbuild.BuildOptions = {
  absWorkingDir: ROOT, // the "// <source>.ts" comments are relative to it
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "esnext",
  external: ["node:*", "@std/*"],
  logLevel: "silent",
  write: true,
  metafile: true,
};

/**
 * Builds the core, then the entries with their imports of core modules made
 * imports of {@linkcode CORE}, into `outdir`.
 *
 * @param outdir An empty directory.
 * @param names The entries, without `.ts`.
 */
async function bundle(outdir: string, names: string[]): Promise<void> {
  try {
    const { core, lazy } = await coreModules();
    const entries = await esbuild.build({
      ...COMMON,
      entryPoints: [
        ...names.map((name) => ({ in: `${name}.ts`, out: name })),
        ...[...lazy].map(([path, out]) => ({ in: path, out })),
      ],
      outdir,
      plugins: [{
        name: "core-as-one-file",
        setup(build): void {
          build.onResolve({ filter: /\.ts$/ }, (args) => {
            const path = resolve(args.resolveDir, args.path);
            if (args.kind === "entry-point" || !core.has(path)) return null;
            return { path: `./${CORE}`, external: true };
          });
        },
      }],
    });
    const coreBuild = await esbuild.build({
      ...COMMON,
      stdin: {
        contents: [...core].sort().map((path) =>
          `export * from ${JSON.stringify(`./${relative(ROOT, path)}`)};`
        ).join("\n"),
        resolveDir: ROOT,
        sourcefile: CORE.replace(/\.js$/, ".ts"),
        loader: "ts",
      },
      outdir,
      entryNames: CORE.replace(/\.js$/, ""),
      plugins: [{
        name: "lazy-modules-apart",
        setup(build): void {
          build.onResolve({ filter: /\.ts$/ }, (args) => {
            if (args.kind !== "dynamic-import") return null;
            const out = lazy.get(resolve(args.resolveDir, args.path));
            return out ? { path: `./${out}.js`, external: true } : null;
          });
        },
      }],
    });
    const coreFiles = Object.keys(coreBuild.metafile!.outputs);
    if (coreFiles.length !== 1) {
      throw new Error(
        `the core was built into ${coreFiles.length} files (${
          coreFiles.join(", ")
        }), expected ${CORE} alone`,
      );
    }
    const exported = new Set(
      Object.entries(coreBuild.metafile!.outputs)
        .find(([file]) => file.endsWith(`/${CORE}`))?.[1].exports,
    );
    for (const name of await namesImportedFrom(entries, CORE)) {
      if (!exported.has(name)) {
        throw new Error(
          `${CORE} does not export "${name}": two core modules export that name, or none does`,
        );
      }
    }
  } finally {
    await esbuild.stop();
  }
}

/**
 * `mod.ts`'s static module graph, and the modules it loads on demand (with
 * the names of the files they are built into: `core-<name>.js`, imported by
 * the core, importing it).
 *
 * @returns Absolute paths.
 */
async function coreModules(): Promise<
  { core: Set<string>; lazy: Map<string, string> }
> {
  const { metafile } = await esbuild.build({
    ...COMMON,
    entryPoints: ["mod.ts"],
    write: false,
    outdir: "unused",
  });
  const inputs = metafile!.inputs;
  const core = new Set<string>();
  const loaded = new Set<string>();
  const pending = ["mod.ts"];
  while (pending.length > 0) {
    const input = pending.pop()!;
    const path = resolve(ROOT, input);
    if (core.has(path)) continue;
    core.add(path);
    for (const edge of inputs[input]?.imports ?? []) {
      if (edge.external) continue;
      if (edge.kind === "import-statement") pending.push(edge.path);
      if (edge.kind === "dynamic-import") loaded.add(resolve(ROOT, edge.path));
    }
  }
  const lazy = new Map<string, string>();
  for (const path of [...loaded].filter((path) => !core.has(path)).sort()) {
    const out = `core-${basename(path, ".ts")}`;
    if ([...lazy.values()].includes(out)) {
      throw new Error(
        `two modules the core loads on demand build into ${out}.js`,
      );
    }
    lazy.set(path, out);
  }
  return { core, lazy };
}

/** The names the files of a build import from `./<file>`. */
async function namesImportedFrom(
  result: esbuild.BuildResult,
  file: string,
): Promise<Set<string>> {
  const names = new Set<string>();
  const statement = new RegExp(
    `(?:import|export)\\s*\\{([^}]*)\\}\\s*from\\s*"\\./${
      file.replaceAll(".", "\\.")
    }"`,
    "g",
  );
  for (const output of Object.keys(result.metafile!.outputs)) {
    const text = await Deno.readTextFile(resolve(ROOT, output));
    for (const [, list] of text.matchAll(statement)) {
      for (const item of list!.split(",")) {
        const name = item.trim().split(/\s+as\s+/)[0];
        if (name) names.add(name);
      }
    }
  }
  return names;
}

/**
 * Removes the empty chunks and the imports of them (esbuild gives a module
 * shared by entries that has no code of its own, such as `mod.ts`, which
 * `serve.ts` imports, an empty chunk: a module load for nothing), and adds
 * the header lines.
 */
async function postProcess(dir: string, entries: string[]): Promise<string[]> {
  const texts = new Map<string, string>();
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".js")) {
      throw new Error(`esbuild wrote ${entry.name}, not a .js file`);
    }
    texts.set(entry.name, await Deno.readTextFile(join(dir, entry.name)));
  }
  for (const name of entries) {
    if (!texts.has(`${name}.js`)) {
      throw new Error(`esbuild wrote no ${name}.js for ${name}.ts`);
    }
  }
  for (let removed = true; removed;) {
    removed = false;
    for (const [name, text] of texts) {
      if (text.trim() !== "") continue;
      texts.delete(name);
      await Deno.remove(join(dir, name));
      const line = `import "./${name}";\n`;
      for (const [other, otherText] of texts) {
        texts.set(other, otherText.replaceAll(line, ""));
      }
      removed = true;
    }
  }
  for (const [name, text] of texts) {
    const remote = /^\/\/ (?:deno|jsr|npm):\S*/m.exec(text);
    if (remote) {
      throw new Error(
        `${name} contains a bundled package module (${
          remote[0]
        }): packages must stay imports`,
      );
    }
    const entry = name.slice(0, -".js".length);
    const types = entries.includes(entry)
      ? `// @ts-self-types="../${entry}.ts"\n`
      : "";
    await Deno.writeTextFile(
      join(dir, name),
      `${types}${GENERATED_NOTE}\n${eagerFunctions(text, name)}`,
    );
  }
  requireNoImportCycle(texts);
  return [...texts.keys()].sort();
}

/**
 * Fails when the built files import one another in a cycle: in a cycle a
 * module's code could run before the functions of a module it imports are
 * defined, which {@linkcode eagerFunctions} relies on never happening.
 *
 * @param texts The built files by name.
 */
export function requireNoImportCycle(texts: Map<string, string>): void {
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (path.includes(name)) {
      throw new Error(
        `the built files import in a cycle: ${[...path, name].join(" -> ")}`,
      );
    }
    if (done.has(name)) return;
    for (const next of localImports(texts.get(name) ?? "")) {
      visit(next, [...path, name]);
    }
    done.add(name);
  };
  for (const name of texts.keys()) visit(name, []);
}

/**
 * The files a built module statically imports from its own directory
 * (`import … from "./x.js"`, `import "./x.js"`, `export … from "./x.js"`).
 *
 * @param text The module.
 * @returns The imported file names, in the order of the statements.
 */
export function localImports(text: string): string[] {
  const program = acorn.parse(text, {
    ecmaVersion: "latest",
    sourceType: "module",
  });
  const files: string[] = [];
  for (const node of program.body) {
    if (
      node.type === "ImportDeclaration" ||
      node.type === "ExportAllDeclaration" ||
      (node.type === "ExportNamedDeclaration" && node.source)
    ) {
      const source = String(node.source!.value);
      if (source.startsWith("./")) files.push(source.slice(2));
    }
  }
  return files;
}

/**
 * Makes a module's top-level functions compiled when the module is: each
 * `function f() {}` becomes `var f = (function f() {});`, moved above the
 * module's first statement that is not an import (imports are bound before
 * any statement runs, wherever they are).
 *
 * Why: V8 compiles a function on its first call, unless it is a function
 * expression in parentheses (its "possibly invoked function expression"
 * heuristic). Deno caches a module's compiled code when it first loads it,
 * before its functions run, so a lazily compiled function is compiled again
 * by every process, while an eagerly compiled one comes from the cache.
 * For an activated `serve()` that is ~2 ms less per start, of which
 * loading the larger cache takes back ~0.6 (docs/performance.md section 9).
 *
 * The move keeps the meaning of hoisting: every function is defined before
 * any other statement of its module runs. (Between modules nothing changes:
 * `dist/`'s static imports have no cycle, so no module's code runs before
 * the functions of a module it imports are defined.)
 *
 * @param text A module as esbuild wrote it.
 * @param name Its file name, for errors.
 * @returns The module with its top-level functions moved and wrapped.
 */
export function eagerFunctions(text: string, name: string): string {
  const parse = (source: string): acorn.Program =>
    acorn.parse(source, { ecmaVersion: "latest", sourceType: "module" });
  const program = parse(text);
  const functions = program.body.filter((node) =>
    node.type === "FunctionDeclaration"
  );
  if (functions.length === 0) return text;
  const firstStatement = program.body.find((node) =>
    node.type !== "ImportDeclaration"
  )!;
  let out = "";
  let at = 0;
  for (const node of program.body) {
    if (node === firstStatement) {
      out += text.slice(at, node.start);
      for (const fn of functions) {
        out += `var ${fn.id.name} = (${text.slice(fn.start, fn.end)});\n`;
      }
      at = node.start;
    }
    if (node.type === "FunctionDeclaration") {
      out += text.slice(at, node.start);
      // The declaration's line goes with it.
      at = text[node.end] === "\n" ? node.end + 1 : node.end;
    }
  }
  out += text.slice(at);
  const exportsOf = (source: string): string[] =>
    parse(source).body.flatMap((node) =>
      node.type === "ExportNamedDeclaration"
        ? node.specifiers.map((specifier) =>
          source.slice(specifier.start, specifier.end)
        )
        : []
    ).sort();
  if (exportsOf(out).join() !== exportsOf(text).join()) {
    throw new Error(`${name}: moving its functions changed its exports`);
  }
  return out;
}

if (import.meta.main) {
  const args = parseArgs(Deno.args, {
    string: ["outdir"],
    boolean: ["help"],
    alias: { h: "help" },
    unknown: (arg) => {
      console.error(`tools/build.ts: unknown argument ${arg}`);
      console.error("usage: tools/deno run -A tools/build.ts [--outdir DIR]");
      Deno.exit(2);
    },
  });
  if (args.help) {
    console.log("usage: tools/deno run -A tools/build.ts [--outdir DIR]");
    console.log("Builds dist/ (or DIR) from the TypeScript sources.");
    Deno.exit(0);
  }
  try {
    const outdir = args.outdir ?? join(ROOT, "dist");
    const files = await build({ outdir });
    console.log(`${outdir}: ${files.length} files`);
  } catch (error) {
    console.error(
      `tools/build.ts: ${error instanceof Error ? error.message : error}`,
    );
    Deno.exit(1);
  }
}

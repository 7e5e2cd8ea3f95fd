/**
 * Builds `dist/`, the JavaScript the package's exports point at, from the
 * TypeScript sources with the pinned Deno's `deno bundle` (esbuild), one
 * output per entry and the modules entries share split into chunks, so a
 * process has one instance of each module whichever entries it imports (one
 * `ListenFdsError` class, one libc binding, one `fromEnv()` state).
 *
 * Why: Deno loads a JavaScript module faster than a TypeScript one (a TS
 * module is emitted with an inline source map of its whole source), and
 * `mod.ts` is on every activated service's start (docs/performance.md,
 * "JavaScript on the import path").
 *
 * The entries are the `exports` of `deno.json` (`./dist/<name>.js` built from
 * `<name>.ts`) and `_serve_worker.ts` (the worker `serveParallel()` starts).
 * Each public entry starts with `// @ts-self-types="../<name>.ts"`: its types
 * (and its documentation) are those of the TypeScript source. `@std` and
 * `npm:` packages stay imports. The output is not minified, and the same
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
import { basename, dirname, fromFileUrl, join, resolve } from "@std/path";

/** The Deno whose `deno bundle` builds `dist/` (what `tools/deno` runs). */
export const BUILD_DENO_VERSION = "2.9.6";

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
      `tools/build.ts needs Deno ${BUILD_DENO_VERSION} (another deno bundle emits other bytes); this is Deno ${Deno.version.deno}: run tools/deno task build`,
    );
  }
  const entries = await publicEntries();
  await Deno.mkdir(dirname(outdir), { recursive: true });
  const temp = await Deno.makeTempDir({
    dir: dirname(outdir),
    prefix: `.${basename(outdir)}-`,
  });
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--code-splitting",
        "--platform",
        "deno",
        "--packages",
        "external",
        "--external",
        "@std/*",
        "--outdir",
        temp,
        ...[...entries, ...INTERNAL_ENTRIES].map((name) => `${name}.ts`),
      ],
      cwd: ROOT, // the "// <source>.ts" comments are relative to it
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    if (code !== 0) {
      const decoder = new TextDecoder();
      throw new Error(
        `deno bundle exited with ${code}:\n${decoder.decode(stdout)}${
          decoder.decode(stderr)
        }`,
      );
    }
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
      throw new Error(`deno bundle wrote ${entry.name}, not a .js file`);
    }
    texts.set(entry.name, await Deno.readTextFile(join(dir, entry.name)));
  }
  for (const name of entries) {
    if (!texts.has(`${name}.js`)) {
      throw new Error(`deno bundle wrote no ${name}.js for ${name}.ts`);
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
      `${types}${GENERATED_NOTE}\n${text}`,
    );
  }
  return [...texts.keys()].sort();
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

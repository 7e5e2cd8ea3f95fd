/**
 * Costs of the pieces of an activated start, each in fresh processes,
 * alternated, medians (no activation needed):
 * - `await import()` of each module of the repository (inclusive of what it
 *   imports) against an empty module, and `node:http` for scale;
 * - binding libc: one `Deno.dlopen` per function (as `ffi.ts` binds lazily)
 *   vs one call with the same 11 functions vs one call with 64;
 * - the first three `fcntl(F_GETFD)` scans of 256 and of 8192 fd slots, and
 *   listing the open fds with `getdents64` of `/proc/self/fd` instead.
 *
 * Usage: `deno task bench:startup-costs [--runs 9] [--modules a.ts,b.ts]
 * [--deno /path/to/deno]`. Modules that do not exist are skipped; a path is
 * relative to the repository root unless absolute.
 *
 * @module
 */

import { fromFileUrl } from "@std/path";
import { denoVersion, median, parseArgs, spread } from "./activation/client.ts";

const args = parseArgs(Deno.args);
const RUNS = Number(args.runs ?? 9);
const DENO = args.deno ?? Deno.execPath();
const ROOT = fromFileUrl(new URL("../", import.meta.url));
const probe = (name: string): string =>
  fromFileUrl(new URL(`./activation/${name}`, import.meta.url));
const MODULES = (args.modules ??
  [
    "bench/activation/empty.ts",
    "errors.ts",
    "env.ts",
    "ffi.ts",
    "sockaddr.ts",
    "fd_info.ts",
    "adopt/epoll.ts",
    "adopt/serve.ts",
    "adopt/listener.ts",
    "adopt/conn.ts",
    "adopt/node.ts",
    "notify.ts",
    "watchdog.ts",
    "fd_store.ts",
    "shutdown.ts",
    "mod.ts",
    "dist/mod.js",
    "node:http",
  ].join(",")).split(",").filter((m) => {
    if (m.startsWith("node:")) return true;
    try {
      Deno.statSync(m.startsWith("/") ? m : `${ROOT}${m}`);
      return true;
    } catch {
      console.error(`skipped ${m}: no such file`);
      return false;
    }
  });

async function runJson(script: string, argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(DENO, {
    args: ["run", "-A", probe(script), ...argv],
    cwd: ROOT,
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(stdout).trim();
  if (code !== 0) {
    throw new Error(
      `${script} ${argv.join(" ")}: ${new TextDecoder().decode(stderr)}`,
    );
  }
  return text;
}

console.log(`${await denoVersion(DENO)}; ${RUNS} fresh processes per row`);
const imports: Record<string, number[]> = {};
const ffi: Record<string, {
  first: number;
  bind: number;
  scans: number[];
  dentsBind: number;
  dents: number[];
}[]> = {};
const FFI_CASES = [
  ["per-symbol", "256"],
  ["one-call", "256"],
  ["wide", "256"],
  ["one-call", "8192"],
];
for (const m of MODULES) await runJson("import_probe.ts", [m]); // warm
for (let round = 0; round < RUNS; round++) {
  const order = round % 2 ? [...MODULES].reverse() : MODULES;
  for (const m of order) {
    (imports[m] ??= []).push(Number(await runJson("import_probe.ts", [m])));
  }
  for (const [mode, slots] of FFI_CASES) {
    const result = JSON.parse(
      await runJson("ffi_probe.ts", [mode!, slots!]),
    ) as {
      first: number;
      bind: number;
      scans: number[];
      dentsBind: number;
      dents: number[];
    };
    (ffi[`${mode} ${slots}`] ??= []).push(result);
  }
  console.error(`round ${round + 1} done`);
}

const base = median(imports[MODULES[0]!]!);
console.log(
  "\n| `await import()` | ms: median [IQR] (min, max) | over empty |",
);
console.log("|---|---|---|");
for (const m of MODULES) {
  console.log(
    `| ${m} | ${spread(imports[m]!, 2)} | ${
      (median(imports[m]!) - base).toFixed(2)
    } |`,
  );
}
console.log(
  "\n| libc binding, fd slots | first dlopen (1 function) ms | then bind ms | scan 1 ms | scan 2 ms | scan 3 ms |",
);
console.log("|---|---|---|---|---|---|");
for (const [mode, slots] of FFI_CASES) {
  const list = ffi[`${mode} ${slots}`]!;
  console.log(
    `| ${mode}, ${slots} | ${spread(list.map((r) => r.first), 2)} | ${
      spread(list.map((r) => r.bind), 2)
    } | ${
      [0, 1, 2].map((i) => spread(list.map((r) => r.scans[i]!), 2)).join(" | ")
    } |`,
  );
}
console.log(
  "\n| listing the open fds with getdents64 of /proc/self/fd, fd slots | bind (open, close, syscall) ms | list 1 ms | list 2 ms | list 3 ms |",
);
console.log("|---|---|---|---|---|");
for (const [mode, slots] of FFI_CASES.filter(([m]) => m === "one-call")) {
  const list = ffi[`${mode} ${slots}`]!;
  console.log(
    `| ${slots} | ${spread(list.map((r) => r.dentsBind), 2)} | ${
      [0, 1, 2].map((i) => spread(list.map((r) => r.dents[i]!), 2)).join(" | ")
    } |`,
  );
}

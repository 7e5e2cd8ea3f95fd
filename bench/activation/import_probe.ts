/**
 * For `bench/startup_costs_bench.ts`: in a fresh process, times
 * `await import(<specifier>)` and prints the milliseconds. A path is taken
 * relative to the repository root unless it is absolute.
 *
 * @module
 */

const [specifier = "./bench/activation/empty.ts"] = Deno.args;
const url = specifier.startsWith("node:")
  ? specifier
  : specifier.startsWith("/")
  ? `file://${specifier}`
  : new URL(`../../${specifier.replace(/^\.\//, "")}`, import.meta.url).href;
const start = performance.now();
await import(url);
console.log(performance.now() - start);

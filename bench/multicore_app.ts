/**
 * The handler module of bench/multicore_bench.ts: a `deno serve` module
 * that answers with the name of the thread serving it (`main`, or the
 * worker's name), so a wrk script can count the split.
 *
 * @module
 */

const body = (globalThis as { name?: string }).name || "main";

export default {
  fetch(): Response {
    return new Response(body);
  },
};

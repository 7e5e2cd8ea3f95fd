/**
 * The handler module of bench/multicore_bench.ts: a `deno serve` module
 * that answers with an id of the thread serving it (random, made when the
 * thread imports the module: `deno serve --parallel` names no worker), so a
 * wrk script can count the split.
 *
 * @module
 */

const body = crypto.randomUUID().slice(0, 8);

export default {
  fetch(): Response {
    return new Response(body);
  },
};

/**
 * Baseline: a plain `Deno.serve` on its own port (`plain_serve.ts <port>`).
 *
 * @module
 */

Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.args[0]), onListen(): void {} },
  (): Response => new Response("ok\n"),
);

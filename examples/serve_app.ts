/**
 * A `deno serve` module: nothing in it knows about systemd or this package.
 * `examples/systemd/multicore.service` serves it on every core of a
 * socket-activated service with the `./serve` entry; the same file runs with
 * `deno serve --parallel examples/serve_app.ts`.
 *
 * @module
 */

let requests = 0;

export default {
  fetch(request: Request): Response {
    requests++;
    return Response.json({
      path: new URL(request.url).pathname,
      pid: Deno.pid,
      // Each worker counts its own requests.
      worker: (globalThis as { name?: string }).name ?? "main",
      requests,
    });
  },
};

/**
 * The servers that `bench/handoff_bench.ts` measures. Usage:
 * `handoff_server.ts <kind> [port]`, kinds:
 * - `native-serve <port>`: `Deno.serve` on its own port (the baseline);
 * - `serve-adopt`, `serve-node`: `ListenFds.serve()` on activated fd 3;
 * - `native-raw <port>`: `Deno.listen` on its own port, answering every read
 *   on a connection with a fixed HTTP response (raw `Deno.Conn` I/O);
 * - `raw-adopt`, `raw-node`: the same on `ListenFds.takeListener()`.
 *
 * @module
 */

import { ListenFds } from "@listen-fds/listen-fds";

const [kind = "native-serve", portText = "0"] = Deno.args;
const port = Number(portText);
const body = "ok\n";
const handler = (): Response => new Response(body);
const reply = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nok\n",
);

async function answer(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(16384);
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      // wrk pipelines nothing by default: one read is one request.
      await conn.write(reply);
    }
  } catch {
    // client went away
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

async function rawLoop(listener: Deno.Listener): Promise<void> {
  for await (const conn of listener) void answer(conn);
}

switch (kind) {
  case "native-serve":
    Deno.serve({ hostname: "127.0.0.1", port, onListen(): void {} }, handler);
    break;
  case "serve-adopt":
  case "serve-node":
    ListenFds.fromEnv().serve({
      index: 0,
      via: kind === "serve-adopt" ? "adopt" : "node",
      onListen(): void {},
      handler,
    });
    break;
  case "native-raw":
    await rawLoop(Deno.listen({ hostname: "127.0.0.1", port }));
    break;
  case "raw-adopt":
  case "raw-node":
    await rawLoop(
      ListenFds.fromEnv().takeListener(0, {
        via: kind === "raw-adopt" ? "adopt" : "node",
      }),
    );
    break;
  default:
    throw new Error(`Unknown kind "${kind}"`);
}

/**
 * For `bench/handoff_scaling_bench.ts`: takes every passed listener with
 * `takeListener()`, timing `fromEnv()` and each hand-off (performance.now()
 * around each public call), then answers every connection on the first
 * listener with the timings as JSON.
 *
 * @module
 */

import { ListenFds } from "@listen-fds/listen-fds";

const status = Deno.readTextFileSync("/proc/self/status");
const fdSize = Number(/^FDSize:\s*(\d+)/m.exec(status)?.[1]);
const t0 = performance.now();
const fds = ListenFds.fromEnv();
const fromEnv = performance.now() - t0;
const listeners: Deno.Listener[] = [];
const handoffs: number[] = [];
for (let i = 0; i < fds.length; i++) {
  const start = performance.now();
  listeners.push(fds.takeListener(i));
  handoffs.push(performance.now() - start);
}
const body = new TextEncoder().encode(
  JSON.stringify({ fdSize, count: fds.length, fromEnv, handoffs }),
);
const head = new TextEncoder().encode(
  `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
);
for await (const conn of listeners[0]!) {
  try {
    await conn.read(new Uint8Array(16384));
    await conn.write(head);
    await conn.write(body);
  } finally {
    conn.close();
  }
}

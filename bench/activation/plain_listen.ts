/**
 * Baseline for the listener variant: `Deno.listen` on its own port, raw
 * reply (`plain_listen.ts <port>`).
 *
 * @module
 */

import { answerAll } from "./raw_reply.ts";

await answerAll(
  Deno.listen({ hostname: "127.0.0.1", port: Number(Deno.args[0]) }),
);

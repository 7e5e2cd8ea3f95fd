/**
 * The raw-TCP answer of the listener benchmarks: every read of a connection
 * gets one fixed HTTP response.
 *
 * @module
 */

const REPLY = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nok\n",
);

/** Answers each connection of `listener` with one response, then closes it. */
export async function answerAll(listener: Deno.Listener): Promise<void> {
  for await (const conn of listener) {
    void (async (): Promise<void> => {
      try {
        const buffer = new Uint8Array(16384);
        if ((await conn.read(buffer)) !== null) await conn.write(REPLY);
      } catch {
        // the client went away
      } finally {
        conn.close();
      }
    })();
  }
}

/**
 * Helpers for the hand-off end-to-end tests: start
 * `tests/fixtures/services/adopt_service.ts` under `systemd-socket-activate` and read
 * the JSON events it reports on stderr.
 *
 * @module
 */

import { join } from "@std/path";
import { DENO, requirePeer, ROOT, SOCKET_ACTIVATE_252 } from "./helpers.ts";

/** The Deno 2.0.6 binary, for the oldest-supported-version tests. */
export const DENO_2_0_6: string = join(
  ROOT,
  ".tools",
  "deno-2.0.6",
  "node_modules",
  "@deno",
  "linux-x64-glibc",
  "deno",
);

/** The service the tests activate. */
export const SERVICE: string = join(
  ROOT,
  "tests",
  "fixtures",
  "services",
  "adopt_service.ts",
);

/** A started activation and the events its service reported. */
export interface Activation {
  /** Every JSON event reported so far. */
  events: Record<string, unknown>[];
  /** Waits for an event. */
  event(name: string, timeout?: number): Promise<Record<string, unknown>>;
  /** Waits for the launcher to exit (or kills it after `timeout`). */
  exit(timeout?: number): Promise<Deno.CommandStatus>;
  /** All stderr text. */
  stderr(): string;
}

/**
 * Starts `systemd-socket-activate <launcherArgs> -- deno run … service args`
 * and waits until it listens on every `-l` address.
 *
 * @param launcherArgs `-l` options etc.
 * @param serviceArgs The service's mode and options.
 * @param options The Deno binary and its flags.
 * @returns The activation.
 */
export async function activate(
  launcherArgs: string[],
  serviceArgs: string[],
  options: { deno?: string; flags?: string[] } = {},
): Promise<Activation> {
  requirePeer(SOCKET_ACTIVATE_252);
  const deno = requirePeer(options.deno ?? DENO);
  const child = new Deno.Command(SOCKET_ACTIVATE_252, {
    args: [
      ...launcherArgs,
      "-E",
      "DENO_DIR",
      "-E",
      "DENO_TLS_CA_STORE",
      "-E",
      "NO_COLOR=1",
      "--",
      deno,
      "run",
      "--quiet",
      "--no-lock",
      ...(options.flags ?? ["-A"]),
      SERVICE,
      ...serviceArgs,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: {
      DENO_DIR: Deno.env.get("DENO_DIR") ??
        `${Deno.env.get("HOME")}/.cache/deno`,
    },
  }).spawn();
  let text = "";
  const events: Record<string, unknown>[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      const lines = text.split("\n");
      events.length = 0;
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        try {
          events.push(JSON.parse(line));
        } catch {
          // partial line
        }
      }
    }
  })();
  const drainStdout = child.stdout.cancel();
  const sockets = launcherArgs.filter((arg) => arg === "-l").length;
  const deadline = Date.now() + 10_000;
  while ((text.match(/^Listening on /gm) ?? []).length < sockets) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The launcher did not start listening:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    events,
    stderr: (): string => text,
    async event(name, timeout = 10_000): Promise<Record<string, unknown>> {
      const deadline = Date.now() + timeout;
      while (Date.now() < deadline) {
        const found = events.find((e) => e.event === name);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(
        `No "${name}" event within ${timeout} ms; stderr:\n${text}`,
      );
    },
    async exit(timeout = 10_000): Promise<Deno.CommandStatus> {
      const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
      const status = await child.status;
      clearTimeout(timer);
      await reading;
      await drainStdout;
      return status;
    },
  };
}

/**
 * Waits until a TCP port or Unix path accepts connections.
 *
 * @param address Where.
 */
export async function waitListening(
  address: Deno.ConnectOptions | Deno.UnixConnectOptions,
): Promise<void> {
  const deadline = Date.now() + 5000;
  while (true) {
    try {
      const conn = await Deno.connect(
        address as Deno.ConnectOptions & Deno.UnixConnectOptions,
      );
      conn.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * Sends one line over a stream connection and reads the reply to EOF.
 *
 * @param address Where.
 * @param line The line.
 * @returns The reply.
 */
export async function exchange(
  address: Deno.ConnectOptions | Deno.UnixConnectOptions,
  line: string,
): Promise<string> {
  const conn = await Deno.connect(
    address as Deno.ConnectOptions & Deno.UnixConnectOptions,
  );
  await conn.write(new TextEncoder().encode(`${line}\n`));
  return await new Response(conn.readable).text();
}

/**
 * Sends a fixed number of HTTP requests with bounded concurrency: each of
 * `clients` loops sends `requestsPerClient` requests one after another
 * (`fetch` on a client of its own, so connections are kept alive and reused,
 * and all closed by the client at the end, as wrk does), and every response
 * is checked. A load test asserts on what came back, never on how fast.
 *
 * @param url The URL.
 * @param options How many clients and requests each.
 * @param check Throws when a response is not the right answer.
 * @returns How many requests were answered right, and every error.
 */
export async function httpLoad(
  url: string,
  options: { clients: number; requestsPerClient: number },
  check: (status: number, body: string) => void,
): Promise<{ answered: number; errors: string[] }> {
  let answered = 0;
  const errors: string[] = [];
  using client = Deno.createHttpClient({});
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      for (let i = 0; i < options.requestsPerClient; i++) {
        try {
          const response = await fetch(url, { client });
          check(response.status, await response.text());
          answered++;
        } catch (error) {
          errors.push(String(error));
        }
      }
    }),
  );
  return { answered, errors };
}

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
 * Runs wrk against a URL and returns its request and error counts.
 *
 * @param url The URL.
 * @param options Connections, threads, duration.
 * @returns Requests completed and errors of every kind.
 */
export async function wrk(
  url: string,
  options: { connections: number; duration: string; threads?: number },
): Promise<{ requests: number; errors: number; output: string }> {
  const wrkPath = requirePeer("/usr/bin/wrk");
  const output = await new Deno.Command(wrkPath, {
    args: [
      `-t${options.threads ?? 2}`,
      `-c${options.connections}`,
      `-d${options.duration}`,
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) +
    new TextDecoder().decode(output.stderr);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const socketErrors =
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
      .exec(text);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const errors = non2xx +
    (socketErrors
      ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0)
      : 0);
  return { requests, errors, output: text };
}

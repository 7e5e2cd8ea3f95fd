/**
 * Helpers for the launcher tests: run `launch.ts` as a process and follow
 * its output line by line.
 *
 * @module
 */

import { join } from "@std/path";
import { DENO, ROOT, waitFor } from "../_helpers.ts";

/** `launch.ts` in this checkout. */
export const LAUNCH: string = join(ROOT, "launch.ts");

/** A running launcher. */
export interface LauncherProcess {
  /** The launcher's process. */
  process: Deno.ChildProcess;
  /** Every stdout line so far (the children's output). */
  stdout: string[];
  /** Every stderr line so far (the launcher's messages). */
  stderr: string[];
  /** Waits for a stdout or stderr line matching `pattern`. */
  line(
    stream: "stdout" | "stderr",
    pattern: RegExp,
    timeout?: number,
  ): Promise<RegExpExecArray>;
  /** Waits for the exit (after the output was read to the end). */
  status(): Promise<Deno.CommandStatus>;
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    const parts = rest.split("\n");
    rest = parts.pop()!;
    lines.push(...parts);
  }
  if (rest) lines.push(rest);
}

/**
 * Starts `deno run -A launch.ts …args`.
 *
 * @param args The launcher's arguments.
 * @param env Extra environment for the launcher.
 * @returns The running launcher.
 */
export function startLauncher(
  args: string[],
  env: Record<string, string> = {},
): LauncherProcess {
  const process = new Deno.Command(DENO, {
    args: ["run", "-A", "--no-lock", LAUNCH, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const done = Promise.all([
    collect(process.stdout, stdout),
    collect(process.stderr, stderr),
  ]);
  return {
    process,
    stdout,
    stderr,
    line(stream, pattern, timeout = 30_000): Promise<RegExpExecArray> {
      const lines = stream === "stdout" ? stdout : stderr;
      return waitFor(() => {
        for (const line of lines) {
          const match = pattern.exec(line);
          if (match) return match;
        }
        return undefined;
      }, {
        timeout,
        what: `${stream} line ${pattern} (stderr: ${stderr.join(" | ")})`,
      });
    },
    async status(): Promise<Deno.CommandStatus> {
      const status = await process.status;
      await done;
      return status;
    },
  };
}

/**
 * The port the launcher reported for the socket the child gets as `fd`.
 *
 * @param launcher The launcher.
 * @param fd The child's fd number of the socket.
 * @returns The port.
 */
export async function reportedPort(
  launcher: LauncherProcess,
  fd: number,
): Promise<number> {
  const match = await launcher.line(
    "stderr",
    new RegExp(`^launch: .*:(\\d+)/? -> fd ${fd}\\b`),
  );
  return Number(match[1]);
}

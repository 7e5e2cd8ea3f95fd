/**
 * A small wrapper around `sd-harness` (a real, isolated systemd 252) for
 * end-to-end tests: boot it with unit files, run `systemctl` and commands
 * inside, read what services wrote, and always tear it down.
 *
 * The Deno binary running the tests is bound read-only at
 * {@linkcode DENO_IN_HARNESS} and this repository at
 * {@linkcode SRC_IN_HARNESS}, so units work on a fresh CI machine where
 * `/usr/local/bin/deno` does not exist; {@linkcode denoService} writes such a
 * unit.
 *
 * ```ts ignore
 * await using h = await Harness.up({
 *   name: "notify-ready",
 *   units: { "x.service": denoService("tests/fixtures/services/x.ts", { type: "notify" }) },
 * });
 * await h.ctl("start", "x.service");
 * assertEquals(await h.show("x.service", "ActiveState"), "active");
 * ```
 *
 * @module
 */

import { dirname, join } from "@std/path";
import { DENO, requirePeer, ROOT, SD_HARNESS } from "./helpers.ts";

/** Where the test's Deno binary is inside the harness. */
export const DENO_IN_HARNESS = "/opt/deno/deno";

/** Where this repository is inside the harness (read-only). */
export const SRC_IN_HARNESS = "/src";

/** Options of {@linkcode Harness.up}. */
export interface HarnessUpOptions {
  /** A short prefix for the instance name; a unique suffix is added. */
  name: string;
  /** Unit files to install: file name → contents. */
  units?: Record<string, string>;
  /** Extra read-only binds, `SRC[:DST]`. */
  bindRo?: string[];
  /** Extra read-write binds, `SRC[:DST]`. */
  bind?: string[];
  /** Run `systemd --user` instead of a system manager. */
  user?: boolean;
  /** Give the container its own network namespace. */
  netns?: boolean;
}

/** The result of a command run through the harness. */
export interface HarnessOutput {
  /** The exit code. */
  code: number;
  /** Standard output, trimmed. */
  stdout: string;
  /** Standard error, trimmed. */
  stderr: string;
}

let counter = 0;

/** A running `sd-harness` instance; `await using` it, or call `down()`. */
export class Harness implements AsyncDisposable {
  /** The unique `--name` of the instance. */
  readonly name: string;
  /** The exchange directory on the host (`/sdh` inside). */
  readonly xdir: string;
  #down = false;

  private constructor(name: string, xdir: string) {
    this.name = name;
    this.xdir = xdir;
  }

  /**
   * Boots a fresh instance with the given units, binding the Deno binary and
   * the repository in.
   *
   * @param options Name prefix, units, binds.
   * @returns The running instance.
   */
  static async up(options: HarnessUpOptions): Promise<Harness> {
    requirePeer(SD_HARNESS);
    const name = `${options.name}-${Deno.pid}-${++counter}`;
    const units = await Deno.makeTempDir({ prefix: "sdh-units-" });
    try {
      for (const [file, text] of Object.entries(options.units ?? {})) {
        await Deno.writeTextFile(join(units, file), text);
      }
      const args = ["up", "--units", units];
      args.push("--bind-ro", `${dirname(DENO)}:${dirname(DENO_IN_HARNESS)}`);
      args.push("--bind-ro", `${ROOT.replace(/\/$/, "")}:${SRC_IN_HARNESS}`);
      for (const bind of options.bindRo ?? []) args.push("--bind-ro", bind);
      for (const bind of options.bind ?? []) args.push("--bind", bind);
      if (options.user) args.push("--user");
      if (options.netns) args.push("--netns");
      const harness = new Harness(name, "");
      try {
        await harness.#check(args);
        const xdir = await harness.#check(["xdir"]);
        return new Harness(name, xdir);
      } catch (error) {
        await harness.down();
        throw error;
      }
    } finally {
      await Deno.remove(units, { recursive: true });
    }
  }

  /**
   * Runs any `sd-harness` subcommand for this instance.
   *
   * @param args The subcommand and its arguments.
   * @returns The exit code and output (never throws on a non-zero code).
   */
  async run(args: string[]): Promise<HarnessOutput> {
    const output = await new Deno.Command(SD_HARNESS, {
      args: ["--name", this.name, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout).trim(),
      stderr: decoder.decode(output.stderr).trim(),
    };
  }

  async #check(args: string[]): Promise<string> {
    const output = await this.run(args);
    if (output.code !== 0) {
      throw new Error(
        `sd-harness --name ${this.name} ${
          args.join(" ")
        } failed with code ${output.code}:\n` +
          `${output.stdout}\n${output.stderr}`,
      );
    }
    return output.stdout;
  }

  /**
   * Runs `systemctl` inside and throws when it fails, with the end of the
   * console log in the message.
   *
   * @param args The `systemctl` arguments, e.g. `"restart", "x.service"`.
   * @returns Its standard output.
   */
  async ctl(...args: string[]): Promise<string> {
    const output = await this.run(["ctl", ...args]);
    if (output.code !== 0) {
      const log = (await this.logs()).trim().split("\n").slice(-40);
      throw new Error(
        `systemctl ${
          args.join(" ")
        } failed with code ${output.code} in sd-harness ${this.name}:\n` +
          `${output.stdout}\n${output.stderr}\n--- console log (last 40 lines):\n${
            log.join("\n")
          }`,
      );
    }
    return output.stdout;
  }

  /**
   * Runs `systemctl` inside without throwing on a non-zero exit code.
   *
   * @param args The `systemctl` arguments.
   * @returns The exit code and output.
   */
  ctlStatus(...args: string[]): Promise<HarnessOutput> {
    return this.run(["ctl", ...args]);
  }

  /**
   * Reads one property of a unit (`systemctl show -P`).
   *
   * @param unit The unit name.
   * @param property E.g. `ActiveState`, `MainPID`, `NRestarts`.
   * @returns The value.
   */
  show(unit: string, property: string): Promise<string> {
    return this.ctl("show", "-P", property, unit);
  }

  /**
   * Runs a command inside the container's namespaces and throws when it
   * fails.
   *
   * @param args The command and its arguments.
   * @returns Its standard output.
   */
  exec(...args: string[]): Promise<string> {
    return this.#check(["exec", ...args]);
  }

  /**
   * Reads the journal of a unit, or the console log without a unit.
   *
   * @param unit The unit name.
   * @returns The log text.
   */
  async logs(unit?: string): Promise<string> {
    const output = await this.run(unit ? ["logs", "-u", unit] : ["logs"]);
    return `${output.stdout}\n${output.stderr}`;
  }

  /**
   * Installs more units (then `daemon-reload`).
   *
   * @param units File name → contents.
   */
  async install(units: Record<string, string>): Promise<void> {
    const dir = await Deno.makeTempDir({ prefix: "sdh-units-" });
    try {
      const paths = [];
      for (const [file, text] of Object.entries(units)) {
        const path = join(dir, file);
        await Deno.writeTextFile(path, text);
        paths.push(path);
      }
      await this.#check(["install", ...paths]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }

  /**
   * The host path of a file under `/sdh/obs` inside.
   *
   * @param file The file name.
   * @returns The path on the host.
   */
  obs(file: string): string {
    return join(this.xdir, "obs", file);
  }

  /** Tears the instance down (idempotent) and deletes its state. */
  async down(): Promise<void> {
    if (this.#down) return;
    this.#down = true;
    await this.run(["down", "--purge"]);
  }

  /** Tears the instance down. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.down();
  }
}

/** Options of {@linkcode denoService}. */
export interface DenoServiceOptions {
  /** `Type=` of the service. @default {"simple"} */
  type?: "simple" | "notify" | "exec" | "oneshot";
  /** Arguments after the script. */
  args?: string[];
  /** Extra `Environment=` variables. */
  env?: Record<string, string>;
  /** Extra lines for the `[Service]` section, e.g. `WatchdogSec=1`. */
  service?: string[];
  /** Lines for a `[Unit]` section. */
  unit?: string[];
  /** Deno flags. @default {["-A"]} */
  denoFlags?: string[];
}

/**
 * Writes a `.service` unit that runs a script of this repository with the
 * bound Deno binary.
 *
 * @param script The script's path relative to the repository root.
 * @param options Type, arguments, environment, extra lines.
 * @returns The unit file's text.
 */
export function denoService(
  script: string,
  options: DenoServiceOptions = {},
): string {
  const env = {
    DENO_DIR: "/tmp/deno",
    HOME: "/tmp",
    NO_COLOR: "1",
    ...options.env,
  };
  const lines: string[] = [];
  if (options.unit?.length) lines.push("[Unit]", ...options.unit, "");
  lines.push(
    "[Service]",
    `Type=${options.type ?? "simple"}`,
    `ExecStart=${
      [
        DENO_IN_HARNESS,
        "run",
        "--quiet",
        "--no-lock",
        ...(options.denoFlags ?? ["-A"]),
        `${SRC_IN_HARNESS}/${script}`,
        ...(options.args ?? []),
      ].join(" ")
    }`,
    ...Object.entries(env).map(([key, value]) =>
      `Environment="${key}=${value}"`
    ),
    ...(options.service ?? []),
    "",
  );
  return lines.join("\n");
}

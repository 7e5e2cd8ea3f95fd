/**
 * A real systemd as PID 1 of a `systemd-nspawn` container for end-to-end
 * tests: boot it with unit files, run `systemctl` and commands inside, read
 * what services wrote, and always tear it down. `tests/support/nspawn.sh` does
 * the booting and the tearing down; this class drives it.
 *
 * Inside, this repository is at {@linkcode SRC_IN_HARNESS} (read-only), the
 * Deno binary running the tests at {@linkcode DENO_IN_HARNESS}, and
 * {@linkcode OBS_IN_HARNESS} is a directory shared with the test
 * ({@linkcode Harness.obs} names its files on the host). So units work
 * whatever the checkout's path (the container's `/tmp` is its own), and the
 * units of `examples/systemd/` run as written. The container shares the host's
 * network: services listen on ports the test picked with `freePort()`.
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

import { join } from "@std/path";
import { DENO, ROOT, SYSTEMD_262_ROOT } from "./helpers.ts";

/** Where the test's Deno binary is inside the container. */
export const DENO_IN_HARNESS = "/usr/local/bin/deno";

/** Where this repository is inside the container (read-only). */
export const SRC_IN_HARNESS = "/opt/listen-fds";

/** A directory shared with the test, for services to write observations. */
export const OBS_IN_HARNESS = "/srv/obs";

/** The script that boots and tears down a container. */
const NSPAWN_SH = join(ROOT, "tests", "support", "nspawn.sh");

/** Options of {@linkcode Harness.up}. */
export interface HarnessUpOptions {
  /** A short prefix for the instance name; a unique suffix is added. */
  name: string;
  /** Unit files to install: file name → contents. */
  units?: Record<string, string>;
  /** Extra read-only binds, `SRC:DST`. */
  bindRo?: string[];
  /** Extra read-write binds, `SRC:DST`. */
  bind?: string[];
  /**
   * Which systemd is PID 1: the one installed on the machine, or the one
   * `tools/systemd-262` fetched (it sets `LISTEN_PIDFDID`).
   * @default {"installed"}
   */
  systemd?: "installed" | "262";
}

/** The result of a command run inside the container. */
export interface HarnessOutput {
  /** The exit code. */
  code: number;
  /** Standard output, trimmed. */
  stdout: string;
  /** Standard error, trimmed. */
  stderr: string;
}

let counter = 0;
let swept = false;

/**
 * Tears down containers left by test runs that were killed before they could
 * (their names end in `-<pid of the test process>-<n><random>`).
 */
async function sweep(): Promise<void> {
  if (swept) return;
  swept = true;
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  const hierarchy = (await exists("/sys/fs/cgroup/unified"))
    ? "/sys/fs/cgroup/unified"
    : "/sys/fs/cgroup";
  for await (const entry of Deno.readDir(hierarchy)) {
    const match = /^lfd-(.+-(\d+)-\d+[a-z0-9]{4})$/.exec(entry.name);
    if (!match || await exists(`/proc/${match[2]}`)) continue;
    await command(NSPAWN_SH, ["down", match[1]!]);
    for await (const dir of Deno.readDir(tmp)) {
      if (dir.name.startsWith(`listen-fds-nspawn-${match[1]}-`)) {
        await Deno.remove(join(tmp, dir.name), { recursive: true });
      }
    }
  }
}

async function command(
  program: string,
  args: string[],
): Promise<HarnessOutput> {
  const output = await new Deno.Command(program, {
    args,
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

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A running container; `await using` it, or call `down()`. */
export class Harness implements AsyncDisposable {
  /** The unique machine name of the instance. */
  readonly name: string;
  /** The instance's directory on the host (units, observations, console). */
  readonly dir: string;
  #pid1 = 0;
  #down = false;

  private constructor(name: string, dir: string) {
    this.name = name;
    this.dir = dir;
  }

  /** The host pid of the container's PID 1 (systemd). */
  get pid1(): number {
    return this.#pid1;
  }

  /**
   * Boots a fresh container with the given units, binding the Deno binary,
   * the repository and the observation directory in.
   *
   * @param options Name prefix, units, binds, which systemd.
   * @returns The running instance, once systemd finished booting.
   */
  static async up(options: HarnessUpOptions): Promise<Harness> {
    await sweep();
    const suffix = Math.random().toString(36).slice(2, 6).padEnd(4, "0");
    const name = `${options.name}-${Deno.pid}-${++counter}${suffix}`;
    const dir = await Deno.makeTempDir({
      prefix: `listen-fds-nspawn-${name}-`,
    });
    const harness = new Harness(name, dir);
    try {
      await Deno.mkdir(join(dir, "units"));
      await Deno.mkdir(join(dir, "obs"));
      for (const [file, text] of Object.entries(options.units ?? {})) {
        await Deno.writeTextFile(join(dir, "units", file), text);
      }
      const args = [
        "up",
        dir,
        name,
        `--bind-ro=${ROOT.replace(/\/$/, "")}:${SRC_IN_HARNESS}`,
        `--bind-ro=${DENO}:${DENO_IN_HARNESS}`,
        `--bind=${join(dir, "obs")}:${OBS_IN_HARNESS}`,
        ...(options.bindRo ?? []).map((bind) => `--bind-ro=${bind}`),
        ...(options.bind ?? []).map((bind) => `--bind=${bind}`),
      ];
      if (options.systemd === "262") {
        if (!await exists(join(SYSTEMD_262_ROOT, "usr/lib/systemd/systemd"))) {
          throw new Error(
            `Cannot boot systemd 262: ${SYSTEMD_262_ROOT} is missing; run tools/setup (or tools/systemd-262)`,
          );
        }
        args.push(`--systemd-root=${SYSTEMD_262_ROOT}`);
      }
      const output = await command(NSPAWN_SH, args);
      if (output.code !== 0) {
        throw new Error(
          `Cannot boot systemd in a container (${NSPAWN_SH} up … ${name}):\n${output.stderr}`,
        );
      }
      harness.#pid1 = Number(output.stdout);
      return harness;
    } catch (error) {
      await harness.down();
      throw error;
    }
  }

  /**
   * Runs a command inside the container (all its namespaces, a clean
   * environment).
   *
   * @param args The command and its arguments.
   * @returns The exit code and output (never throws on a non-zero code).
   */
  run(args: string[]): Promise<HarnessOutput> {
    return command("nsenter", [
      "-t",
      String(this.#pid1),
      "-a",
      "--",
      "env",
      "-i",
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "LANG=C.UTF-8",
      "SYSTEMD_PAGER=",
      "SYSTEMD_COLORS=0",
      ...args,
    ]);
  }

  async #fail(what: string, output: HarnessOutput): Promise<never> {
    const log = (await this.logs()).trim().split("\n").slice(-40);
    throw new Error(
      `${what} failed with code ${output.code} in container ${this.name}:\n` +
        `${output.stdout}\n${output.stderr}\n--- journal (last 40 lines):\n${
          log.join("\n")
        }`,
    );
  }

  /**
   * Runs `systemctl` inside and throws when it fails, with the end of the
   * journal in the message.
   *
   * @param args The `systemctl` arguments, e.g. `"restart", "x.service"`.
   * @returns Its standard output.
   */
  async ctl(...args: string[]): Promise<string> {
    const output = await this.ctlStatus(...args);
    if (output.code !== 0) {
      await this.#fail(`systemctl ${args.join(" ")}`, output);
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
    return this.run(["systemctl", "--no-pager", ...args]);
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
   * Runs a command inside the container and throws when it fails.
   *
   * @param args The command and its arguments.
   * @returns Its standard output.
   */
  async exec(...args: string[]): Promise<string> {
    const output = await this.run(args);
    if (output.code !== 0) await this.#fail(args.join(" "), output);
    return output.stdout;
  }

  /**
   * Reads the journal (the manager's messages and the services' output), of
   * one unit or of all; the boot console when the journal cannot be read.
   *
   * @param unit The unit name.
   * @returns The log text.
   */
  async logs(unit?: string): Promise<string> {
    const args = ["journalctl", "--no-pager", "-o", "short-precise"];
    const output = await this.run(unit ? [...args, "-u", unit] : args);
    if (output.code === 0) return output.stdout;
    let console = "";
    try {
      console = await Deno.readTextFile(join(this.dir, "console"));
    } catch {
      // not booted
    }
    return `${output.stderr}\n--- console:\n${console}`;
  }

  /**
   * Installs more units (then `daemon-reload`).
   *
   * @param units File name → contents.
   */
  async install(units: Record<string, string>): Promise<void> {
    for (const [file, text] of Object.entries(units)) {
      await Deno.writeTextFile(join(this.dir, "units", file), text);
    }
    await this.ctl("daemon-reload");
  }

  /**
   * The host path of a file under {@linkcode OBS_IN_HARNESS} inside.
   *
   * @param file The file name.
   * @returns The path on the host.
   */
  obs(file: string): string {
    return join(this.dir, "obs", file);
  }

  /**
   * A path of the container's file system as the host reaches it (e.g. a
   * Unix socket under `/run`).
   *
   * @param path An absolute path inside.
   * @returns `/proc/<PID 1>/root<path>`.
   */
  hostPath(path: string): string {
    return `/proc/${this.#pid1}/root${path}`;
  }

  /**
   * Stops the container (idempotent), kills whatever is left, removes its
   * cgroups and its directory.
   */
  async down(): Promise<void> {
    if (this.#down) return;
    this.#down = true;
    let output: HarnessOutput;
    try {
      output = await command(NSPAWN_SH, ["down", this.name]);
    } finally {
      await Deno.remove(this.dir, { recursive: true });
    }
    if (output.code !== 0) {
      throw new Error(
        `Cannot tear down container ${this.name}:\n${output.stderr}`,
      );
    }
  }

  /** Tears the instance down. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.down();
  }
}

/** Options of {@linkcode denoService}. */
export interface DenoServiceOptions {
  /** `Type=` of the service. @default {"simple"} */
  type?: "simple" | "notify" | "notify-reload" | "exec" | "oneshot";
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

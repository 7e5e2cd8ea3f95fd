/**
 * Hot upgrades: a running service starts its successor (the same command or
 * a new one), hands it every listening fd and the fd store's contents with
 * the ordinary `LISTEN_FDS`/`LISTEN_FDNAMES`/`LISTEN_PID` protocol, keeps
 * serving until the successor reports ready, then tells systemd the new
 * `MAINPID=`, stops accepting, drains and exits. When the successor fails or
 * is not ready in time, the old process goes on serving and reports why.
 *
 * The successor is an ordinary socket-activated process using this module:
 * {@linkcode ListenFds.fromEnv} finds its fds, and its first
 * {@linkcode notifyReady} goes to the predecessor (through the abstract
 * datagram socket named in `LISTEN_FDS_UPGRADE_SOCKET`, which accepts only
 * the successor's pid) instead of to systemd.
 *
 * Under systemd use `Type=notify-reload` (systemd 253+; `systemctl reload`
 * waits for the upgrade and its `READY=1`) or `Type=notify` with
 * `ExecReload=kill -HUP $MAINPID` (systemd 252). The old main process sends
 * `MAINPID=` itself, so the default `NotifyAccess=main` is enough; the
 * successor is forked by the old main process, so it is in the unit's
 * cgroup as systemd requires. Without systemd, send the signal (`kill -HUP`).
 *
 * Permissions: `--allow-all` in practice: `--allow-ffi` (spawning, sockets),
 * `--allow-env` (the successor's environment), `--allow-run` is not needed
 * (the successor is started through libc's `posix_spawn`).
 *
 * @example Usage
 * ```ts ignore
 * import { ListenFds } from "jsr:@listen-fds/listen-fds";
 * import { handleUpgrades, notifyReady, Upgrader } from "jsr:@listen-fds/listen-fds/notify";
 *
 * const fds = ListenFds.fromEnv();
 * const upgrader = Upgrader.fromListenFds(fds); // before taking the fds
 * const server = fds.serve({ name: "web", port: 8000, handler: () => new Response("hi") });
 * handleUpgrades(server, { upgrader }); // SIGHUP: start a successor, hand over, drain, exit
 * notifyReady();
 * ```
 *
 * @module
 */

import { checkMilliseconds, ListenFdsError } from "../_errors.ts";
import { errno, libc, syscallError } from "../_ffi.ts";
import { LINUX } from "../_linux.ts";
import { LISTEN_VARIABLES } from "../_env.ts";
import { statFd } from "../_fd_info.ts";
import { ReadinessChannel, SenderReport } from "./readiness.ts";
import { monotonicMicroseconds, notify } from "./notify.ts";
import type { NotifyOptions } from "./notify.ts";
import {
  LAUNCHER_PID,
  launcherPid,
  onStoreFds,
  UPGRADE_SOCKET,
} from "./upgrade_state.ts";
import { readProcFile } from "../_adopt/proc.ts";
import { errnoOf, statusLine } from "./reload.ts";
import {
  pidfdIdPipe,
  sendPidfdId,
  sendSignal,
  SIGNALS,
  spawnChild,
} from "../_launcher/spawn.ts";
import { checkServers, type Stoppable, stopServer } from "./shutdown.ts";

export { UPGRADE_SOCKET } from "./upgrade_state.ts";

/** An fd handed to the successor, with its `LISTEN_FDNAMES` name. */
export interface UpgradeFd {
  /** The fd (the upgrader's own close-on-exec duplicate). */
  readonly fd: number;
  /** Its name. */
  readonly name: string;
}

/** Options of {@linkcode Upgrader.upgrade}. */
export interface UpgradeOptions {
  /**
   * The successor's command line. By default this process's own
   * (`/proc/self/cmdline`, with `Deno.execPath()` as the program): the same
   * script, re-read from disk, so a deployed new version starts.
   */
  command?: readonly string[];
  /**
   * The successor's environment, without the `LISTEN_*` variables (they are
   * set from the fds).
   *
   * @default {Deno.env.toObject()}
   */
  env?: Readonly<Record<string, string>>;
  /**
   * How long the successor may take to report ready, in milliseconds; then
   * it is stopped (`SIGTERM`, `SIGKILL` a second later) and the upgrade
   * fails.
   *
   * @default {30000}
   */
  timeout?: number;
}

/** A successful upgrade. */
export interface UpgradeResult {
  /** The successor's pid. */
  pid: number;
  /** The fds it was handed, in `LISTEN_FDS` order. */
  fds: readonly UpgradeFd[];
}

/** Something with the fds a process received: a {@linkcode ListenFds}. */
export interface ListenFdsLike {
  /** How many fds were passed. */
  readonly length: number;
  /** Looks at an fd without taking it. */
  borrow(index: number): { fd: number; name: string } | undefined;
}

const ABSTRACT_PREFIX = "@listen-fds-upgrade";

/**
 * Keeps what a successor needs (a close-on-exec duplicate of every fd to hand
 * over, and its name) and starts successors.
 *
 * Create it from {@linkcode ListenFds.fromEnv}'s set before the fds are taken
 * (taking an fd for `serve()` or `takeListener()` moves it into Deno's
 * reactor under another number). Fds later handed to `storeFds()` are added
 * automatically, under their store name, and `removeStoredFds(name)` removes
 * every fd of that name, so the successor gets what a restart would: the
 * sockets and the fd store's contents.
 */
export class Upgrader implements Disposable {
  #fds: UpgradeFd[] = [];
  #inodes = new Set<string>();
  #running: Promise<UpgradeResult> | undefined;
  #stopListening: () => void;

  /**
   * An empty upgrader; add fds with {@linkcode Upgrader.add}.
   */
  constructor() {
    this.#stopListening = onStoreFds((change, fds, name) => {
      if (change === "remove") this.remove(name);
      for (const fd of fds) {
        try {
          this.add(fd, name);
        } catch {
          // storeFds() reports bad fds itself
        }
      }
    });
  }

  /**
   * An upgrader holding a duplicate of every untaken fd of a set, with its
   * name: the sockets and the fd store's contents the process was started
   * with.
   *
   * @param fds The set, usually `ListenFds.fromEnv()`.
   * @returns The upgrader.
   * @throws {ListenFdsError} `SYSCALL_FAILED` when an fd cannot be
   * duplicated.
   *
   * @example Usage
   * ```ts ignore
   * import { ListenFds } from "jsr:@listen-fds/listen-fds";
   * import { Upgrader } from "jsr:@listen-fds/listen-fds/notify";
   *
   * const upgrader = Upgrader.fromListenFds(ListenFds.fromEnv());
   * ```
   */
  static fromListenFds(fds: ListenFdsLike): Upgrader {
    const upgrader = new Upgrader();
    try {
      for (let i = 0; i < fds.length; i++) {
        const entry = fds.borrow(i);
        if (entry) upgrader.add(entry.fd, entry.name);
      }
    } catch (error) {
      upgrader.close();
      throw error;
    }
    return upgrader;
  }

  /**
   * Adds an fd to hand over: a close-on-exec duplicate is kept, so the
   * caller may close or hand its own to Deno. An fd whose file is already
   * held (same inode) is not added twice.
   *
   * @param fd The fd.
   * @param name Its `LISTEN_FDNAMES` name: printable ASCII without `:`.
   * @throws {ListenFdsError} `INVALID_ARGUMENT` for a bad name,
   * `FD_NOT_OPEN`/`SYSCALL_FAILED` when the fd cannot be duplicated.
   */
  add(fd: number, name: string): void {
    if (
      name.length === 0 || name.length > 255 || /[^\x20-\x7e]|:/.test(name)
    ) {
      throw new ListenFdsError(
        `Cannot hand fd ${fd} to a successor: name "${name}" is not 1 to 255 printable ASCII characters without ":"`,
        { code: "INVALID_ARGUMENT", fd, value: name },
      );
    }
    const { mode, inode } = statFd(fd);
    const key = `${mode & LINUX.S_IFMT}:${inode}`;
    if (this.#inodes.has(key)) return;
    const copy = libc().fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 3);
    if (copy === -1) {
      throw syscallError(
        `Cannot duplicate fd ${fd} for a successor`,
        "fcntl",
        fd,
      );
    }
    this.#inodes.add(key);
    this.#fds.push({ fd: copy, name });
  }

  /**
   * Stops handing over every fd with a name (and closes the duplicates), as
   * `removeStoredFds()` does for the fd store (it calls this).
   *
   * @param name The name.
   */
  remove(name: string): void {
    const kept: UpgradeFd[] = [];
    for (const entry of this.#fds) {
      if (entry.name !== name) {
        kept.push(entry);
        continue;
      }
      try {
        const { mode, inode } = statFd(entry.fd);
        this.#inodes.delete(`${mode & LINUX.S_IFMT}:${inode}`);
      } catch {
        // closed behind our back: nothing to forget
      }
      libc().close(entry.fd);
    }
    this.#fds = kept;
  }

  /**
   * The fds a successor gets, in `LISTEN_FDS` order.
   *
   * @returns The upgrader's duplicates and their names.
   */
  get fds(): readonly UpgradeFd[] {
    return [...this.#fds];
  }

  /** Whether an upgrade is running. */
  get upgrading(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Starts a successor with every fd and waits until it reports ready
   * (`READY=1` from its pid on the private socket).
   *
   * @param options The command, environment and time bound.
   * @returns The successor's pid.
   * @throws {ListenFdsError} `UPGRADE_IN_PROGRESS` when another upgrade is
   * running; `UPGRADE_FAILED` under the development launcher (`launch`,
   * which would not supervise the successor: use `launch --upgrade-on`), or
   * when the successor exited before it was ready
   * (its exit code or signal, and any `STATUS=`/`ERRNO=` it sent, are in the
   * message) or did not report ready within `timeout` (it is then stopped);
   * `SYSCALL_FAILED` when it cannot be started.
   */
  upgrade(options: UpgradeOptions = {}): Promise<UpgradeResult> {
    if (this.#running) {
      return Promise.reject(
        new ListenFdsError(
          "Cannot start a successor: an upgrade is already running",
          { code: "UPGRADE_IN_PROGRESS" },
        ),
      );
    }
    const launcher = launcherPid();
    if (launcher !== undefined) {
      return Promise.reject(
        new ListenFdsError(
          `Cannot upgrade: this process runs under launch (pid ${launcher}), which would not supervise the successor; let launch upgrade it (launch --upgrade-on SIGHUP)`,
          { code: "UPGRADE_FAILED", variable: LAUNCHER_PID, value: launcher },
        ),
      );
    }
    const timeout = options.timeout ?? 30_000;
    if (!(Number.isFinite(timeout) && timeout > 0)) {
      return Promise.reject(
        new ListenFdsError(
          `Cannot start a successor: timeout ${timeout} ms is not a finite positive number`,
          { code: "INVALID_ARGUMENT", value: String(timeout) },
        ),
      );
    }
    this.#running = this.#upgrade(options, timeout).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #upgrade(
    options: UpgradeOptions,
    timeout: number,
  ): Promise<UpgradeResult> {
    const fds = [...this.#fds];
    const command = options.command ?? ownCommand();
    if (command.length === 0) {
      throw new ListenFdsError("Cannot start a successor: empty command", {
        code: "INVALID_ARGUMENT",
      });
    }
    const channel = ReadinessChannel.open(ABSTRACT_PREFIX, "upgrade readiness");
    const moved: number[] = [];
    const opened: number[] = [];
    try {
      const env: Record<string, string> = {
        ...(options.env ?? Deno.env.toObject()),
      };
      for (const name of LISTEN_VARIABLES) delete env[name];
      delete env[UPGRADE_SOCKET];
      delete env[LAUNCHER_PID];
      if (fds.length > 0) {
        env.LISTEN_FDS = String(fds.length);
        env.LISTEN_FDNAMES = fds.map((entry) => entry.name).join(":");
      }
      env[UPGRADE_SOCKET] = channel.address;
      // spawnChild() places fds at 3, 4, …: none may come from that range.
      const sources = fds.map((entry) => {
        if (entry.fd >= 3 + fds.length) return entry.fd;
        const copy = libc().fcntl(
          entry.fd,
          LINUX.F_DUPFD_CLOEXEC,
          3 + fds.length,
        );
        if (copy === -1) {
          throw syscallError(
            `Cannot move fd ${entry.fd} for a successor`,
            "fcntl",
            entry.fd,
          );
        }
        moved.push(copy);
        return copy;
      });
      // Two pipes the shells open through /proc/<this pid>/fd/<n>, so that
      // neither is inherited: the detaching shell writes the successor's pid
      // to one, the successor's shell reads its LISTEN_PIDFDID from the other
      // (where the kernel has pidfd ids).
      const pidPipe = pipe();
      opened.push(pidPipe.read, pidPipe.write);
      const idPipe = pidfdIdPipe();
      if (idPipe) opened.push(...idPipe);
      const shell = spawnChild(
        [
          "/bin/sh",
          "-c",
          DETACH_SCRIPT,
          "upgrade",
          `/proc/${Deno.pid}/fd/${pidPipe.write}`,
          idPipe ? `/proc/${Deno.pid}/fd/${idPipe[0]}` : "",
          ...command,
        ],
        { fds: sources, env, setPid: false },
      );
      for (const fd of moved.splice(0)) libc().close(fd);
      await shell.exited;
      const pid = readPid(pidPipe.read);
      if (pid === undefined) {
        throw new ListenFdsError(
          `Cannot upgrade: the successor (${
            command.join(" ")
          }) could not be started`,
          { code: "UPGRADE_FAILED" },
        );
      }
      if (idPipe) {
        // The successor's shell waits for this line before it execs; the
        // read end stays open (in `opened`) until the upgrade ends.
        opened.splice(opened.indexOf(idPipe[1]), 1);
        sendPidfdId(pid, idPipe[1]);
      }
      const what = `successor ${pid} (${command.join(" ")})`;
      const deadline = performance.now() + timeout;
      const said = new SenderReport();
      while (true) {
        const message = channel.receive((sender) => sender === pid);
        if (message) said.add(message);
        if (message?.ready) return { pid, fds };
        if (!running(pid)) {
          throw new ListenFdsError(
            `Cannot upgrade: ${what} exited before it was ready${said.details()}`,
            { code: "UPGRADE_FAILED", value: String(pid) },
          );
        }
        if (performance.now() >= deadline) {
          await stopProcess(pid);
          throw new ListenFdsError(
            `Cannot upgrade: ${what} did not report ready within ${timeout} ms; it was stopped${said.details()}`,
            { code: "UPGRADE_FAILED", value: String(pid) },
          );
        }
        await delay(message ? 0 : 5);
      }
    } finally {
      for (const fd of [...moved, ...opened]) libc().close(fd);
      channel.close();
    }
  }

  /** Closes the duplicates (an upgrade in progress keeps its own). */
  close(): void {
    this.#stopListening();
    for (const { fd } of this.#fds.splice(0)) libc().close(fd);
    this.#inodes.clear();
  }

  /** Closes the duplicates. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The script of the shell that starts the successor detached:
 * `sh -c DETACH_SCRIPT upgrade PID_PATH ID_PATH COMMAND...`. It forks the
 * successor, writes its pid to `PID_PATH` (a pipe of the predecessor, opened
 * as `/proc/<predecessor>/fd/<n>`) and exits. The successor is a shell that
 * sets `LISTEN_PID` to its own pid, reads `LISTEN_PIDFDID` from `ID_PATH`
 * (when not empty; the predecessor writes it once it knows the pid, or
 * closes the pipe) and execs the command, which keeps the pid. Neither pipe
 * is inherited and no fd number appears in a redirection, so the number of
 * fds is not limited by the shell (dash names fds 0 to 9 only). When the pid
 * cannot be written, the successor is killed: it would serve unsupervised.
 *
 * The successor is re-parented to the service manager (PID 1 or its
 * subreaper) when the detaching shell exits, so systemd supervises it as its
 * own child once it is `MAINPID=`, and notices when it exits.
 */
const DETACH_SCRIPT = [
  "pid_path=$1 id_path=$2; shift 2",
  "sh -c '",
  "  LISTEN_PID=$$; export LISTEN_PID",
  '  if [ -n "$1" ]; then',
  '    IFS= read -r LISTEN_PIDFDID < "$1"',
  '    if [ -n "$LISTEN_PIDFDID" ]; then export LISTEN_PIDFDID;',
  "    else unset LISTEN_PIDFDID; fi",
  "  fi",
  '  shift; exec "$@"',
  `' successor "$id_path" "$@" &`,
  // A successor whose pid cannot be told would serve unsupervised.
  'echo $! > "$pid_path" || { kill $!; exit 1; }',
].join("\n");

function pipe(): { read: number; write: number } {
  const c = libc();
  if (!c.pipe2) {
    throw new ListenFdsError("Cannot start a successor: libc has no pipe2", {
      code: "UNSUPPORTED_PLATFORM",
    });
  }
  const ends = new Int32Array(2);
  if (
    c.pipe2(
      new Uint8Array(ends.buffer),
      LINUX.O_CLOEXEC | LINUX.O_NONBLOCK,
    ) === -1
  ) {
    throw syscallError("Cannot create the successor pid pipe", "pipe2");
  }
  return { read: ends[0]!, write: ends[1]! };
}

function readPid(fd: number): number | undefined {
  const buffer = new Uint8Array(32);
  const n = Number(libc().read(fd, buffer, BigInt(buffer.length)));
  if (n <= 0) return undefined;
  const text = new TextDecoder().decode(buffer.subarray(0, n)).trim();
  return /^[1-9][0-9]*$/.test(text) ? Number(text) : undefined;
}

/** Whether a process exists and is not a zombie. */
function running(pid: number): boolean {
  if (libc().kill(pid, 0) !== 0) return errno() === LINUX.EPERM;
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) return false;
  // The state follows the parenthesised command name.
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !==
    "Z";
}

async function stopProcess(pid: number): Promise<void> {
  sendSignal(pid, SIGNALS.SIGTERM);
  const deadline = performance.now() + 1000;
  while (running(pid) && performance.now() < deadline) await delay(10);
  if (running(pid)) sendSignal(pid, SIGNALS.SIGKILL);
  while (running(pid)) await delay(10);
}

/**
 * This process's command line, with the running Deno binary as the program.
 *
 * @returns The arguments.
 */
export function ownCommand(): string[] {
  const text = readProcFile("/proc/self/cmdline") ?? "";
  const args = text.split("\0");
  if (args.at(-1) === "") args.pop();
  if (args.length === 0) return [];
  try {
    args[0] = Deno.execPath();
  } catch {
    // no read permission: keep argv[0]
  }
  return args;
}

/** How a requested upgrade ended. */
export type UpgradeOutcome =
  | { ok: true; pid: number }
  | { ok: false; error: ListenFdsError };

/** Options of {@linkcode handleUpgrades}. */
export interface HandleUpgradesOptions extends UpgradeOptions {
  /** What to hand over; see {@linkcode Upgrader.fromListenFds}. */
  upgrader: Upgrader;
  /**
   * The signal that starts an upgrade: `systemctl reload` sends the unit's
   * `ReloadSignal=` (`SIGHUP`) with `Type=notify-reload`.
   *
   * @default {"SIGHUP"}
   */
  signal?: Deno.Signal;
  /**
   * How long the old process lets its servers drain after the hand-over
   * before it exits anyway, in milliseconds.
   *
   * @default {10000}
   */
  drainTimeout?: number;
  /**
   * Exit the old process once its servers stopped (code 0, or 1 when the
   * drain timed out).
   *
   * @default {true}
   */
  exit?: boolean;
  /**
   * Options for the notifications to systemd (`RELOADING=1`, `MAINPID=`,
   * `READY=1`, `STATUS=`, `ERRNO=`), or `false` to send none.
   *
   * @default {{}}
   */
  notify?: Omit<NotifyOptions, "fds" | "unsetEnvironment"> | false;
  /**
   * Told how each upgrade ended, before the old process drains (success) or
   * goes on serving (failure). Without it a failure is printed to stderr.
   */
  onUpgrade?: (outcome: UpgradeOutcome) => void | Promise<void>;
}

/** The installed handler; see {@linkcode handleUpgrades}. */
export interface UpgradeHandler extends Disposable {
  /**
   * Upgrades now, as if the signal arrived. While one runs, the same upgrade
   * is returned (a second request starts no second successor).
   *
   * @returns The successor's pid once it took over; rejects with the
   * `UPGRADE_FAILED` error while the old process goes on serving.
   */
  upgrade(): Promise<UpgradeResult>;
  /** Removes the signal listener. */
  remove(): void;
}

/**
 * Upgrades the service on a signal (`SIGHUP`: `systemctl reload` of a
 * `Type=notify-reload` unit, or `kill -HUP` by hand): sends `RELOADING=1`
 * with `MONOTONIC_USEC=`, starts the successor with every fd of `upgrader`,
 * and waits for its `READY=1`.
 *
 * - Success: sends `MAINPID=<successor>` and `READY=1` (one datagram, from the
 *   old main process, so `NotifyAccess=main` suffices), then stops the
 *   servers (their drain: stop accepting, answer what was accepted) and
 *   exits. It never sends `STOPPING=1`: the unit is not stopping.
 * - Failure (the successor exited, or was not ready within `timeout`): sends
 *   `STATUS=Upgrade failed: …`, `ERRNO=` when known, and `READY=1`, and goes
 *   on serving.
 *
 * A second signal while an upgrade runs joins it. The signal handler is
 * installed before this function returns: call it before `notifyReady()`
 * (systemd 262 refuses a `Type=notify-reload` service that has not caught
 * its reload signal by `READY=1`).
 *
 * @param servers The servers to stop after the hand-over.
 * @param options The upgrader, signal, time bounds and callbacks.
 * @returns The handler.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` for a server without
 * `shutdown()`/`close()` or a bad time bound.
 *
 * @example Usage
 * ```ts ignore
 * import { ListenFds } from "jsr:@listen-fds/listen-fds";
 * import { handleUpgrades, notifyReady, Upgrader } from "jsr:@listen-fds/listen-fds/notify";
 *
 * const fds = ListenFds.fromEnv();
 * const upgrader = Upgrader.fromListenFds(fds);
 * const server = fds.serve({ name: "web", port: 8000, handler: () => new Response("hi") });
 * handleUpgrades(server, { upgrader, onUpgrade: (o) => console.error(o) });
 * notifyReady();
 * ```
 */
export function handleUpgrades(
  servers: Stoppable | readonly Stoppable[],
  options: HandleUpgradesOptions,
): UpgradeHandler {
  const list = checkServers(servers, "handle upgrades");
  const drainTimeout = options.drainTimeout ?? 10_000;
  checkMilliseconds(drainTimeout, "Cannot handle upgrades: drainTimeout");
  const signal = options.signal ?? "SIGHUP";
  const { upgrader } = options;
  const send = (state: Record<string, string | number | bigint>): void => {
    if (options.notify === false) return;
    try {
      notify(state, options.notify ?? {});
    } catch {
      // Serving matters more than telling systemd about it.
    }
  };
  let running: Promise<UpgradeResult> | undefined;
  let handedOver = false;
  let failedBefore = false;

  const run = async (): Promise<UpgradeResult> => {
    send({ RELOADING: 1, MONOTONIC_USEC: monotonicMicroseconds() });
    let result: UpgradeResult;
    try {
      const { command, env, timeout } = options;
      result = await upgrader.upgrade({
        ...(command ? { command } : {}),
        ...(env ? { env } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
      });
    } catch (caught) {
      const error = caught instanceof ListenFdsError
        ? caught
        : new ListenFdsError(
          `Cannot upgrade: ${
            caught instanceof Error ? caught.message : caught
          }`,
          { code: "UPGRADE_FAILED", cause: caught },
        );
      failedBefore = true;
      const state: Record<string, string | number> = {
        STATUS: statusLine("Upgrade failed", error),
      };
      const code = errnoOf(error.cause ?? error) ?? errnoOf(error);
      if (code !== undefined) state.ERRNO = code;
      state.READY = 1;
      send(state);
      if (options.onUpgrade) await options.onUpgrade({ ok: false, error });
      else console.error(`${error.message}; serving on`);
      throw error;
    }
    handedOver = true;
    const state: Record<string, string | number> = { MAINPID: result.pid };
    if (failedBefore) state.STATUS = "";
    state.READY = 1;
    send(state);
    remove();
    await options.onUpgrade?.({ ok: true, pid: result.pid });
    const outcome = await stopAll(list, drainTimeout);
    upgrader.close();
    if (options.exit ?? true) Deno.exit(outcome === "graceful" ? 0 : 1);
    return result;
  };
  const upgrade = (): Promise<UpgradeResult> => {
    if (handedOver) {
      return Promise.reject(
        new ListenFdsError(
          "Cannot upgrade: this process already handed over to its successor",
          { code: "UPGRADE_IN_PROGRESS" },
        ),
      );
    }
    running ??= run().finally(() => {
      if (!handedOver) running = undefined;
    });
    return running;
  };
  const onSignal = (): void => {
    upgrade().catch(() => {
      // Reported through STATUS=/ERRNO= and onUpgrade.
    });
  };
  const remove = (): void => {
    try {
      Deno.removeSignalListener(signal, onSignal);
    } catch {
      // not installed
    }
  };
  Deno.addSignalListener(signal, onSignal);
  return { upgrade, remove, [Symbol.dispose]: remove };
}

async function stopAll(
  list: readonly Stoppable[],
  timeout: number,
): Promise<"graceful" | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeout);
  });
  const stopped = Promise.all(list.map(stopServer)).then(
    () => "graceful" as const,
    () => "graceful" as const,
  );
  const outcome = await Promise.race([stopped, expired]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    for (const server of list) {
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    }
  }
  return outcome;
}

/**
 * Starting a child with `posix_spawn()` so that chosen fds land at 3, 4, …
 * (`Deno.Command` cannot pass extra fds), and reaping it with `waitpid()`.
 *
 * The child is started through a tiny `/bin/sh` trampoline that sets
 * `LISTEN_PID` to its own pid (`$$`, kept by `exec`) and reads
 * `LISTEN_PIDFDID` — computed by the launcher from `pidfd_open(child)` right
 * after the spawn — from a pipe the launcher holds, through
 * `/proc/<launcher>/fd/<n>`, so that no extra fd is ever inherited.
 *
 * The child runs in a process group of its own, so that a terminal's Ctrl-C
 * reaches only the launcher, which forwards it once. Where util-linux
 * `setpriv` is installed, the trampoline execs the command through
 * `setpriv --pdeathsig TERM`, which execs in place (the pid, hence
 * `LISTEN_PID`, stays): the child gets SIGTERM when the launcher dies, even
 * from SIGKILL, instead of serving on as an orphan.
 *
 * @module
 */

import { cString, errnoError, libc, syscallError } from "../_ffi.ts";
import { decodeWaitStatus, LINUX, SPAWN } from "../_linux.ts";
import { ownPidfdId } from "../_fd_info.ts";
import { ListenFdsError } from "../_errors.ts";

/** How a child ended. */
export interface ExitStatus {
  /** The exit code, when it exited. */
  code: number | undefined;
  /** The signal number, when a signal killed it. */
  signal: number | undefined;
}

/** A running child. */
export interface SpawnedChild {
  /** Its pid (also `LISTEN_PID`: the trampoline execs the command). */
  pid: number;
  /** The pidfd inode id passed as `LISTEN_PIDFDID`, if any. */
  pidfdId: bigint | undefined;
  /** Settles when the child has ended and was reaped. */
  exited: Promise<ExitStatus>;
  /** Whether it was not reaped yet (its pid is still its own). */
  readonly running: boolean;
}

/** Options of {@linkcode spawnChild}. */
export interface SpawnOptions {
  /**
   * Launcher fds to pass as 3, 4, …; none may be below `3 + fds.length`
   * (see `moveFdAbove`).
   */
  fds: readonly number[];
  /** The child's whole environment, without `LISTEN_PID`/`LISTEN_PIDFDID`. */
  env: Readonly<Record<string, string>>;
  /** Set `LISTEN_PID` (and `LISTEN_PIDFDID` where the kernel has pidfs). */
  setPid: boolean;
  /**
   * The path of util-linux `setpriv`, to give the child a parent-death
   * signal (see {@linkcode findSetpriv}); without it the child can outlive
   * a killed launcher.
   */
  setpriv?: string | undefined;
}

export { SIGNALS } from "../_linux.ts";

const SHELL = "/bin/sh";
const TRAMPOLINE = [
  'if [ "$1" = pid ]; then LISTEN_PID=$$; export LISTEN_PID; fi',
  'if [ -n "$2" ]; then',
  '  IFS= read -r LISTEN_PIDFDID < "$2"',
  '  if [ -n "$LISTEN_PIDFDID" ]; then export LISTEN_PIDFDID;',
  "  else unset LISTEN_PIDFDID; fi",
  "fi",
  'if [ -n "$3" ]; then',
  '  p=$3; shift 3; exec "$p" --pdeathsig TERM -- "$@"',
  "fi",
  "shift 3",
  'exec "$@"',
].join("\n");

/**
 * Finds util-linux `setpriv` (2.33 or later has `--pdeathsig`) in `PATH`.
 *
 * @param path The search path, `PATH`-style.
 * @returns Its absolute path, or `undefined` when it is not installed.
 */
export function findSetpriv(
  path: string = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
): string | undefined {
  for (const dir of path.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = `${dir.replace(/\/+$/, "")}/setpriv`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

let pidfdSupport: boolean | undefined;

/**
 * Whether this kernel gives pidfds inode ids (pidfs, Linux 6.9+), so that
 * `LISTEN_PIDFDID` can be set for a child.
 *
 * @returns The answer, computed once.
 */
export function pidfdIdsSupported(): boolean {
  pidfdSupport ??= ownPidfdId(Deno.pid).id !== undefined;
  return pidfdSupport;
}

/**
 * Starts `command` with `options.fds` at 3, 4, …, every other fd above 2
 * closed, default signal dispositions, an empty signal mask, in a process
 * group of its own, and (with `options.setpriv`) SIGTERM as its
 * parent-death signal.
 *
 * @param command The program (looked up in `PATH`) and its arguments.
 * @param options The fds, the environment and whether to set `LISTEN_PID`.
 * @returns The child.
 * @throws {ListenFdsError} `SYSCALL_FAILED` when `posix_spawn()` fails.
 */
export function spawnChild(
  command: readonly string[],
  options: SpawnOptions,
): SpawnedChild {
  const c = libc();
  const { fds } = options;
  for (const fd of fds) {
    if (fd < 3 + fds.length) {
      throw new ListenFdsError(
        `Cannot pass fd ${fd}: it is inside the child's range 3 to ${
          2 + fds.length
        }`,
        { code: "INVALID_ARGUMENT", fd },
      );
    }
  }
  const pipe = options.setPid ? pidfdIdPipe() : undefined;
  const argv = [
    SHELL,
    "-c",
    TRAMPOLINE,
    "launch",
    options.setPid ? "pid" : "no-pid",
    pipe ? `/proc/${Deno.pid}/fd/${pipe[0]}` : "",
    options.setpriv ?? "",
    ...command,
  ];
  const envp = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  let pid: number;
  try {
    pid = posixSpawn(SHELL, argv, envp, fds);
  } catch (error) {
    if (pipe) {
      c.close(pipe[0]);
      c.close(pipe[1]);
    }
    throw error;
  }
  const pidfdId = pipe ? sendPidfdId(pid, pipe[1]) : undefined;
  const readEnd = pipe?.[0];
  let running = true;
  const exited = waitForExit(pid).finally(() => {
    running = false;
    if (readEnd !== undefined) c.close(readEnd);
  });
  return {
    pid,
    pidfdId,
    exited,
    get running(): boolean {
      return running;
    },
  };
}

/**
 * The pipe a child's shell reads its `LISTEN_PIDFDID` from (through
 * `/proc/<this pid>/fd/<read end>`), where the kernel has pidfd ids. Both
 * ends are close-on-exec.
 *
 * @returns The read and write ends, or `undefined` without pidfd ids.
 */
export function pidfdIdPipe(): [number, number] | undefined {
  const c = libc();
  if (!pidfdIdsSupported() || !c.pipe2) return undefined;
  const ends = new Int32Array(2);
  if (c.pipe2(new Uint8Array(ends.buffer), LINUX.O_CLOEXEC) === -1) {
    throw syscallError("Cannot create the LISTEN_PIDFDID pipe", "pipe2");
  }
  return [ends[0]!, ends[1]!];
}

/**
 * Writes a process's pidfd id (or an empty line, when it has none) to the
 * pipe and closes the pipe's write end.
 *
 * @param pid The process.
 * @param writeEnd The write end of a {@linkcode pidfdIdPipe}.
 * @returns The id written.
 */
export function sendPidfdId(
  pid: number,
  writeEnd: number,
): bigint | undefined {
  const c = libc();
  const pidfdId = ownPidfdId(pid).id;
  const line = cString(`${pidfdId ?? ""}\n`).subarray(0, -1);
  c.write(writeEnd, line, BigInt(line.length));
  c.close(writeEnd);
  return pidfdId;
}

/**
 * Sends a signal to a process.
 *
 * @param pid The process.
 * @param signal The signal number.
 * @returns `true` when it was sent, `false` when the process is gone.
 */
export function sendSignal(pid: number, signal: number): boolean {
  return libc().kill(pid, signal) === 0;
}

/**
 * The exit code a shell would report: the code, or 128 + the signal.
 *
 * @param status How the child ended.
 * @returns The code.
 */
export function exitCode(status: ExitStatus): number {
  return status.code ?? 128 + (status.signal ?? 0);
}

function cStrings(strings: readonly string[]): {
  pointers: Uint8Array;
  keep: Uint8Array[];
} {
  const keep = strings.map((s) => cString(s));
  const pointers = new BigUint64Array(strings.length + 1);
  keep.forEach((bytes, i) => {
    pointers[i] = BigInt(
      Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)),
    );
  });
  return { pointers: new Uint8Array(pointers.buffer), keep };
}

/** Throws the error of a `posix_spawn*()` call that did not return 0. */
type Check = (result: number, call: string) => void;

function posixSpawn(
  path: string,
  argv: readonly string[],
  envp: readonly string[],
  fds: readonly number[],
): number {
  const c = libc();
  const what = `Cannot start "${argv[7] ?? path}"`;
  const check: Check = (result, call) => {
    if (result !== 0) throw errnoError(what, call, result);
  };
  const actions = new Uint8Array(SPAWN.file_actions_size);
  const attr = new Uint8Array(SPAWN.attr_size);
  check(
    c.posix_spawn_file_actions_init(actions),
    "posix_spawn_file_actions_init",
  );
  try {
    check(c.posix_spawnattr_init(attr), "posix_spawnattr_init");
    try {
      passFds(actions, fds, check);
      defaultSignalsInNewGroup(attr, check);
      const pid = new Int32Array(1);
      const args = cStrings(argv);
      const env = cStrings(envp);
      const result = c.posix_spawn(
        new Uint8Array(pid.buffer),
        cString(path),
        actions,
        attr,
        args.pointers,
        env.pointers,
      );
      // Keep the strings reachable until posix_spawn() has returned.
      if (args.keep.length + env.keep.length < 0) {
        throw new Error("unreachable");
      }
      check(result, "posix_spawn");
      return pid[0]!;
    } finally {
      c.posix_spawnattr_destroy(attr);
    }
  } finally {
    c.posix_spawn_file_actions_destroy(actions);
  }
}

/** File actions: `fds` become 3, 4, … and every other fd above is closed. */
function passFds(
  actions: Uint8Array,
  fds: readonly number[],
  check: Check,
): void {
  const c = libc();
  fds.forEach((fd, i) => {
    // Source and target always differ, so dup2() clears FD_CLOEXEC.
    check(
      c.posix_spawn_file_actions_adddup2(actions, fd, 3 + i),
      "posix_spawn_file_actions_adddup2",
    );
  });
  if (c.posix_spawn_file_actions_addclosefrom_np) {
    check(
      c.posix_spawn_file_actions_addclosefrom_np(actions, 3 + fds.length),
      "posix_spawn_file_actions_addclosefrom_np",
    );
  }
}

/**
 * Attributes: every signal at its default action and unblocked, and process
 * group 0 (the attribute's default): a new group led by the child, out of
 * the terminal's reach.
 */
function defaultSignalsInNewGroup(attr: Uint8Array, check: Check): void {
  const c = libc();
  const all = new Uint8Array(SPAWN.sigset_size);
  all.fill(0xff, 0, SPAWN.sigset_used);
  const none = new Uint8Array(SPAWN.sigset_size);
  check(
    c.posix_spawnattr_setsigdefault(attr, all),
    "posix_spawnattr_setsigdefault",
  );
  check(c.posix_spawnattr_setsigmask(attr, none), "posix_spawnattr_setsigmask");
  check(
    c.posix_spawnattr_setflags(
      attr,
      LINUX.POSIX_SPAWN_SETSIGDEF | LINUX.POSIX_SPAWN_SETSIGMASK |
        LINUX.POSIX_SPAWN_SETPGROUP,
    ),
    "posix_spawnattr_setflags",
  );
}

async function waitForExit(pid: number): Promise<ExitStatus> {
  const c = libc();
  const status = new Int32Array(1);
  const buffer = new Uint8Array(status.buffer);
  while (true) {
    // errno of the worker thread is out of reach: on -1 (EINTR there), ask
    // again without blocking to tell "still running" from a real failure.
    if (await c.waitpid(pid, buffer, 0) === pid) break;
    const again = await c.waitpid(pid, buffer, LINUX.WNOHANG);
    if (again === pid) break;
    if (again === -1) {
      throw new ListenFdsError(`Cannot wait for child ${pid}: waitpid failed`, {
        code: "SYSCALL_FAILED",
        syscall: "waitpid",
      });
    }
  }
  return decodeWaitStatus(status[0]!);
}

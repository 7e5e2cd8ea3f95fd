// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _notify/readiness.ts
import { errno, libc, syscallError } from "./_core.js";
import {
  buildMsghdr,
  CMSGHDR,
  cmsgSpace,
  LINUX,
  readMsghdr,
  UCRED
} from "./_core.js";
import { encodeUnixSockaddr } from "./_core.js";
var readCredentials = (function readCredentials(control, length) {
  const view = new DataView(control.buffer);
  let pid = 0;
  for (let offset = 0; offset + CMSGHDR.data <= length; ) {
    const cmsgLength = Number(
      view.getBigUint64(offset + CMSGHDR.cmsg_len, true)
    );
    if (cmsgLength < CMSGHDR.data) break;
    const level = view.getInt32(offset + CMSGHDR.cmsg_level, true);
    const type = view.getInt32(offset + CMSGHDR.cmsg_type, true);
    if (level === LINUX.SOL_SOCKET && type === LINUX.SCM_CREDENTIALS) {
      pid = view.getInt32(offset + CMSGHDR.data + UCRED.pid, true);
    } else if (level === LINUX.SOL_SOCKET && type === LINUX.SCM_RIGHTS) {
      for (let at = CMSGHDR.data; at + 4 <= cmsgLength; at += 4) {
        libc().close(view.getInt32(offset + at, true));
      }
    }
    offset += Math.ceil(cmsgLength / CMSGHDR.align) * CMSGHDR.align;
  }
  return pid;
});
var findSetpriv = (function findSetpriv(path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") {
  for (const dir of path.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = `${dir.replace(/\/+$/, "")}/setpriv`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && ((info.mode ?? 73) & 73) !== 0) return candidate;
    } catch {
    }
  }
  return void 0;
});
var pidfdIdsSupported = (function pidfdIdsSupported() {
  pidfdSupport ??= ownPidfdId(Deno.pid).id !== void 0;
  return pidfdSupport;
});
var spawnChild = (function spawnChild(command, options) {
  const c = libc2();
  const { fds } = options;
  for (const fd of fds) {
    if (fd < 3 + fds.length) {
      throw new ListenFdsError(
        `Cannot pass fd ${fd}: it is inside the child's range 3 to ${2 + fds.length}`,
        { code: "INVALID_ARGUMENT", fd }
      );
    }
  }
  const pipe = options.setPid ? pidfdIdPipe() : void 0;
  const argv = [
    SHELL,
    "-c",
    TRAMPOLINE,
    "launch",
    options.setPid ? "pid" : "no-pid",
    pipe ? `/proc/${Deno.pid}/fd/${pipe[0]}` : "",
    options.setpriv ?? "",
    ...command
  ];
  const envp = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  let pid;
  try {
    pid = posixSpawn(SHELL, argv, envp, fds);
  } catch (error) {
    if (pipe) {
      c.close(pipe[0]);
      c.close(pipe[1]);
    }
    throw error;
  }
  const pidfdId = pipe ? sendPidfdId(pid, pipe[1]) : void 0;
  const readEnd = pipe?.[0];
  let running = true;
  const exited = waitForExit(pid).finally(() => {
    running = false;
    if (readEnd !== void 0) c.close(readEnd);
  });
  return {
    pid,
    pidfdId,
    exited,
    get running() {
      return running;
    }
  };
});
var pidfdIdPipe = (function pidfdIdPipe() {
  const c = libc2();
  if (!pidfdIdsSupported() || !c.pipe2) return void 0;
  const ends = new Int32Array(2);
  if (c.pipe2(new Uint8Array(ends.buffer), LINUX2.O_CLOEXEC) === -1) {
    throw syscallError2("Cannot create the LISTEN_PIDFDID pipe", "pipe2");
  }
  return [ends[0], ends[1]];
});
var sendPidfdId = (function sendPidfdId(pid, writeEnd) {
  const c = libc2();
  const pidfdId = ownPidfdId(pid).id;
  const line = cString(`${pidfdId ?? ""}
`).subarray(0, -1);
  c.write(writeEnd, line, BigInt(line.length));
  c.close(writeEnd);
  return pidfdId;
});
var sendSignal = (function sendSignal(pid, signal) {
  return libc2().kill(pid, signal) === 0;
});
var exitCode = (function exitCode(status) {
  return status.code ?? 128 + (status.signal ?? 0);
});
var cStrings = (function cStrings(strings) {
  const keep = strings.map((s) => cString(s));
  const pointers = new BigUint64Array(strings.length + 1);
  keep.forEach((bytes, i) => {
    pointers[i] = BigInt(
      Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes))
    );
  });
  return { pointers: new Uint8Array(pointers.buffer), keep };
});
var posixSpawn = (function posixSpawn(path, argv, envp, fds) {
  const c = libc2();
  const what = `Cannot start "${argv[7] ?? path}"`;
  const check = (result, call) => {
    if (result !== 0) throw errnoError(what, call, result);
  };
  const actions = new Uint8Array(SPAWN.file_actions_size);
  const attr = new Uint8Array(SPAWN.attr_size);
  check(
    c.posix_spawn_file_actions_init(actions),
    "posix_spawn_file_actions_init"
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
        env.pointers
      );
      if (args.keep.length + env.keep.length < 0) {
        throw new Error("unreachable");
      }
      check(result, "posix_spawn");
      return pid[0];
    } finally {
      c.posix_spawnattr_destroy(attr);
    }
  } finally {
    c.posix_spawn_file_actions_destroy(actions);
  }
});
var passFds = (function passFds(actions, fds, check) {
  const c = libc2();
  fds.forEach((fd, i) => {
    check(
      c.posix_spawn_file_actions_adddup2(actions, fd, 3 + i),
      "posix_spawn_file_actions_adddup2"
    );
  });
  if (c.posix_spawn_file_actions_addclosefrom_np) {
    check(
      c.posix_spawn_file_actions_addclosefrom_np(actions, 3 + fds.length),
      "posix_spawn_file_actions_addclosefrom_np"
    );
  }
});
var defaultSignalsInNewGroup = (function defaultSignalsInNewGroup(attr, check) {
  const c = libc2();
  const all = new Uint8Array(SPAWN.sigset_size);
  all.fill(255, 0, SPAWN.sigset_used);
  const none = new Uint8Array(SPAWN.sigset_size);
  check(
    c.posix_spawnattr_setsigdefault(attr, all),
    "posix_spawnattr_setsigdefault"
  );
  check(c.posix_spawnattr_setsigmask(attr, none), "posix_spawnattr_setsigmask");
  check(
    c.posix_spawnattr_setflags(
      attr,
      LINUX2.POSIX_SPAWN_SETSIGDEF | LINUX2.POSIX_SPAWN_SETSIGMASK | LINUX2.POSIX_SPAWN_SETPGROUP
    ),
    "posix_spawnattr_setflags"
  );
});
var waitForExit = (async function waitForExit(pid) {
  const c = libc2();
  const status = new Int32Array(1);
  const buffer = new Uint8Array(status.buffer);
  while (true) {
    if (await c.waitpid(pid, buffer, 0) === pid) break;
    const again = await c.waitpid(pid, buffer, LINUX2.WNOHANG);
    if (again === pid) break;
    if (again === -1) {
      throw new ListenFdsError(`Cannot wait for child ${pid}: waitpid failed`, {
        code: "SYSCALL_FAILED",
        syscall: "waitpid"
      });
    }
  }
  return decodeWaitStatus(status[0]);
});
var ReadinessChannel = class _ReadinessChannel {
  /** The socket's address, `@prefix/pid/random`: the `NOTIFY_SOCKET` to give. */
  address;
  #fd;
  constructor(fd, address) {
    this.#fd = fd;
    this.address = address;
  }
  /**
   * Opens a channel on a fresh abstract address.
   *
   * @param prefix The address's first part, starting with `@`.
   * @param what What it is for, in error messages.
   * @returns The channel.
   * @throws {ListenFdsError} `SYSCALL_FAILED` when the socket cannot be made.
   */
  static open(prefix, what) {
    const c = libc();
    const fd = c.socket(
      LINUX.AF_UNIX,
      LINUX.SOCK_DGRAM | LINUX.SOCK_CLOEXEC | LINUX.SOCK_NONBLOCK,
      0
    );
    if (fd === -1) {
      throw syscallError(`Cannot open the ${what} socket`, "socket");
    }
    try {
      const one = new Int32Array([1]);
      if (c.setsockopt(
        fd,
        LINUX.SOL_SOCKET,
        LINUX.SO_PASSCRED,
        new Uint8Array(one.buffer),
        4
      ) === -1) {
        throw syscallError(
          `Cannot enable SO_PASSCRED on the ${what} socket`,
          "setsockopt",
          fd
        );
      }
      const random = Array.from(
        crypto.getRandomValues(new Uint8Array(12)),
        (byte) => byte.toString(16).padStart(2, "0")
      ).join("");
      const address = `${prefix}/${Deno.pid}/${random}`;
      const { bytes, length } = encodeUnixSockaddr(address);
      if (c.bind(fd, bytes, length) === -1) {
        throw syscallError(
          `Cannot bind the ${what} socket "${address}"`,
          "bind",
          fd
        );
      }
      return new _ReadinessChannel(fd, address);
    } catch (error) {
      c.close(fd);
      throw error;
    }
  }
  /**
   * Receives the next datagram from an accepted sender, without waiting;
   * datagrams of other senders are dropped (and any fds in them closed).
   *
   * @param accept Whether datagrams of a pid count.
   * @returns The message, or `undefined` when none is queued.
   */
  receive(accept) {
    const c = libc();
    while (this.#fd !== -1) {
      const data = new Uint8Array(4096);
      const control = new Uint8Array(cmsgSpace(UCRED.size) + cmsgSpace(4 * 8));
      const msghdr = buildMsghdr({ data, control });
      const received = Number(
        c.recvmsg(
          this.#fd,
          msghdr.header,
          LINUX.MSG_DONTWAIT | LINUX.MSG_CMSG_CLOEXEC
        )
      );
      if (received === -1) {
        if (errno() === LINUX.EINTR) continue;
        return void 0;
      }
      const { controlLength } = readMsghdr(msghdr.header);
      msghdr.keep.length;
      const pid = readCredentials(control, controlLength);
      if (pid === 0 || !accept(pid)) continue;
      const message = { pid, ready: false };
      const text = new TextDecoder().decode(data.subarray(0, received));
      for (const line of text.split("\n")) {
        if (line === "READY=1") message.ready = true;
        else if (line.startsWith("STATUS=")) message.status = line.slice(7);
        else if (line.startsWith("ERRNO=")) message.errno = line.slice(6);
      }
      return message;
    }
    return void 0;
  }
  /** Closes the socket. */
  close() {
    if (this.#fd !== -1) libc().close(this.#fd);
    this.#fd = -1;
  }
};
var SenderReport = class {
  #status;
  #errno;
  /**
   * Keeps what a message says.
   *
   * @param message The message.
   */
  add(message) {
    if (message.status !== void 0) this.#status = message.status;
    if (message.errno !== void 0) this.#errno = message.errno;
  }
  /**
   * What the process said, as ` (it sent STATUS=…, ERRNO=…)`.
   *
   * @returns The text, empty when it said nothing.
   */
  details() {
    const parts = [];
    if (this.#status) parts.push(`STATUS=${this.#status}`);
    if (this.#errno) parts.push(`ERRNO=${this.#errno}`);
    return parts.length ? ` (it sent ${parts.join(", ")})` : "";
  }
};

// _launcher/spawn.ts
import { cString, errnoError, libc as libc2, syscallError as syscallError2 } from "./_core.js";
import { decodeWaitStatus, LINUX as LINUX2, SPAWN } from "./_core.js";
import { ownPidfdId } from "./_core.js";
import { ListenFdsError } from "./_core.js";
import { SIGNALS } from "./_core.js";
var SHELL = "/bin/sh";
var TRAMPOLINE = [
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
  'exec "$@"'
].join("\n");
var pidfdSupport;

export {
  ReadinessChannel,
  SenderReport,
  findSetpriv,
  spawnChild,
  pidfdIdPipe,
  sendPidfdId,
  sendSignal,
  exitCode,
  SIGNALS
};

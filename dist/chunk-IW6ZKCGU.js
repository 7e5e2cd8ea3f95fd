// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  takeUpgradeSocket
} from "./chunk-QSSB6R3H.js";

// _notify/notify.ts
import { checkMilliseconds, ListenFdsError } from "./_core.js";
import { readEnv, unsetEnv } from "./_core.js";
import { getenvBytes, libc, syscallError } from "./_core.js";
import { showBytes } from "./_core.js";
import {
  buildMsghdr,
  LINUX,
  readTimespecMicroseconds,
  scmRights,
  SOCKADDR_UN,
  TIMESPEC
} from "./_core.js";
import { encodeUnixSockaddr } from "./_core.js";
var notify = (function notify(state, options = {}) {
  const message = formatNotifyState(state);
  const fds = checkFds(options.fds ?? []);
  const env = options.env;
  try {
    const value = env ? env[NOTIFY_SOCKET] : readTextEnv(NOTIFY_SOCKET, "INVALID_NOTIFY_SOCKET");
    if (value === void 0) return false;
    const address = parseNotifySocket(value);
    sendNotification(address, value, encoder.encode(message), fds);
    return true;
  } finally {
    if (options.unsetEnvironment && !env) unsetEnv([NOTIFY_SOCKET]);
  }
});
var notifyReady = (function notifyReady(options) {
  const predecessor = options?.env === void 0 ? takeUpgradeSocket() : void 0;
  if (predecessor !== void 0) {
    return notify("READY=1", {
      ...options,
      env: { NOTIFY_SOCKET: predecessor }
    });
  }
  return notify("READY=1", options);
});
var notifyReloading = (function notifyReloading(options) {
  return notify(
    `RELOADING=1
MONOTONIC_USEC=${monotonicMicroseconds()}`,
    options
  );
});
var notifyStopping = (function notifyStopping(options) {
  return notify("STOPPING=1", options);
});
var notifyStatus = (function notifyStatus(text, options) {
  return notify({ STATUS: text }, options);
});
var notifyMainPid = (function notifyMainPid(pid, options) {
  checkInteger("pid", pid, 1, 2 ** 31 - 1);
  return notify({ MAINPID: pid }, options);
});
var notifyExtendTimeout = (function notifyExtendTimeout(milliseconds, options) {
  checkMilliseconds(milliseconds, "Cannot notify: duration");
  return notify(
    { EXTEND_TIMEOUT_USEC: BigInt(Math.round(milliseconds * 1e3)) },
    options
  );
});
var notifyErrno = (function notifyErrno(code, options) {
  checkInteger("errno", code, 0, 2 ** 31 - 1);
  return notify({ ERRNO: code }, options);
});
var monotonicMicroseconds = (function monotonicMicroseconds() {
  const timespec = new Uint8Array(TIMESPEC.size);
  if (libc().clock_gettime(LINUX.CLOCK_MONOTONIC, timespec) === -1) {
    throw new ListenFdsError("Cannot read CLOCK_MONOTONIC", {
      code: "SYSCALL_FAILED",
      syscall: "clock_gettime"
    });
  }
  return readTimespecMicroseconds(timespec);
});
var formatNotifyState = (function formatNotifyState(state) {
  if (typeof state === "string") {
    if (state.includes("\0")) {
      throw invalid(`Cannot notify: message contains a NUL byte`, state);
    }
    const lines2 = state.split("\n");
    if (lines2.length > 1 && lines2.at(-1) === "") lines2.pop();
    if (state !== "") {
      for (const line of lines2) {
        const equals = line.indexOf("=");
        const key = equals === -1 ? line : line.slice(0, equals);
        if (equals === -1 || !KEY.test(key)) {
          throw invalid(
            `Cannot notify: line "${line}" is not a KEY=value assignment`,
            state
          );
        }
      }
    }
    return state;
  }
  const lines = [];
  for (const [key, raw] of Object.entries(state)) {
    if (!KEY.test(key)) {
      throw invalid(
        `Cannot notify: key "${key}" is not made of letters, digits and "_"`,
        key
      );
    }
    if (typeof raw === "number" && !Number.isFinite(raw)) {
      throw invalid(`Cannot notify: ${key} is ${raw}`, String(raw));
    }
    const value = String(raw);
    if (value.includes("\n") || value.includes("\0")) {
      throw invalid(
        `Cannot notify: value of ${key} contains a ${value.includes("\n") ? "newline" : "NUL byte"}`,
        value
      );
    }
    lines.push(`${key}=${value}`);
  }
  return lines.join("\n");
});
var parseNotifySocket = (function parseNotifySocket(value) {
  if (value.startsWith("/")) {
    if (encoder.encode(value).length >= SOCKADDR_UN.sun_path_size) {
      throw invalidSocket(
        value,
        `path is longer than ${SOCKADDR_UN.sun_path_size - 1} bytes`,
        LINUX.ENAMETOOLONG
      );
    }
    return { kind: "unix", path: value };
  }
  if (value.startsWith("@")) {
    const length = encoder.encode(value).length - 1;
    if (length === 0) {
      throw invalidSocket(value, "abstract socket name is empty", LINUX.EINVAL);
    }
    if (length >= SOCKADDR_UN.sun_path_size) {
      throw invalidSocket(
        value,
        `abstract socket name is longer than ${SOCKADDR_UN.sun_path_size - 1} bytes`,
        LINUX.EINVAL
      );
    }
    return { kind: "unix", path: value };
  }
  const vsock = /^vsock(?:-(stream|dgram|seqpacket))?:(.*)$/.exec(value);
  if (vsock) {
    const [cid, port, extra] = vsock[2].split(":");
    if (extra !== void 0 || cid === void 0 || port === void 0 || !U32.test(cid) || !U32.test(port) || Number(cid) > 4294967295 || Number(port) > 4294967295) {
      throw invalidSocket(
        value,
        "vsock address is not vsock:CID:PORT with decimal CID and PORT",
        LINUX.EINVAL
      );
    }
    return {
      kind: "vsock",
      type: vsock[1] ?? "any",
      cid: Number(cid),
      port: Number(port)
    };
  }
  throw invalidSocket(
    value,
    `not an absolute path, "@name" or "vsock:CID:PORT"`,
    LINUX.EPROTO
  );
});
var invalidSocket = (function invalidSocket(value, reason, code) {
  return new ListenFdsError(
    `Cannot use ${NOTIFY_SOCKET}: value "${value}" is invalid: ${reason}`,
    {
      code: "INVALID_NOTIFY_SOCKET",
      variable: NOTIFY_SOCKET,
      value,
      errno: code
    }
  );
});
var invalid = (function invalid(message, value) {
  return new ListenFdsError(message, { code: "INVALID_ARGUMENT", value });
});
var checkInteger = (function checkInteger(what, value, min, max) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(
      `Cannot notify: ${what} ${value} is not an integer in ${min} \u2026 ${max}`,
      String(value)
    );
  }
});
var checkFds = (function checkFds(fds) {
  if (fds.length > NOTIFY_MAX_FDS) {
    throw new ListenFdsError(
      `Cannot notify: ${fds.length} fds given but one notification carries at most ${NOTIFY_MAX_FDS}`,
      {
        code: "INVALID_ARGUMENT",
        value: String(fds.length),
        errno: LINUX.E2BIG
      }
    );
  }
  for (const fd of fds) {
    if (!Number.isInteger(fd) || fd < 0 || fd > 2 ** 31 - 1) {
      throw invalid(
        `Cannot notify: ${fd} is not a file descriptor`,
        String(fd)
      );
    }
  }
  return fds;
});
var sendNotification = (function sendNotification(address, value, message, fds) {
  if (address.kind === "vsock") {
    throw new ListenFdsError(
      `Cannot notify through ${NOTIFY_SOCKET} "${value}": vsock addresses are not supported, only Unix sockets`,
      {
        code: "NOTIFY_FAILED",
        variable: NOTIFY_SOCKET,
        value,
        errno: LINUX.EOPNOTSUPP
      }
    );
  }
  const c = libc();
  const fd = c.socket(
    LINUX.AF_UNIX,
    LINUX.SOCK_DGRAM | LINUX.SOCK_CLOEXEC,
    0
  );
  if (fd === -1) throw notifyFailed(value, "socket");
  try {
    const size = new Int32Array([8 * 1024 * 1024]);
    c.setsockopt(fd, LINUX.SOL_SOCKET, LINUX.SO_SNDBUF, size, 4);
    const { bytes: name, length: nameLength } = encodeUnixSockaddr(
      address.path
    );
    const msghdr = buildMsghdr({
      data: message,
      name,
      nameLength,
      ...fds.length > 0 ? { control: scmRights(fds) } : {}
    });
    while (true) {
      const sent = c.sendmsg(fd, msghdr.header, LINUX.MSG_NOSIGNAL);
      if (Number(sent) !== -1) break;
      const error = notifyFailed(value, "sendmsg");
      if (error.errno !== LINUX.EINTR) throw error;
    }
    msghdr.keep.length;
  } finally {
    c.close(fd);
  }
});
var notifyFailed = (function notifyFailed(value, syscall) {
  return syscallError(
    `Cannot notify through ${NOTIFY_SOCKET} "${value}"`,
    syscall,
    void 0,
    "NOTIFY_FAILED",
    { variable: NOTIFY_SOCKET, value }
  );
});
var readTextEnv = (function readTextEnv(name, code) {
  try {
    return readEnv(name);
  } catch (error) {
    if (!(error instanceof Deno.errors.InvalidData)) throw error;
    let shown;
    try {
      const bytes = getenvBytes(name);
      if (bytes) shown = showBytes(bytes);
    } catch {
    }
    throw new ListenFdsError(
      `Cannot parse ${name}: value ${shown === void 0 ? "" : `"${shown}" `}is not valid UTF-8`,
      { code, variable: name, value: shown, cause: error }
    );
  }
});
var NOTIFY_SOCKET = "NOTIFY_SOCKET";
var NOTIFY_MAX_FDS = 253;
var KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
var U32 = /^(?:0|[1-9][0-9]{0,9})$/;
var encoder = new TextEncoder();

export {
  NOTIFY_SOCKET,
  notify,
  notifyReady,
  notifyReloading,
  notifyStopping,
  notifyStatus,
  notifyMainPid,
  notifyExtendTimeout,
  notifyErrno,
  monotonicMicroseconds,
  readTextEnv
};

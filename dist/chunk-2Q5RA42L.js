// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  LISTEN_VARIABLES,
  UNKNOWN_NAME,
  parseListenEnv,
  parseListenFdRange
} from "./chunk-RR7I4F42.js";
import {
  adoptIntoPlaceholder,
  adoptServe,
  bindOptions,
  chooseVia,
  deferredNodeListener,
  describeMismatch,
  findPlaceholder,
  listenAt,
  placeholderMatcher,
  requireFd,
  requireSocket,
  setAddress,
  takeOver,
  withPermission,
  withPlaceholder
} from "./chunk-6YBZHHGD.js";
import {
  inspectFd,
  ownPidfdId,
  socketAddress,
  statFd
} from "./chunk-J6QSTLGZ.js";
import {
  LINUX,
  cString,
  errno,
  getenvBytes,
  libc,
  listOpenFds,
  readFdLink,
  readProcFile,
  syscallError
} from "./chunk-RG433I5V.js";
import {
  ListenFdsError,
  readEnv,
  unsetEnv
} from "./chunk-CDRIS56Y.js";

// _adopt/conn.ts
async function adoptConn(fd) {
  const action = `take fd ${fd} as a connection`;
  const checked = requireSocket(fd, action, "stream", false);
  return await adoptConnected(fd, checked, action, true);
}
async function adoptInetdConn() {
  const action = "take the inetd connection on fd 0";
  const checked = requireSocket(0, action, "stream", false);
  return await adoptConnected(0, checked, action, false);
}
function adoptConnected(fd, { socket, address }, action, closeSource) {
  return withPlaceholder({
    fd,
    unix: "path" in address,
    action
  }, listenAt, async (listener, place) => {
    const conn = await connectPlaceholder(listener);
    try {
      const placeholder = findPlaceholder("path" in place ? unixClientMatcher(place.path) : placeholderMatcher(conn.localAddr, conn.remoteAddr), fd, action);
      takeOver(fd, placeholder, {
        registered: true,
        nonBlocking: true,
        action,
        closeSource
      });
    } catch (error) {
      conn.close();
      throw error;
    }
    if (!closeSource) replaceInetdFds(fd);
    setAddress(conn, "localAddr", address);
    setAddress(conn, "remoteAddr", socket.peer ?? {
      transport: "unix",
      path: ""
    });
    return conn;
  });
}
async function connectPlaceholder(listener) {
  let conn;
  let other;
  try {
    [conn, other] = await Promise.all([
      Deno.connect(listener.addr),
      listener.accept()
    ]);
  } finally {
    listener.close();
  }
  other.close();
  return conn;
}
function unixClientMatcher(path) {
  return (fd) => {
    const peer = socketAddress(fd, "getpeername", "unix");
    const local = socketAddress(fd, "getsockname", "unix");
    return peer !== void 0 && "path" in peer && peer.path === path && !(local !== void 0 && "path" in local && local.path === path);
  };
}
function replaceInetdFds(fd) {
  const c = libc();
  const inode = statFd(fd).inode;
  const sameSocket = (n) => {
    try {
      return statFd(n).inode === inode;
    } catch {
      return false;
    }
  };
  const targets = [
    0,
    1
  ].filter(sameSocket);
  const devNull = c.open(cString("/dev/null"), LINUX.O_RDWR | LINUX.O_CLOEXEC, 0);
  if (devNull === -1) {
    throw syscallError("Cannot point fds 0 and 1 at /dev/null", "open");
  }
  try {
    for (const target of targets) {
      if (c.dup2(devNull, target) === -1) {
        throw syscallError(`Cannot point fd ${target} at /dev/null`, "dup2", target);
      }
    }
  } finally {
    c.close(devNull);
  }
  if (targets.length === 0) {
    throw new ListenFdsError("Cannot release fd 0: it changed during the takeover", {
      code: "ADOPTION_FAILED",
      fd: 0
    });
  }
}

// _adopt/listener.ts
function adoptListener(fd, options = {}) {
  const action = `take fd ${fd} as a listener`;
  const { address } = requireSocket(fd, action, "stream", true);
  return chooseVia(fd, action, options, () => withPlaceholder({
    fd,
    unix: "path" in address,
    action
  }, listenAt, (listener, _place, slot) => {
    const release = () => listener.close();
    adoptIntoPlaceholder(listener, {
      fd,
      address,
      action,
      release,
      slot
    });
    return listener;
  }), () => deferredNodeListener(fd, address));
}

// _adopt/datagram.ts
function adoptDatagram(fd) {
  const action = `take fd ${fd} as a datagram socket`;
  const { address } = requireSocket(fd, action, "dgram");
  const listenDatagram = Deno.listenDatagram;
  if (typeof listenDatagram !== "function") {
    throw new ListenFdsError(`Cannot ${action}: Deno.listenDatagram is unstable, run again with the --unstable-net flag`, {
      code: "UNSTABLE_API_REQUIRED",
      fd
    });
  }
  return withPlaceholder({
    fd,
    unix: "path" in address,
    action
  }, (place) => listenDatagram("path" in place ? {
    transport: "unixpacket",
    ...place
  } : {
    transport: "udp",
    ...place
  }), (conn, _place, slot) => {
    const release = () => conn.close();
    adoptIntoPlaceholder(conn, {
      fd,
      address,
      action,
      release,
      slot
    });
    return conn;
  });
}

// _adopt/file.ts
var FILE_KINDS = [
  "fifo",
  "file",
  "character-device"
];
function adoptFile(fd) {
  const action = `take fd ${fd} as a file`;
  const info = requireFd(fd, action, (info2) => FILE_KINDS.includes(info2.kind) ? void 0 : describeMismatch(info2));
  const read = info.access !== "write";
  const write = info.access !== "read";
  const before = new Set(listOpenFds());
  const file = withPermission(action, [
    read ? "--allow-read=/dev/null" : "",
    write ? "--allow-write=/dev/null" : ""
  ].filter(Boolean).join(" and "), () => Deno.openSync("/dev/null", {
    read,
    write
  }));
  try {
    const fresh = listOpenFds().filter((n) => !before.has(n) && readFdLink(n) === "/dev/null");
    if (fresh.length !== 1) {
      throw new ListenFdsError(`Cannot ${action}: found ${fresh.length} new fds after opening the placeholder, expected 1`, {
        code: "ADOPTION_FAILED",
        fd
      });
    }
    const target = fresh[0];
    takeOver(fd, {
      fd: target,
      inode: statFd(target).inode
    }, {
      registered: false,
      nonBlocking: false,
      action
    });
  } catch (error) {
    file.close();
    throw error;
  }
  return file;
}

// listen_fds.ts
var shared;
var INSPECT_LIMIT = 100;
var ListenFds = class _ListenFds {
  #fds;
  #firstFd;
  #names;
  #verification;
  constructor(env, verification) {
    this.#firstFd = env?.firstFd ?? 3;
    this.#fds = env ? Array.from({
      length: env.count
    }, (_, i) => env.firstFd + i) : [];
    this.#names = Object.freeze(env?.names ?? new Array(env?.count ?? 0).fill(UNKNOWN_NAME));
    this.#verification = verification;
  }
  /**
   * Reads the socket-activation environment and returns the passed fds.
   *
   * Without `options.env`, the process environment is read once per process:
   * every call returns the same set (or throws the same error), so several
   * modules can share it, and an fd taken through one is gone for all. A
   * later call may repeat the first call's `unsetEnv` and `pid` or leave them
   * out; a different value is an `INVALID_ARGUMENT` error, since the
   * environment was already read (and, by default, removed).
   *
   * What happens, in order:
   * 1. `LISTEN_FDS` absent: an empty set, not an error.
   * 2. `LISTEN_PID`, if present, must be this process; `LISTEN_PIDFDID`, if
   *    present, must be this process's pidfd inode id (skipped where the
   *    kernel has no pidfs).
   * 3. `LISTEN_FDS`, `LISTEN_FDS_FIRST_FD` and `LISTEN_FDNAMES` are validated.
   * 4. Every fd of the range must be open and inherited: an fd that is
   *    already close-on-exec cannot have come from the service manager (in a
   *    Deno process, fds 3 to 8 are often the runtime's own).
   * 5. `FD_CLOEXEC` is set on every fd, so children do not inherit them.
   * 6. The number of names must match `LISTEN_FDS`.
   * 7. Unless `unsetEnv` is `false`, all `LISTEN_*` variables are removed,
   *    whatever the outcome.
   *
   * When any step fails, every fd of the announced range that is open and
   * not close-on-exec is made close-on-exec before the error is thrown, so
   * no child inherits it (the runtime's own fds already are close-on-exec).
   * The error names the variable that caused it.
   *
   * A value that is not valid UTF-8 never surfaces as Deno's raw
   * `InvalidData`: names are accepted as libsystemd accepts them (each
   * invalid byte reads as U+FFFD), a number is an `INVALID_*` error showing
   * the bytes as `\xNN`. When `LISTEN_FDS` is absent, no other variable is
   * read at all.
   *
   * No fd is ever closed by this call.
   *
   * @param options What to read and whether to unset it.
   * @returns The passed fds.
   * @throws {ListenFdsError} For every malformed variable, another process's
   * variables, a closed or non-inherited fd, a missing permission, or
   * options that differ from the first call's (`INVALID_ARGUMENT`).
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   * import { assertEquals } from "@std/assert";
   *
   * const fds = ListenFds.fromEnv({ env: {} });
   * assertEquals(fds.length, 0);
   * ```
   */
  static fromEnv(options = {}) {
    if (options.env !== void 0) {
      return _ListenFds.#read(options.env, options.pid ?? Deno.pid);
    }
    if (shared === void 0) {
      const first = {
        unsetEnv: options.unsetEnv ?? true,
        pid: options.pid ?? Deno.pid
      };
      try {
        const read = readProcessEnv();
        if (read.error !== void 0) {
          closeOnExecAnnounced(read.env);
          throw read.error;
        }
        shared = {
          fds: _ListenFds.#read(read.env, first.pid),
          options: first
        };
      } catch (error) {
        shared = {
          error,
          options: first
        };
      } finally {
        if (first.unsetEnv) unsetEnv(LISTEN_VARIABLES);
      }
    } else {
      checkSameOptions(shared.options, options);
    }
    if ("error" in shared) throw shared.error;
    return shared.fds;
  }
  static #read(env, pid) {
    try {
      return _ListenFds.#validate(env, pid);
    } catch (error) {
      closeOnExecAnnounced(env);
      throw error;
    }
  }
  static #validate(env, pid) {
    let skipReason;
    const parsed = parseListenEnv(env, {
      pid,
      pidfdId: () => {
        const own = ownPidfdId(pid);
        skipReason = own.reason;
        return own.id;
      }
    });
    if (parsed === void 0) {
      return new _ListenFds(void 0, {
        pid: "absent",
        pidfdId: "absent"
      });
    }
    adoptRange(parsed.firstFd, parsed.count);
    const verification = {
      pid: parsed.pid === void 0 ? "absent" : "verified",
      pidfdId: parsed.pidfdId === void 0 ? "absent" : parsed.pidfdIdVerified ? "verified" : "skipped"
    };
    if (skipReason !== void 0) verification.reason = skipReason;
    return new _ListenFds(parsed, verification);
  }
  /**
   * The number of fds that were passed; taking fds does not change it.
   *
   * @returns `LISTEN_FDS`, or 0 when not activated.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * if (ListenFds.fromEnv().length === 0) console.log("not socket-activated");
   * ```
   */
  get length() {
    return this.#fds.length;
  }
  /**
   * The name of every passed fd, in fd order.
   *
   * @returns The names from `LISTEN_FDNAMES`, or `"unknown"` for each fd.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * console.log(ListenFds.fromEnv().names); // [ "http", "admin" ] under systemd
   * ```
   */
  get names() {
    return this.#names;
  }
  /**
   * How the environment was matched to this process.
   *
   * @returns The outcome of the `LISTEN_PID` and `LISTEN_PIDFDID` checks.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const { pidfdId, reason } = ListenFds.fromEnv().verification;
   * if (pidfdId === "skipped") console.warn(`LISTEN_PIDFDID not checked: ${reason}`);
   * ```
   */
  get verification() {
    return {
      ...this.#verification
    };
  }
  /**
   * What `Deno.inspect()` and `console.log()` show: the number of fds, and
   * each fd with its name and whether it was taken, e.g.
   * `ListenFds(2) [ { fd: 3, name: "web", taken: true }, { fd: 4, name: "admin", taken: false } ]`.
   *
   * @param inspect `Deno.inspect`.
   * @param options The inspect options.
   * @returns The text.
   */
  [Symbol.for("Deno.customInspect")](inspect, options) {
    const shown = Math.min(this.length, INSPECT_LIMIT);
    const entries = Array.from({
      length: shown
    }, (_, i) => ({
      fd: this.#firstFd + i,
      name: this.#names[i],
      taken: this.#fds[i] === void 0
    }));
    if (this.length > shown) {
      entries.push(`... ${this.length - shown} more`);
    }
    return `ListenFds(${this.length}) ${inspect(entries, options)}`;
  }
  /**
   * Looks at an fd without taking it: the set still owns it.
   *
   * @param index The position in `LISTEN_FDS` order, from 0.
   * @returns The fd and its name, or `undefined` when the index is out of
   * range or the fd was taken.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const first = ListenFds.fromEnv().borrow(0);
   * console.log(first?.fd, first?.name); // 3 "http" under systemd
   * ```
   */
  borrow(index) {
    const fd = this.#fds[index];
    return fd === void 0 ? void 0 : {
      fd,
      name: this.#names[index]
    };
  }
  /**
   * Takes an fd: ownership (and the duty to close it) moves to the caller.
   * Each fd can be taken once.
   *
   * @param index The position in `LISTEN_FDS` order, from 0.
   * @returns The fd and its name, or `undefined` when the index is out of
   * range or the fd was taken already.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   * import { assertEquals } from "@std/assert";
   *
   * const fds = ListenFds.fromEnv();
   * const first = fds.take(0); // yours to close, if there was one
   * assertEquals(fds.take(0), undefined); // taken already
   * ```
   */
  take(index) {
    const borrowed = this.borrow(index);
    if (borrowed) this.#fds[index] = void 0;
    return borrowed;
  }
  /**
   * Takes every untaken fd with a name.
   *
   * @param name The name from `LISTEN_FDNAMES` (`"unknown"` for unnamed fds).
   * @returns The fds, in fd order; empty when none is left.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const web = ListenFds.fromEnv().takeByName("web");
   * console.log(`${web.length} fds named "web"`);
   * ```
   */
  takeByName(name) {
    const taken = [];
    this.#names.forEach((candidate, index) => {
      if (candidate !== name) return;
      const fd = this.take(index);
      if (fd) taken.push(fd);
    });
    return taken;
  }
  /**
   * The index of the first untaken fd with a name.
   *
   * @param name The name from `LISTEN_FDNAMES`.
   * @returns The index, or -1 when no untaken fd has that name.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const fds = ListenFds.fromEnv();
   * if (fds.indexOf("admin") === -1) console.log("no admin socket: admin API off");
   * ```
   */
  indexOf(name) {
    return this.#names.findIndex((candidate, index) => candidate === name && this.#fds[index] !== void 0);
  }
  /**
   * Inspects an untaken fd (kind, flags, socket family, type, listening state
   * and addresses) without changing it: the `sd_is_socket()` family.
   *
   * @param index The position in `LISTEN_FDS` order, from 0.
   * @returns What the fd is, or `undefined` when the index is out of range or
   * the fd was taken.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const info = ListenFds.fromEnv().inspect(0);
   * console.log(info?.socket?.listening, info?.socket?.address);
   * ```
   */
  inspect(index) {
    const fd = this.#fds[index];
    return fd === void 0 ? void 0 : inspectFd(fd);
  }
  // ---- Hand-off to Deno networking (owned by the adopt/ code; see
  // _adopt/epoll.ts for how an fd is taken over inside Deno's reactor). Each
  // method checks the fd's type first, and marks it taken only on success.
  /**
   * Hands an activated listening TCP (IPv4/IPv6) or Unix stream socket to
   * Deno as a {@linkcode Deno.Listener}: `accept()`, async iteration,
   * `close()`, `ref()`/`unref()`, `addr` (the activated address), and
   * ordinary {@linkcode Deno.Conn}s.
   *
   * @param selector The fd's name (first untaken fd with it) or index.
   * @param options `via`: `"auto"` (default), `"adopt"` or `"node"`.
   * @returns The listener.
   * @throws {ListenFdsError} `FD_NOT_FOUND`, `WRONG_FD_TYPE` (the fd stays
   * untaken), `ADOPTION_FAILED`, `PERMISSION_REQUIRED`.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const fds = ListenFds.fromEnv();
   * if (fds.indexOf("echo") !== -1) {
   *   const listener = fds.takeListener("echo");
   *   for await (const conn of listener) conn.readable.pipeTo(conn.writable);
   * }
   * ```
   */
  takeListener(selector, options = {}) {
    const index = this.#select(selector, "take a listener");
    return this.#handOver(index, (fd) => adoptListener(fd, options));
  }
  /**
   * Listens on the activated socket chosen by `options.name`/`options.index`
   * or, only when the process was not socket-activated at all (development
   * without systemd), binds the address in the ordinary
   * {@linkcode Deno.listen} options itself.
   *
   * Which fd: the first untaken fd named `name`, else the fd at `index`; with
   * neither, the one fd passed, and an `FD_NOT_FOUND` error when several
   * were. When the process was activated, a selector that matches no untaken
   * fd is always an `FD_NOT_FOUND` error, never a fallback: binding the
   * development address would leave the activated socket unanswered. With
   * `fallback: false`, a process that was not activated is a
   * `NOT_ACTIVATED` error instead of a bound address.
   *
   * @param options The selector, `via`, `fallback`, and `Deno.listen()`
   * options.
   * @returns The listener.
   * @throws {ListenFdsError} `FD_NOT_FOUND`, `NOT_ACTIVATED`, and as
   * {@linkcode ListenFds.takeListener}.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * // The socket named "echo" under systemd; port 7000 (here: any free one)
   * // when started by hand.
   * const listener = ListenFds.fromEnv().listen({ name: "echo", port: 0 });
   * console.log(listener.addr);
   * listener.close();
   * ```
   */
  listen(options) {
    const index = this.#handOff(options, "listen");
    if (index !== void 0) return this.takeListener(index, options);
    return Deno.listen(bindOptions(options));
  }
  /**
   * Serves HTTP with {@linkcode Deno.serve}'s behaviour on the activated
   * socket chosen by `options.name`/`options.index` (at native speed) or,
   * only when the process was not socket-activated at all, on the
   * `port`/`hostname`/`path` of the options. `onListen` gets the real
   * address; `onError`, `signal`, `cert`/`key`, `finished` and `shutdown()`
   * work as with `Deno.serve`.
   *
   * The fd is chosen as in {@linkcode ListenFds.listen}: by `name`, else by
   * `index`, else the one fd passed. An activated process never falls back
   * to the address: a selector that matches no untaken fd (a typo, or a
   * socket unit whose `FileDescriptorName=` differs) is `FD_NOT_FOUND`.
   * `fallback: false` also refuses to bind when not activated
   * (`NOT_ACTIVATED`).
   *
   * @param options The selector, `via`, `fallback`, and `Deno.serve()`
   * options.
   * @param handler The handler, unless `options.handler` is given.
   * @returns The server.
   * @throws {ListenFdsError} `INVALID_ARGUMENT` without a handler,
   * `FD_NOT_FOUND`, `NOT_ACTIVATED`, and as
   * {@linkcode ListenFds.takeListener}.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * // The socket named "http" under systemd; port 8000 (here: any free one)
   * // when started by hand.
   * const server = ListenFds.fromEnv().serve({
   *   name: "http",
   *   port: 0,
   *   onListen: (addr) => console.log("listening on", addr),
   *   handler: () => new Response("hello\n"),
   * });
   * await server.shutdown();
   * ```
   */
  serve(options, handler) {
    const serveHandler = handler ?? options.handler;
    if (serveHandler === void 0) {
      throw new ListenFdsError("Cannot serve HTTP: no handler was given", {
        code: "INVALID_ARGUMENT"
      });
    }
    const index = this.#handOff(options, "serve HTTP");
    if (index === void 0) {
      return Deno.serve({
        ...bindOptions(options),
        handler: serveHandler
      });
    }
    return this.#handOver(index, (fd) => adoptServe(fd, {
      ...options,
      handler: serveHandler
    }));
  }
  /**
   * Hands an activated UDP or Unix datagram socket to Deno as a
   * {@linkcode Deno.DatagramConn} (needs `--unstable-net`).
   *
   * @param selector The fd's name or index.
   * @returns The datagram socket; `addr` is the activated address.
   * @throws {ListenFdsError} `FD_NOT_FOUND`, `WRONG_FD_TYPE`,
   * `UNSTABLE_API_REQUIRED`, `ADOPTION_FAILED`, `PERMISSION_REQUIRED`.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const fds = ListenFds.fromEnv();
   * if (fds.indexOf("dns") !== -1) {
   *   const socket = fds.takeDatagram("dns");
   *   for await (const [data, from] of socket) await socket.send(data, from);
   * }
   * ```
   */
  takeDatagram(selector) {
    const index = this.#select(selector, "take a datagram socket");
    return this.#handOver(index, adoptDatagram);
  }
  /**
   * Hands an activated connected stream socket (`Accept=yes`: one
   * connection per service instance, usually named `"connection"`) to Deno
   * as a {@linkcode Deno.Conn} with its real local and peer addresses.
   *
   * @param selector The fd's name or index.
   * @returns The connection.
   * @throws {ListenFdsError} `FD_NOT_FOUND`, `WRONG_FD_TYPE`,
   * `ADOPTION_FAILED`, `PERMISSION_REQUIRED`.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const fds = ListenFds.fromEnv();
   * if (fds.indexOf("connection") !== -1) {
   *   const conn = await fds.takeConn("connection");
   *   await conn.readable.pipeTo(conn.writable);
   * }
   * ```
   */
  async takeConn(selector) {
    const index = this.#select(selector, "take a connection");
    const fd = this.#fds[index];
    this.#fds[index] = void 0;
    try {
      return await adoptConn(fd);
    } catch (error) {
      this.#fds[index] = fd;
      throw error;
    }
  }
  /**
   * Hands an activated FIFO, regular file or character device
   * (`ListenFIFO=`, `ListenSpecial=`) to Deno as a {@linkcode Deno.FsFile}
   * opened for the fd's access mode.
   *
   * @param selector The fd's name or index.
   * @returns The file.
   * @throws {ListenFdsError} `FD_NOT_FOUND`, `WRONG_FD_TYPE`,
   * `ADOPTION_FAILED`, `PERMISSION_REQUIRED`.
   *
   * @example Usage
   * ```ts
   * import { ListenFds } from "@listen-fds/listen-fds";
   *
   * const fds = ListenFds.fromEnv();
   * if (fds.indexOf("control") !== -1) {
   *   const fifo = fds.takeFile("control");
   *   for await (const chunk of fifo.readable) console.log(chunk.length);
   * }
   * ```
   */
  takeFile(selector) {
    const index = this.#select(selector, "take a file");
    return this.#handOver(index, adoptFile);
  }
  /**
   * Hands the fd at `index` to `adopt`, and takes it once `adopt` succeeded
   * (a failed hand-off leaves the fd in the set).
   */
  #handOver(index, adopt) {
    const handed = adopt(this.#fds[index]);
    this.take(index);
    return handed;
  }
  /**
   * The untaken fd a fallback-capable hand-off uses, or `undefined` when the
   * process was not activated at all and the hand-off may bind its address.
   */
  #handOff(options, what) {
    if (this.length === 0) {
      if (options.fallback === false) {
        throw this.#notActivated(`${what} with fallback: false`);
      }
      return void 0;
    }
    if (options.name !== void 0) return this.#select(options.name, what);
    if (options.index !== void 0) return this.#select(options.index, what);
    if (this.length === 1) return this.#select(0, what);
    throw new ListenFdsError(`Cannot ${what}: ${this.length} fds were passed (${this.#listNames()}) and neither name nor index chooses one`, {
      code: "FD_NOT_FOUND"
    });
  }
  // ---- End of the hand-off section.
  /**
   * Resolves a selector to the index of an untaken fd.
   *
   * @param selector A name (the first untaken fd with it) or an index.
   * @param what What the caller is about to do, for the error message.
   * @returns The index.
   * @throws {ListenFdsError} `NOT_ACTIVATED` when no fd was passed at all,
   * `FD_NOT_FOUND` when nothing matches.
   */
  #select(selector, what) {
    if (this.length === 0) throw this.#notActivated(what);
    const index = typeof selector === "number" ? selector : this.indexOf(selector);
    if (index >= 0 && this.#fds[index] !== void 0) return index;
    let reason;
    if (typeof selector === "number") {
      reason = `no untaken fd at index ${selector} of ${this.length}`;
    } else {
      reason = `no untaken fd named "${selector}" in ${this.#listNames()}`;
      if (!this.#names.includes(selector)) {
        reason += `; the names come from LISTEN_FDNAMES: check FileDescriptorName= of the socket unit (it defaults to the unit's name, e.g. "web.socket") or --fdname of systemd-socket-activate or the launcher (without it, every fd is named "${UNKNOWN_NAME}")`;
      }
    }
    throw new ListenFdsError(`Cannot ${what}: ${reason}`, {
      code: "FD_NOT_FOUND",
      value: String(selector)
    });
  }
  /** The names as `["web", "admin" (taken)]`, for error messages. */
  #listNames() {
    const shown = this.#names.slice(0, INSPECT_LIMIT).map((name, i) => `"${name}"${this.#fds[i] === void 0 ? " (taken)" : ""}`);
    if (this.length > shown.length) {
      shown.push(`... ${this.length - shown.length} more`);
    }
    return `[${shown.join(", ")}]`;
  }
  #notActivated(what) {
    return new ListenFdsError(`Cannot ${what}: the process was not socket-activated (LISTEN_FDS is not set); start it from a systemd socket unit, systemd-socket-activate or the launcher (launch.ts)`, {
      code: "NOT_ACTIVATED",
      variable: "LISTEN_FDS"
    });
  }
};
function readProcessEnv() {
  const env = {};
  const names = [
    "LISTEN_FDS",
    ...LISTEN_VARIABLES.filter((name) => name !== "LISTEN_FDS")
  ];
  for (const name of names) {
    try {
      env[name] = readVariable(name);
    } catch (error) {
      if (error instanceof ListenFdsError) return {
        env,
        error
      };
      throw error;
    }
    if (name === "LISTEN_FDS" && env[name] === void 0) break;
  }
  return {
    env
  };
}
function readVariable(name) {
  try {
    return readEnv(name, {
      allow: LISTEN_VARIABLES.join(",")
    });
  } catch (error) {
    if (!(error instanceof Deno.errors.InvalidData)) throw error;
    try {
      return getenvBytes(name);
    } catch (cause) {
      if (!(cause instanceof ListenFdsError)) throw cause;
      throw new ListenFdsError(`Cannot read ${name}: its value is not valid UTF-8, and reading its bytes failed: ${cause.message}`, {
        code: cause.code,
        variable: name,
        cause
      });
    }
  }
}
function checkSameOptions(first, later) {
  for (const key of [
    "unsetEnv",
    "pid"
  ]) {
    const value = later[key];
    if (value !== void 0 && value !== first[key]) {
      throw new ListenFdsError(`Cannot read the environment with ${key}: ${value}: ListenFds.fromEnv() already read it with ${key}: ${first[key]}, and every later call shares that result (pass the same options, none, or options.env for a private set)`, {
        code: "INVALID_ARGUMENT",
        value: String(value)
      });
    }
  }
}
function closeOnExecAnnounced(env) {
  let range;
  try {
    range = parseListenFdRange(env);
  } catch {
    return;
  }
  try {
    closeOnExecRange(range.firstFd, range.firstFd + range.count - 1);
  } catch {
  }
}
function closeOnExecRange(first, last) {
  const c = libc();
  if (c.close_range?.(first, last, LINUX.CLOSE_RANGE_CLOEXEC) === 0) return;
  const status = readProcFile("/proc/self/status") ?? "";
  const size = Number(/^FDSize:\s*(\d+)/m.exec(status)?.[1] ?? 65536);
  for (let fd = first; fd <= Math.min(last, size - 1); fd++) {
    const flags = c.fcntl(fd, LINUX.F_GETFD, 0);
    if (flags !== -1 && !(flags & LINUX.FD_CLOEXEC)) {
      c.fcntl(fd, LINUX.F_SETFD, flags | LINUX.FD_CLOEXEC);
    }
  }
}
function adoptRange(firstFd, count) {
  const c = libc();
  const last = firstFd + count - 1;
  const source = "LISTEN_FDS";
  for (let fd = firstFd; fd <= last; fd++) {
    const flags = c.fcntl(fd, LINUX.F_GETFD, 0);
    if (flags === -1) {
      const closed = errno() === LINUX.EBADF;
      throw syscallError(closed ? `Cannot use fd ${fd} from ${source}: it is not open` : `Cannot use fd ${fd} from ${source}`, "fcntl", fd, closed ? "FD_NOT_OPEN" : "SYSCALL_FAILED", {
        variable: "LISTEN_FDS",
        value: String(count)
      });
    }
    if (flags & LINUX.FD_CLOEXEC) {
      throw new ListenFdsError(`Cannot use fd ${fd} from ${source}: it is close-on-exec, so it was not inherited from the service manager but opened by this process (often by the Deno runtime)`, {
        code: "FD_NOT_INHERITED",
        fd,
        variable: "LISTEN_FDS",
        value: String(count)
      });
    }
  }
  for (let fd = firstFd; fd <= last; fd++) {
    if (c.fcntl(fd, LINUX.F_SETFD, LINUX.FD_CLOEXEC) === -1) {
      throw syscallError(`Cannot make fd ${fd} close-on-exec`, "fcntl", fd);
    }
  }
}

export {
  adoptInetdConn,
  ListenFds
};

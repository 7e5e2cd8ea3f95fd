// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  inspectFd,
  socketAddress,
  statFd
} from "./chunk-J6QSTLGZ.js";
import {
  LINUX,
  SOCKADDR_UN,
  cString,
  epollEvent,
  fdLinkIs,
  libc,
  listOpenFds,
  readEpollTargets,
  syscallError
} from "./chunk-RG433I5V.js";
import {
  ListenFdsError,
  checkMilliseconds
} from "./chunk-CDRIS56Y.js";

// _adopt/epoll.ts
function findPlaceholder(predicate, exclude, action, slot) {
  if (slot !== void 0 && slot > 2 && slot !== exclude && predicate(slot)) {
    return {
      fd: slot,
      inode: statFd(slot).inode
    };
  }
  const found = listOpenFds().filter((fd2) => fd2 > 2 && fd2 !== exclude && predicate(fd2));
  if (found.length !== 1) {
    throw new ListenFdsError(`Cannot ${action}: found ${found.length} fds matching the placeholder, expected 1`, {
      code: "ADOPTION_FAILED",
      fd: exclude
    });
  }
  const fd = found[0];
  return {
    fd,
    inode: statFd(fd).inode
  };
}
var eventpollLink;
var lastEpoll;
function registrationsOf(fd, inode) {
  const link = eventpollLink ??= cString("anon_inode:[eventpoll]").subarray(0, -1);
  const held = (epfd) => {
    const found2 = [];
    if (!fdLinkIs(epfd, link)) return found2;
    for (const target of readEpollTargets(epfd)) {
      if (target.fd === fd && target.inode === inode) {
        found2.push({
          ...target,
          epfd
        });
      }
    }
    if (found2.length > 0) lastEpoll = epfd;
    return found2;
  };
  const last = lastEpoll;
  let found = last === void 0 ? [] : held(last);
  for (let n = 0; n < fd && found.length === 0; n++) {
    if (n !== last) found = held(n);
  }
  if (found.length > 0) return found;
  for (const n of listOpenFds()) {
    if (n > fd && n !== last && (found = held(n)).length > 0) break;
  }
  return found;
}
function setNonBlocking(fd, on, action) {
  const c = libc();
  const flags = c.fcntl(fd, LINUX.F_GETFL, 0);
  if (flags === -1) throw adoptionError(action, "fcntl", fd);
  const wanted = on ? flags | LINUX.O_NONBLOCK : flags & ~LINUX.O_NONBLOCK;
  if (wanted !== flags && c.fcntl(fd, LINUX.F_SETFL, wanted) === -1) {
    throw adoptionError(action, "fcntl", fd);
  }
}
function adoptionError(action, syscall, fd) {
  return syscallError(`Cannot ${action}`, syscall, fd, "ADOPTION_FAILED");
}
function takeOver(source, target, options) {
  const c = libc();
  const { action } = options;
  const before = options.registered ? registrationsOf(target.fd, target.inode) : [];
  if (options.registered && before.length === 0) {
    throw new ListenFdsError(`Cannot ${action}: the placeholder fd ${target.fd} is not registered in any epoll instance`, {
      code: "ADOPTION_FAILED",
      fd: source
    });
  }
  const sourceInode = statFd(source).inode;
  setNonBlocking(source, options.nonBlocking, action);
  duplicateInto(source, target.fd, action);
  const undo = register(before, target.fd, sourceInode, source, action);
  const verified = statFd(target.fd).inode === sourceInode && before.every((registration) => readEpollTargets(registration.epfd).some((t) => t.fd === target.fd && t.inode === sourceInode && t.events === registration.events && t.data === registration.data));
  if (!verified) {
    undo();
    throw new ListenFdsError(`Cannot ${action}: the runtime's registration of fd ${target.fd} does not show inode ${sourceInode} after the takeover`, {
      code: "ADOPTION_FAILED",
      fd: source
    });
  }
  if (options.closeSource ?? true) c.close(source);
}
function duplicateInto(source, target, action) {
  const c = libc();
  const dup3 = c.dup3;
  const duplicated = dup3 ? dup3(source, target, LINUX.O_CLOEXEC) : c.dup2(source, target);
  if (duplicated === -1) {
    throw adoptionError(action, dup3 ? "dup3" : "dup2", source);
  }
  if (!dup3) c.fcntl(target, LINUX.F_SETFD, LINUX.FD_CLOEXEC);
}
function register(before, target, sourceInode, source, action) {
  const c = libc();
  const added = [];
  const undo = () => {
    for (const registration of added) {
      c.epoll_ctl(registration.epfd, LINUX.EPOLL_CTL_DEL, target, epollEvent(0, 0n));
    }
  };
  for (const registration of before) {
    const present = readEpollTargets(registration.epfd).some((t) => t.fd === target && t.inode === sourceInode);
    if (present) continue;
    const result = c.epoll_ctl(registration.epfd, LINUX.EPOLL_CTL_ADD, target, epollEvent(registration.events, registration.data));
    if (result === -1) {
      const error = adoptionError(action, "epoll_ctl", source);
      undo();
      throw error;
    }
    added.push(registration);
  }
  return undo;
}
function detachListener(fd, inode) {
  let current;
  try {
    current = statFd(fd).inode;
  } catch {
    return false;
  }
  if (current !== inode) return false;
  const c = libc();
  for (const registration of registrationsOf(fd, inode)) {
    c.epoll_ctl(registration.epfd, LINUX.EPOLL_CTL_DEL, fd, epollEvent(0, 0n));
  }
  if (registrationsOf(fd, inode).length > 0) return false;
  const dummy = c.socket(LINUX.AF_UNIX, LINUX.SOCK_STREAM | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC, 0);
  if (dummy === -1) return false;
  try {
    const family = new Uint8Array(SOCKADDR_UN.sun_path);
    new DataView(family.buffer).setUint16(SOCKADDR_UN.sun_family, LINUX.AF_UNIX, true);
    if (c.bind(dummy, family, family.length) === -1) return false;
    if (c.listen(dummy, 0) === -1) return false;
    const dup3 = c.dup3;
    const duplicated = dup3 ? dup3(dummy, fd, LINUX.O_CLOEXEC) : c.dup2(dummy, fd);
    if (duplicated === -1) return false;
    if (!dup3) c.fcntl(fd, LINUX.F_SETFD, LINUX.FD_CLOEXEC);
    return true;
  } finally {
    c.close(dummy);
  }
}

// _adopt/node.ts
function ignore() {
}
function deferredNodeListener(fd, addr) {
  return new DeferredListener(import("./node_net-H6MAIPAF.js").then((module) => module.nodeListener(fd, addr)), addr);
}
var DeferredListener = class {
  #inner;
  #closed = false;
  addr;
  constructor(inner, addr) {
    this.#inner = inner;
    this.addr = addr;
  }
  accept() {
    if (this.#closed) {
      return Promise.reject(new Deno.errors.BadResource("Listener has been closed"));
    }
    return this.#inner.then((listener) => listener.accept());
  }
  close() {
    if (this.#closed) {
      throw new Deno.errors.BadResource("Listener has been closed");
    }
    this.#closed = true;
    this.#inner.then((listener) => listener.close(), ignore);
  }
  ref() {
    this.#inner.then((listener) => listener.ref(), ignore);
  }
  unref() {
    this.#inner.then((listener) => listener.unref(), ignore);
  }
  async *[Symbol.asyncIterator]() {
    yield* await this.#inner;
  }
  [Symbol.dispose]() {
    if (!this.#closed) this.close();
  }
};
function deferredNodeServe(fd, addr, options) {
  const inner = import("./node_http-CUDFHZ7C.js").then((module) => module.nodeServe(fd, addr, options));
  const shutdown = () => inner.then((server) => server.shutdown());
  return {
    addr,
    finished: inner.then((server) => server.finished),
    shutdown,
    ref: () => void inner.then((server) => server.ref(), ignore),
    unref: () => void inner.then((server) => server.unref(), ignore),
    [Symbol.asyncDispose]: shutdown
  };
}

// _adopt/placeholder.ts
var PLACEHOLDER_HOSTNAME = "127.0.0.1";
var UNIX_PLACEHOLDER_PERMISSIONS = '--allow-read and --allow-write on the temporary directory and, from Deno 2.9, an unscoped --allow-net (or use via: "node")';
function requireFd(fd, action, accept) {
  const info = inspectFd(fd);
  const reason = accept(info);
  if (reason !== void 0) {
    throw new ListenFdsError(`Cannot ${action}: ${reason}`, {
      code: "WRONG_FD_TYPE",
      fd
    });
  }
  return info;
}
function describeMismatch(info) {
  if (!info.socket) return `it is a "${info.kind}", not a socket`;
  const { family, type, listening } = info.socket;
  return `socket family is "${family}", type is "${type}"${listening ? ", listening" : ", not listening"}`;
}
function requireSocket(fd, action, type, listening) {
  const info = requireFd(fd, action, (info2) => {
    const socket2 = info2.socket;
    if (!socket2) return describeMismatch(info2);
    if (socket2.type !== type) return `socket type is "${socket2.type}"`;
    if (![
      "inet",
      "inet6",
      "unix"
    ].includes(socket2.family)) {
      return `socket family is "${socket2.family}"`;
    }
    if (listening === true && !socket2.listening) {
      return "the socket is not listening";
    }
    if (listening === false && socket2.listening) {
      return "the socket is listening, not connected";
    }
    return void 0;
  });
  const socket = info.socket;
  return {
    socket,
    address: socket.address
  };
}
function withPermission(action, hint, fn) {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ListenFdsError(`Cannot ${action}: the placeholder needs ${hint} (${error.message})`, {
        code: "PERMISSION_REQUIRED",
        cause: error
      });
    }
    throw error;
  }
}
function privateSocketPath(action) {
  const dir = withPermission(action, "--allow-read and --allow-write on the temporary directory", () => Deno.makeTempDirSync({
    prefix: "listen-fds-"
  }));
  const path = `${dir}/placeholder.sock`;
  let removed = false;
  return {
    path,
    remove() {
      if (removed) return;
      removed = true;
      try {
        Deno.removeSync(dir, {
          recursive: true
        });
      } catch {
      }
    }
  };
}
function lowestFreeFd(fd) {
  const c = libc();
  const copy = c.fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 0);
  if (copy === -1) return void 0;
  c.close(copy);
  return copy;
}
function withPlaceholder(socket, bind, use) {
  const { fd, unix, action } = socket;
  if (!unix) {
    const place2 = {
      hostname: PLACEHOLDER_HOSTNAME,
      port: 0
    };
    const hint = `--allow-net=${PLACEHOLDER_HOSTNAME}`;
    const slot = lowestFreeFd(fd);
    return use(withPermission(action, hint, () => bind(place2)), place2, slot);
  }
  const socketPath = privateSocketPath(action);
  const place = {
    path: socketPath.path
  };
  let result;
  try {
    const hint = UNIX_PLACEHOLDER_PERMISSIONS;
    const slot = lowestFreeFd(fd);
    result = use(withPermission(action, hint, () => bind(place)), place, slot);
  } catch (error) {
    socketPath.remove();
    throw error;
  }
  if (!(result instanceof Promise)) {
    socketPath.remove();
    return result;
  }
  return result.finally(() => socketPath.remove());
}
function listenAt(place) {
  return "path" in place ? Deno.listen({
    transport: "unix",
    path: place.path
  }) : Deno.listen(place);
}
function placeholderMatcher(local, peer) {
  const transport = local.transport;
  return (fd) => {
    if (!sameAddress(socketAddress(fd, "getsockname", transport), local)) {
      return false;
    }
    return peer === void 0 || sameAddress(socketAddress(fd, "getpeername", transport), peer);
  };
}
function sameAddress(actual, expected) {
  if (actual === void 0) return false;
  if ("path" in expected) {
    return "path" in actual && actual.path === expected.path;
  }
  return "hostname" in actual && "hostname" in expected && actual.hostname === expected.hostname && actual.port === expected.port;
}
function setAddress(object, property, value) {
  Object.defineProperty(object, property, {
    value,
    enumerable: true,
    configurable: true,
    writable: false
  });
}
function adoptIntoPlaceholder(placeholder, adoption) {
  const { fd, address, action, release } = adoption;
  let slot;
  try {
    const found = findPlaceholder(placeholderMatcher(placeholder.addr), fd, action, adoption.slot);
    const { inode } = statFd(fd);
    takeOver(fd, found, {
      registered: true,
      nonBlocking: true,
      action
    });
    slot = {
      fd: found.fd,
      inode
    };
  } catch (error) {
    release();
    throw error;
  }
  setAddress(placeholder, "addr", address);
  return slot;
}

// _adopt/policy.ts
function nodeFdSupported(version = Deno.version.deno) {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  return major > 2 || major === 2 && (minor > 8 || minor === 8 && patch >= 3);
}
function chooseVia(fd, action, options, adopt, node) {
  const via = options.via ?? "auto";
  if (via === "node") {
    if (!nodeFdSupported()) {
      throw new ListenFdsError(`Cannot ${action} through node: node:net cannot listen on an fd before Deno 2.8.3, this is ${Deno.version.deno}`, {
        code: "UNSUPPORTED_PLATFORM",
        fd
      });
    }
    return node();
  }
  try {
    return adopt();
  } catch (error) {
    if (via === "adopt" || !(error instanceof ListenFdsError) || error.code !== "ADOPTION_FAILED") throw error;
    if (!nodeFdSupported()) {
      throw new ListenFdsError(`${error.message}; the node:net fallback needs Deno 2.8.3 or later, this is ${Deno.version.deno}`, {
        code: "ADOPTION_FAILED",
        fd,
        cause: error
      });
    }
    return node();
  }
}
function bindOptions(options) {
  const { name: _name, index: _index, via: _via, fallback: _fallback, ...bind } = options;
  return bind;
}

// _adopt/serve.ts
function defaultOnListen(addr, tls) {
  if ("path" in addr) {
    console.error(`Listening on ${addr.path}`);
    return;
  }
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  console.error(`Listening on ${tls ? "https" : "http"}://${host}:${addr.port}/`);
}
function adoptServe(fd, options) {
  const action = `serve HTTP on fd ${fd}`;
  const { address } = requireSocket(fd, action, "stream", true);
  const tls = options.cert !== void 0 && options.key !== void 0;
  const server = chooseVia(fd, action, options, () => serveNatively(fd, address, options, action), () => deferredNodeServe(fd, address, options));
  (options.onListen ?? ((addr) => defaultOnListen(addr, tls)))(address);
  return server;
}
var QUIET_MS = 100;
var POLL_MS = 10;
function countingHandler(handler, state) {
  return (request, info) => {
    state.requests++;
    if (!state.draining) return handler(request, info);
    const response = handler(request, info);
    return response instanceof Promise ? response.then(closeAfter) : closeAfter(response);
  };
}
function closeAfter(response) {
  if (!(response instanceof Response) || response.status === 101) {
    return response;
  }
  try {
    response.headers.set("connection", "close");
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set("connection", "close");
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers
    });
  }
}
function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
async function drain(listener, state, timeout) {
  state.draining = true;
  const connections = listener.tcp ? await import("./_connections-4T6G4J5H.js") : null;
  const address = connections?.listenerAddress(listener.fd);
  if (!detachListener(listener.fd, listener.inode)) return;
  const start = performance.now();
  if (connections && address) {
    while (true) {
      const expired = performance.now() - start >= timeout;
      const { silent, busy } = connections.countConnections(address, {
        shutDownSilent: expired
      });
      if (silent + busy === 0 || expired) return;
      await delay(POLL_MS);
    }
  }
  let seen = state.requests;
  let quietSince = start;
  while (true) {
    await delay(POLL_MS);
    const now = performance.now();
    if (state.requests !== seen) {
      seen = state.requests;
      quietSince = now;
    }
    if (now - quietSince >= QUIET_MS || now - start >= timeout) return;
  }
}
function drainOnShutdown(server, listener, options) {
  const close = server.shutdown.bind(server);
  let stopping;
  const shutdown = () => {
    stopping ??= drain(listener, options.state, options.timeout).then(close, close);
    return stopping;
  };
  Object.defineProperty(server, "shutdown", {
    value: shutdown,
    enumerable: true,
    configurable: true,
    writable: true
  });
  const signal = options.signal;
  if (signal?.aborted) void shutdown();
  else signal?.addEventListener("abort", () => void shutdown(), {
    once: true
  });
}
function serveNatively(fd, address, options, action) {
  const { serveOptions, handler, drain: drain2 } = placeholderOptions(fd, address, options, action);
  return withPlaceholder({
    fd,
    unix: "path" in address,
    action
  }, (place) => Deno.serve({
    ...serveOptions,
    ...place,
    onListen() {
    },
    handler
  }), (server, _place, slot) => {
    const listener = adoptIntoPlaceholder(server, {
      fd,
      address,
      action,
      release: () => void server.shutdown(),
      slot
    });
    if (drain2) {
      const { signal, ...rest } = drain2;
      drainOnShutdown(server, {
        ...listener,
        tcp: !("path" in address)
      }, signal === void 0 ? rest : {
        ...rest,
        signal
      });
    }
    return server;
  });
}
var ADDRESS_FIELDS = [
  "port",
  "hostname",
  "path",
  "transport",
  "reusePort",
  "tcpBacklog",
  "name",
  "index",
  "cid"
];
function withPeer(handler, address) {
  return (request, info) => handler(request, {
    remoteAddr: address,
    get completed() {
      return info.completed;
    }
  });
}
function placeholderOptions(fd, address, options, action) {
  const { via: _via, onListen: _onListen, handler: userHandler, cert, key, drainTimeout = 1e3, signal, ...rest } = options;
  checkMilliseconds(drainTimeout, `Cannot ${action}: drainTimeout`, {
    fd
  });
  for (const field of ADDRESS_FIELDS) delete rest[field];
  const state = drainTimeout > 0 ? {
    requests: 0,
    draining: false
  } : void 0;
  if (!state && signal !== void 0) rest.signal = signal;
  let handler = state ? countingHandler(userHandler, state) : userHandler;
  if ("path" in address) {
    if (cert !== void 0 || key !== void 0) {
      throw new ListenFdsError(`Cannot ${action}: TLS (cert and key) is not supported on a Unix socket`, {
        code: "INVALID_ARGUMENT",
        fd
      });
    }
    handler = withPeer(handler, address);
  } else if (cert !== void 0 && key !== void 0) {
    Object.assign(rest, {
      cert,
      key
    });
  }
  const drain2 = state && {
    state,
    timeout: drainTimeout,
    signal
  };
  return {
    serveOptions: rest,
    handler,
    drain: drain2
  };
}

export {
  deferredNodeListener,
  findPlaceholder,
  takeOver,
  requireFd,
  describeMismatch,
  requireSocket,
  withPermission,
  withPlaceholder,
  listenAt,
  placeholderMatcher,
  setAddress,
  adoptIntoPlaceholder,
  chooseVia,
  bindOptions,
  defaultOnListen,
  adoptServe
};

// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _errors.ts
var checkMilliseconds = (function checkMilliseconds(value, what, options = {}) {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ListenFdsError(
      `${what} ${value} ms is not a finite non-negative number`,
      { code: "INVALID_ARGUMENT", value: String(value), fd: options.fd }
    );
  }
});
var isCanonicalDecimal = (function isCanonicalDecimal(value) {
  if (value.length === 0 || value.length > 1 && value[0] === "0") {
    return false;
  }
  for (let at = 0; at < value.length; at++) {
    const code = value.charCodeAt(at);
    if (code < 48 || code > 57) return false;
  }
  return true;
});
var readEnv = (function readEnv(name, options = {}) {
  try {
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ListenFdsError(
        `Cannot read ${name}: run again with --allow-env=${options.allow ?? name}`,
        { code: "PERMISSION_REQUIRED", variable: name, cause: error }
      );
    }
    throw error;
  }
});
var readOptionalEnv = (function readOptionalEnv(name) {
  try {
    if (Deno.stdin.isTerminal() && Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return void 0;
    }
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return void 0;
    if (error instanceof Deno.errors.InvalidData) {
      throw new ListenFdsError(
        `Cannot use ${name}: its value is not valid UTF-8`,
        { code: "INVALID_ARGUMENT", variable: name, cause: error }
      );
    }
    throw error;
  }
});
var unsetEnv = (function unsetEnv(names) {
  for (const name of names) {
    try {
      Deno.env.delete(name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotCapable)) throw error;
    }
  }
});
var isLinuxArch = (function isLinuxArch(arch) {
  return Object.hasOwn(ARCH_LAYOUTS, arch);
});
var viewOf = (function viewOf(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
});
var addressOf = (function addressOf(buffer) {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
});
var readStatx = (function readStatx(bytes) {
  const view = viewOf(bytes);
  return {
    mode: view.getUint16(STATX.stx_mode, LE),
    inode: view.getBigUint64(STATX.stx_ino, LE)
  };
});
var readStat = (function readStat(bytes) {
  const view = viewOf(bytes);
  return {
    mode: view.getUint32(STAT.st_mode, LE),
    inode: view.getBigUint64(STAT.st_ino, LE)
  };
});
var readStatfsType = (function readStatfsType(bytes) {
  return Number(viewOf(bytes).getBigInt64(STATFS.f_type, LE));
});
var fileHandle = (function fileHandle() {
  const bytes = new Uint8Array(FILE_HANDLE.size);
  viewOf(bytes).setUint32(
    FILE_HANDLE.handle_bytes,
    FILE_HANDLE.capacity,
    LE
  );
  return bytes;
});
var readPidfsHandle = (function readPidfsHandle(bytes) {
  return viewOf(bytes).getBigUint64(FILE_HANDLE.f_handle, LE);
});
var epollEvent = (function epollEvent(events, data) {
  const bytes = new Uint8Array(EPOLL_EVENT.size);
  const view = viewOf(bytes);
  view.setUint32(EPOLL_EVENT.events, events, LE);
  view.setBigUint64(EPOLL_EVENT.data, data, LE);
  return bytes;
});
var readEpollEvent = (function readEpollEvent(bytes) {
  const view = viewOf(bytes);
  return {
    events: view.getUint32(EPOLL_EVENT.events, LE),
    data: view.getBigUint64(EPOLL_EVENT.data, LE)
  };
});
var readTimespecMicroseconds = (function readTimespecMicroseconds(bytes) {
  const view = viewOf(bytes);
  return view.getBigInt64(TIMESPEC.tv_sec, LE) * 1000000n + view.getBigInt64(TIMESPEC.tv_nsec, LE) / 1000n;
});
var cmsgAlign = (function cmsgAlign(length) {
  return Math.ceil(length / CMSGHDR.align) * CMSGHDR.align;
});
var cmsgSpace = (function cmsgSpace(length) {
  return CMSGHDR.data + cmsgAlign(length);
});
var buildMsghdr = (function buildMsghdr(parts) {
  const base = parts.data.length === 0 ? new Uint8Array(1) : parts.data;
  const iov = new Uint8Array(IOVEC.size);
  const iovView = viewOf(iov);
  iovView.setBigUint64(IOVEC.iov_base, addressOf(base), LE);
  iovView.setBigUint64(IOVEC.iov_len, BigInt(parts.data.length), LE);
  const keep = [base, iov];
  const header = new Uint8Array(MSGHDR.size);
  const view = viewOf(header);
  if (parts.name) {
    view.setBigUint64(MSGHDR.msg_name, addressOf(parts.name), LE);
    view.setUint32(
      MSGHDR.msg_namelen,
      parts.nameLength ?? parts.name.length,
      LE
    );
    keep.push(parts.name);
  }
  view.setBigUint64(MSGHDR.msg_iov, addressOf(iov), LE);
  view.setBigUint64(MSGHDR.msg_iovlen, 1n, LE);
  if (parts.control && parts.control.length > 0) {
    view.setBigUint64(MSGHDR.msg_control, addressOf(parts.control), LE);
    view.setBigUint64(
      MSGHDR.msg_controllen,
      BigInt(parts.control.length),
      LE
    );
    keep.push(parts.control);
  }
  return { header, keep };
});
var readMsghdr = (function readMsghdr(header) {
  const view = viewOf(header);
  return {
    controlLength: Number(view.getBigUint64(MSGHDR.msg_controllen, LE)),
    flags: view.getInt32(MSGHDR.msg_flags, LE)
  };
});
var scmRights = (function scmRights(fds) {
  const length = 4 * fds.length;
  const bytes = new Uint8Array(cmsgSpace(length));
  const view = viewOf(bytes);
  view.setBigUint64(CMSGHDR.cmsg_len, BigInt(CMSGHDR.data + length), LE);
  view.setInt32(CMSGHDR.cmsg_level, LINUX.SOL_SOCKET, LE);
  view.setInt32(CMSGHDR.cmsg_type, LINUX.SCM_RIGHTS, LE);
  fds.forEach((fd, i) => view.setInt32(CMSGHDR.data + 4 * i, fd, LE));
  return bytes;
});
var readScmRights = (function readScmRights(control, length) {
  const view = viewOf(control);
  const fds = [];
  for (let offset = 0; offset + CMSGHDR.data <= length; ) {
    const cmsgLength = Number(view.getBigUint64(offset + CMSGHDR.cmsg_len, LE));
    if (cmsgLength < CMSGHDR.data) break;
    const level = view.getInt32(offset + CMSGHDR.cmsg_level, LE);
    const type = view.getInt32(offset + CMSGHDR.cmsg_type, LE);
    if (level === LINUX.SOL_SOCKET && type === LINUX.SCM_RIGHTS) {
      for (let at = CMSGHDR.data; at + 4 <= cmsgLength; at += 4) {
        fds.push(view.getInt32(offset + at, LE));
      }
    }
    offset += cmsgAlign(cmsgLength);
  }
  return fds;
});
var decodeWaitStatus = (function decodeWaitStatus(status) {
  const signal = status & 127;
  return signal === 0 ? { code: status >> 8 & 255, signal: void 0 } : { code: void 0, signal };
});
var libcCandidates = (function libcCandidates(build = Deno.build) {
  if (build.os !== "linux") {
    throw new ListenFdsError(
      `Cannot load the C library: operating system "${build.os}" is not supported, listen-fds runs on Linux only`,
      { code: "UNSUPPORTED_PLATFORM" }
    );
  }
  if (!isLinuxArch(build.arch)) {
    throw new ListenFdsError(
      `Cannot load the C library: architecture "${build.arch}" is not supported, only x86_64 and aarch64`,
      { code: "UNSUPPORTED_PLATFORM" }
    );
  }
  const override = readOptionalEnv(LIBC_PATH_VARIABLE);
  return override ? [override, "libc.so.6"] : ["libc.so.6"];
});
var libc = (function libc() {
  if (bound) return bound;
  const { path, handle } = findLibc(libcCandidates());
  const symbols = {
    ...handle.symbols,
    ...activationFunctions(handle.symbols)
  };
  Object.setPrototypeOf(
    symbols,
    new Proxy({}, {
      get(_, name) {
        if (typeof name !== "string" || !(name in SYMBOLS)) return void 0;
        const group = GROUPS.find(
          (names) => names.includes(name)
        ) ?? [name];
        const table = Object.fromEntries(
          group.map((member) => [member, SYMBOLS[member]])
        );
        const library = Deno.dlopen(path, table);
        handles.push(library);
        Object.assign(symbols, library.symbols);
        return symbols[name];
      }
    })
  );
  bound = symbols;
  return bound;
});
var systemCall = (function systemCall(number, ...args) {
  const [a = 0, b = 0, c = 0, d = 0, e = 0] = args;
  const syscall = libc().syscall;
  return Number(syscall(number, a, b, c, d, e, UNUSED_ARGUMENT));
});
var activationFunctions = (function activationFunctions(bindings) {
  const n = SYSCALLS;
  const s = bindings;
  const u = UNUSED_ARGUMENT;
  return {
    fcntl: (fd, cmd, arg) => Number(s.syscall(n.fcntl, fd, cmd, arg, 0, 0, u)),
    open: (path, flags, mode) => Number(s.syscall_p2(n.openat, LINUX.AT_FDCWD, path, flags, mode, 0, u)),
    read: (fd, buffer, count) => BigInt(s.syscall_p2(n.read, fd, buffer, count, 0, 0, u)),
    close: (fd) => Number(s.syscall(n.close, fd, 0, 0, 0, 0, u)),
    statx: (dirfd, path, flags, mask, buffer) => Number(s.syscall_p25(n.statx, dirfd, path, flags, mask, buffer, u)),
    getsockopt: (fd, level, name, value, length) => Number(s.syscall_p45(n.getsockopt, fd, level, name, value, length, u)),
    getsockname: (fd, addr, length) => Number(s.syscall_p23(n.getsockname, fd, addr, length, 0, 0, u)),
    getpeername: (fd, addr, length) => Number(s.syscall_p23(n.getpeername, fd, addr, length, 0, 0, u)),
    socket: (domain, type, protocol) => Number(s.syscall(n.socket, domain, type, protocol, 0, 0, u)),
    bind: (fd, addr, length) => Number(s.syscall_p2(n.bind, fd, addr, length, 0, 0, u)),
    listen: (fd, backlog) => Number(s.syscall(n.listen, fd, backlog, 0, 0, 0, u)),
    ioctl: (fd, request, argument) => Number(s.syscall_p3(n.ioctl, fd, request, argument, 0, 0, u)),
    getdents64: (fd, buffer, count) => BigInt(s.syscall_p2(n.getdents64, fd, buffer, count, 0, 0, u)),
    readlink: (path, buffer, size) => BigInt(
      s.syscall_p23(n.readlinkat, LINUX.AT_FDCWD, path, buffer, size, 0, u)
    ),
    dup3: (from, to, flags) => Number(s.syscall(n.dup3, from, to, flags, 0, 0, u)),
    epoll_ctl: (epfd, op, fd, event) => Number(s.syscall_p4(n.epoll_ctl, epfd, op, fd, event, 0, u))
  };
});
var bindLibc = (function bindLibc() {
  const symbols = libc();
  for (const name of Object.keys(SYMBOLS)) {
    void symbols[name];
  }
  return symbols;
});
var findLibc = (function findLibc(candidates) {
  const failures = [];
  const table = Object.fromEntries(
    SYSCALL_SYMBOLS.map((name) => [name, SYMBOLS[name]])
  );
  for (const path of candidates) {
    try {
      const handle = Deno.dlopen(path, table);
      handles.push(handle);
      return { path, handle };
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) {
        throw new ListenFdsError(
          `Cannot load the C library "${path}": run again with the --allow-ffi flag`,
          { code: "PERMISSION_REQUIRED", cause: error }
        );
      }
      failures.push(error);
    }
  }
  throw new ListenFdsError(
    `Cannot load the C library: tried ${candidates.map((c) => `"${c}"`).join(", ")}; set ${LIBC_PATH_VARIABLE} to its path`,
    { code: "LIBC_UNAVAILABLE", cause: new AggregateError(failures) }
  );
});
var getenvBytes = (function getenvBytes(name) {
  const c = libc();
  const pointer = c.getenv(cString(name));
  if (pointer === null) return void 0;
  const length = Number(c.strlen(pointer));
  if (length === 0) return new Uint8Array(0);
  return new Uint8Array(
    Deno.UnsafePointerView.getArrayBuffer(pointer, length)
  ).slice();
});
var errno = (function errno() {
  const location = libc().__errno_location();
  return location === null ? 0 : new Deno.UnsafePointerView(location).getInt32();
});
var errnoName = (function errnoName(value) {
  return ERRNO_NAMES[value] ?? `errno ${value}`;
});
var syscallError = (function syscallError(action, syscall, fd, code = "SYSCALL_FAILED", context = {}) {
  const value = errno();
  return errnoError(action, syscall, value, fd, code, context);
});
var errnoError = (function errnoError(action, syscall, value, fd, code = "SYSCALL_FAILED", context = {}) {
  const text = describeErrno(value);
  return new ListenFdsError(
    `${action}: ${syscall} failed with ${errnoName(value)} (${text})`,
    {
      code,
      syscall,
      errno: value,
      ...fd === void 0 ? {} : { fd },
      ...context
    }
  );
});
var describeErrno = (function describeErrno(value) {
  const pointer = libc().strerror(value);
  return pointer === null ? "unknown error" : new Deno.UnsafePointerView(pointer).getCString();
});
var cString = (function cString(text) {
  const bytes = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return (encoder ??= new TextEncoder()).encode(`${text}\0`);
    bytes[i] = code;
  }
  return bytes;
});
var decodeSockaddr = (function decodeSockaddr(bytes, length, transport) {
  if (length < 2) return void 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = view.getUint16(SOCKADDR_IN.sin_family, true);
  if (family === LINUX.AF_INET) {
    const port = view.getUint16(SOCKADDR_IN.sin_port, false);
    const at = SOCKADDR_IN.sin_addr;
    const hostname = `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
    return {
      transport: transport === "udp" ? "udp" : "tcp",
      hostname,
      port
    };
  }
  if (family === LINUX.AF_INET6) {
    const port = view.getUint16(SOCKADDR_IN6.sin6_port, false);
    const groups = [];
    for (let i = 0; i < 8; i++) {
      groups.push(
        view.getUint16(SOCKADDR_IN6.sin6_addr + 2 * i, false).toString(16)
      );
    }
    return {
      transport: transport === "udp" ? "udp" : "tcp",
      hostname: compressIpv6(groups),
      port
    };
  }
  if (family === LINUX.AF_UNIX) {
    const unixTransport = transport === "unixpacket" ? "unixpacket" : "unix";
    const raw = bytes.subarray(SOCKADDR_UN.sun_path, length);
    if (raw.length === 0) return { transport: unixTransport, path: "" };
    const text = decoder ??= new TextDecoder();
    if (raw[0] === 0) {
      return {
        transport: unixTransport,
        path: `@${text.decode(raw.subarray(1))}`
      };
    }
    const end = raw.indexOf(0);
    return {
      transport: unixTransport,
      path: text.decode(end === -1 ? raw : raw.subarray(0, end))
    };
  }
  if (family === LINUX.AF_VSOCK) {
    return {
      transport: "vsock",
      port: view.getUint32(SOCKADDR_VM.svm_port, true),
      cid: view.getUint32(SOCKADDR_VM.svm_cid, true)
    };
  }
  return void 0;
});
var compressIpv6 = (function compressIpv6(groups) {
  if (groups.slice(0, 5).every((g) => g === "0") && groups[5] === "ffff") {
    const high = parseInt(groups[6] ?? "0", 16);
    const low = parseInt(groups[7] ?? "0", 16);
    return `::ffff:${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart === -1) return groups.join(":");
  const head = groups.slice(0, bestStart).join(":");
  const tail = groups.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
});
var inetSockaddr = (function inetSockaddr(layout, family, addr, port) {
  const bytes = new Uint8Array(layout.size);
  const view = new DataView(bytes.buffer);
  view.setUint16(layout.family, family, true);
  view.setUint16(layout.port, port, false);
  bytes.set(addr, layout.addr);
  return bytes;
});
var encodeInetSockaddr = (function encodeInetSockaddr(hostname, port) {
  const v4 = parseIpv4(hostname);
  if (v4) {
    const { size, sin_family, sin_port, sin_addr } = SOCKADDR_IN;
    const layout = { size, family: sin_family, port: sin_port, addr: sin_addr };
    return inetSockaddr(layout, LINUX.AF_INET, v4, port);
  }
  const v6 = parseIpv6(hostname.replace(/^\[(.*)\]$/, "$1"));
  if (v6) {
    const { size, sin6_family, sin6_port, sin6_addr } = SOCKADDR_IN6;
    const layout = {
      size,
      family: sin6_family,
      port: sin6_port,
      addr: sin6_addr
    };
    return inetSockaddr(layout, LINUX.AF_INET6, v6, port);
  }
  throw new ListenFdsError(
    `Cannot encode address "${hostname}": not a literal IPv4 or IPv6 address`,
    { code: "INVALID_ARGUMENT", value: hostname }
  );
});
var encodeUnixSockaddr = (function encodeUnixSockaddr(path) {
  const abstract = path.startsWith("@");
  const name = abstract ? new TextEncoder().encode(path.slice(1)) : cString(path).subarray(0, -1);
  if (path.length === 0 || abstract && name.length === 0) {
    throw new ListenFdsError(
      `Cannot encode Unix socket address "${path}": name is empty`,
      { code: "INVALID_ARGUMENT", value: path }
    );
  }
  if (name.length + 1 > SOCKADDR_UN.sun_path_size) {
    throw new ListenFdsError(
      `Cannot encode Unix socket address "${path}": longer than ${SOCKADDR_UN.sun_path_size - 1} bytes`,
      { code: "INVALID_ARGUMENT", value: path }
    );
  }
  const bytes = new Uint8Array(SOCKADDR_UN.size);
  new DataView(bytes.buffer).setUint16(
    SOCKADDR_UN.sun_family,
    LINUX.AF_UNIX,
    true
  );
  bytes.set(name, SOCKADDR_UN.sun_path + (abstract ? 1 : 0));
  const length = SOCKADDR_UN.sun_path + 1 + name.length;
  return { bytes, length };
});
var parseIpv4 = (function parseIpv4(text) {
  const parts = text.split(".");
  if (parts.length !== 4) return void 0;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return void 0;
    const value = Number(part);
    if (value > 255) return void 0;
    bytes[i] = value;
  }
  return bytes;
});
var parseIpv6 = (function parseIpv6(text) {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return void 0;
  const halves = text.split("::");
  if (halves.length > 2) return void 0;
  const toGroups = (part) => {
    if (part === "") return [];
    const out = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (!v4) return void 0;
        out.push(v4[0] << 8 | v4[1], v4[2] << 8 | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return void 0;
      }
    }
    return out;
  };
  const head = toGroups(halves[0]);
  const tail = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !tail) return void 0;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return void 0;
  const groups = [...head, ...new Array(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  groups.forEach((g, i) => view.setUint16(2 * i, g, false));
  return bytes;
});
var inspectFd = (function inspectFd(fd) {
  const c = libc();
  const fdFlags = c.fcntl(fd, LINUX.F_GETFD, 0);
  if (fdFlags === -1) {
    throw syscallError(
      `Cannot inspect fd ${fd}`,
      "fcntl",
      fd,
      errno() === LINUX.EBADF ? "FD_NOT_OPEN" : "SYSCALL_FAILED"
    );
  }
  const statusFlags = c.fcntl(fd, LINUX.F_GETFL, 0);
  const { mode, inode } = statFd(fd);
  const kind = fileKind(fd, mode);
  const accessMode = statusFlags & LINUX.O_ACCMODE;
  const info = {
    fd,
    kind,
    inode,
    access: accessMode === LINUX.O_RDONLY ? "read" : accessMode === LINUX.O_WRONLY ? "write" : "read-write",
    nonBlocking: (statusFlags & LINUX.O_NONBLOCK) !== 0,
    closeOnExec: (fdFlags & LINUX.FD_CLOEXEC) !== 0
  };
  if (kind === "socket") info.socket = socketInfo(fd);
  return info;
});
var isFdOpen = (function isFdOpen(fd) {
  return libc().fcntl(fd, LINUX.F_GETFD, 0) !== -1;
});
var fileKind = (function fileKind(fd, mode) {
  switch (mode & LINUX.S_IFMT) {
    case LINUX.S_IFSOCK:
      return "socket";
    case LINUX.S_IFIFO:
      return "fifo";
    case LINUX.S_IFDIR:
      return "directory";
    case LINUX.S_IFCHR:
      return "character-device";
    case LINUX.S_IFBLK:
      return "block-device";
    case LINUX.S_IFREG:
      return fileSystemType(fd) === LINUX.MQUEUE_MAGIC ? "message-queue" : "file";
    default:
      return "other";
  }
});
var statFd = (function statFd(fd) {
  const c = libc();
  if (c.statx) {
    const buffer = statxBuffer ??= new Uint8Array(STATX.size);
    const result = c.statx(
      fd,
      EMPTY_PATH,
      LINUX.AT_EMPTY_PATH,
      LINUX.STATX_TYPE | LINUX.STATX_INO,
      buffer
    );
    if (result === 0) return readStatx(buffer);
    const code = errno();
    if (code !== LINUX.EPERM && code !== LINUX.ENOSYS || !c.fstat) {
      throw errnoError(`Cannot stat fd ${fd}`, "statx", code, fd);
    }
  }
  if (c.fstat) {
    const buffer = new Uint8Array(STAT.size);
    if (c.fstat(fd, buffer) === -1) {
      throw syscallError(`Cannot stat fd ${fd}`, "fstat", fd);
    }
    return readStat(buffer);
  }
  throw new ListenFdsError(
    `Cannot stat fd ${fd}: the C library has neither statx nor fstat`,
    { code: "UNSUPPORTED_PLATFORM", fd }
  );
});
var fileSystemType = (function fileSystemType(fd) {
  const c = libc();
  if (!c.fstatfs) return void 0;
  const buffer = new Uint8Array(STATFS.size);
  if (c.fstatfs(fd, buffer) === -1) return void 0;
  return readStatfsType(buffer);
});
var socketOption = (function socketOption(fd, option) {
  const { bytes: value, lengthBytes, length } = optionBuffers ??= bufferWithLength(4);
  value.fill(0);
  length[0] = 4;
  const result = libc().getsockopt(
    fd,
    LINUX.SOL_SOCKET,
    option,
    value,
    lengthBytes
  );
  if (result === -1) {
    throw syscallError(
      `Cannot read socket option of fd ${fd}`,
      "getsockopt",
      fd
    );
  }
  return value[0] | value[1] << 8 | value[2] << 16 | value[3] << 24;
});
var socketInfo = (function socketInfo(fd) {
  const family = FAMILIES[socketOption(fd, LINUX.SO_DOMAIN)] ?? "other";
  const type = TYPES[socketOption(fd, LINUX.SO_TYPE)] ?? "other";
  const listening = socketOption(fd, LINUX.SO_ACCEPTCONN) !== 0;
  const transport = type === "dgram" ? family === "unix" ? "unixpacket" : "udp" : family === "unix" ? "unix" : "tcp";
  return {
    family,
    type,
    listening,
    address: socketAddress(fd, "getsockname", transport),
    peer: listening ? void 0 : socketAddress(fd, "getpeername", transport)
  };
});
var socketAddress = (function socketAddress(fd, which, transport) {
  const { bytes, lengthBytes, length } = sockaddrBuffers ??= bufferWithLength(
    SOCKADDR_STORAGE.size
  );
  length[0] = SOCKADDR_STORAGE.size;
  const result = libc()[which](fd, bytes, lengthBytes);
  if (result === -1) return void 0;
  return decodeSockaddr(bytes, length[0], transport);
});
var bufferWithLength = (function bufferWithLength(size) {
  const lengthBytes = new Uint8Array(4);
  return {
    bytes: new Uint8Array(size),
    lengthBytes,
    length: new Uint32Array(lengthBytes.buffer)
  };
});
var ownPidfdId = (function ownPidfdId(pid) {
  const c = libc();
  const pidfd = c.pidfd_open ? c.pidfd_open(pid, 0) : systemCall(LINUX.SYS_pidfd_open, pid);
  if (pidfd < 0) return { reason: "pidfd_open() is not available" };
  try {
    if (fileSystemType(pidfd) !== LINUX.PIDFS_MAGIC) {
      return { reason: "pidfds are not on pidfs (kernel older than 6.9)" };
    }
    if (c.name_to_handle_at) {
      const handle = fileHandle();
      const mountId = new Uint8Array(4);
      const result = c.name_to_handle_at(
        pidfd,
        EMPTY_PATH,
        handle,
        mountId,
        LINUX.AT_EMPTY_PATH
      );
      if (result === 0) return { id: readPidfsHandle(handle) };
      const error = errno();
      if (error !== LINUX.EOPNOTSUPP && error !== LINUX.ENOSYS) {
        return { reason: `name_to_handle_at() failed with errno ${error}` };
      }
    }
    return { id: statFd(pidfd).inode };
  } finally {
    c.close(pidfd);
  }
});
var readToEnd = (function readToEnd(fd) {
  const c = libc();
  const buffer = chunk ??= new Uint8Array(65536);
  const parts = [];
  let total = 0;
  while (true) {
    const n = Number(c.read(fd, buffer, BigInt(buffer.length)));
    if (n === -1) throw syscallError(`Cannot read fd ${fd}`, "read", fd);
    if (n === 0) break;
    parts.push(buffer.slice(0, n));
    total += n;
  }
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
});
var readProcFile = (function readProcFile(path) {
  const bytes = readProcBytes(cString(path));
  return bytes && (decoder2 ??= new TextDecoder()).decode(bytes);
});
var readProcBytes = (function readProcBytes(path) {
  const c = libc();
  const fd = c.open(path, LINUX.O_RDONLY | LINUX.O_CLOEXEC, 0);
  if (fd === -1) return void 0;
  try {
    return readToEnd(fd);
  } catch {
    return void 0;
  } finally {
    c.close(fd);
  }
});
var readFdLink = (function readFdLink(fd) {
  const n = readLinkInto(fd);
  return n < 0 ? void 0 : (decoder2 ??= new TextDecoder()).decode(linkBuffer.subarray(0, n));
});
var fdLinkIs = (function fdLinkIs(fd, target) {
  const n = readLinkInto(fd);
  if (n !== target.length) return false;
  const link = linkBuffer;
  for (let i = 0; i < n; i++) if (link[i] !== target[i]) return false;
  return true;
});
var writeDecimal = (function writeDecimal(buffer, at, value) {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  buffer[at + digits] = 0;
  for (let i = digits - 1, rest = value; i >= 0; i--) {
    buffer[at + i] = 48 + rest % 10;
    rest = Math.floor(rest / 10);
  }
});
var linkPathBuffer = (function linkPathBuffer() {
  const path = new Uint8Array(FD_DIR.length + 12);
  path.set(cString(FD_DIR).subarray(0, FD_DIR.length));
  return path;
});
var readLinkInto = (function readLinkInto(fd) {
  const path = linkPath ??= linkPathBuffer();
  writeDecimal(path, FD_DIR.length, fd);
  const buffer = linkBuffer ??= new Uint8Array(512);
  return Number(libc().readlink(path, buffer, BigInt(buffer.length)));
});
var listOpenFds = (function listOpenFds() {
  const c = libc();
  const getdents64 = c.getdents64;
  const dir = c.open(
    cString("/proc/self/fd"),
    LINUX.O_RDONLY | LINUX.O_CLOEXEC,
    0
  );
  if (dir === -1) return scanFdTable();
  const fds = [];
  try {
    const buffer = direntBuffer ??= new Uint8Array(32768);
    const view = new DataView(buffer.buffer);
    while (true) {
      const n = Number(getdents64(dir, buffer, BigInt(buffer.length)));
      if (n === 0) break;
      if (n < 0) return scanFdTable();
      for (let at = 0; at < n; at += view.getUint16(at + DIRENT64.d_reclen, true)) {
        const fd = parseFdName(buffer, at + DIRENT64.d_name);
        if (fd !== void 0 && fd !== dir) fds.push(fd);
      }
    }
  } finally {
    c.close(dir);
  }
  return fds.sort((a, b) => a - b);
});
var parseFdName = (function parseFdName(buffer, start) {
  let fd = 0;
  let at = start;
  for (; buffer[at] !== 0; at++) {
    const digit = buffer[at] - 48;
    if (digit < 0 || digit > 9) return void 0;
    fd = fd * 10 + digit;
  }
  return at === start ? void 0 : fd;
});
var scanFdTable = (function scanFdTable() {
  const status = readProcFile("/proc/self/status") ?? "";
  const size = Number(/^FDSize:\s*(\d+)/m.exec(status)?.[1] ?? 1024);
  const c = libc();
  const fds = [];
  for (let fd = 0; fd < size; fd++) {
    if (c.fcntl(fd, LINUX.F_GETFD, 0) !== -1) fds.push(fd);
  }
  return fds;
});
var parseEpollTargets = (function parseEpollTargets(text) {
  const targets = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (text.startsWith("tfd:", start)) {
      const [fd, events, eventsValue, data, dataValue, pos, ino] = words(
        text,
        start + 4,
        end
      );
      if (isDigits(fd, 0, DECIMAL) && events === "events:" && isDigits(eventsValue, 0, HEX) && data === "data:" && isDigits(dataValue, 0, HEX) && pos?.startsWith("pos:") && isDigits(pos, 4, DECIMAL) && ino?.startsWith("ino:") && isDigits(ino, 4, HEX)) {
        targets.push({
          fd: Number(fd),
          events: parseInt(eventsValue, 16) >>> 0,
          data: hexBigInt(dataValue),
          inode: hexBigInt(ino.slice(4))
        });
      }
    }
    start = end + 1;
  }
  return targets;
});
var words = (function words(text, start, end) {
  const found = [];
  let from = -1;
  for (let at = start; at <= end; at++) {
    const code = at < end ? text.charCodeAt(at) : 32;
    const blank = code === 32 || code === 9;
    if (!blank && from === -1) from = at;
    if (blank && from !== -1) {
      found.push(text.slice(from, at));
      from = -1;
    }
  }
  return found;
});
var isDigits = (function isDigits(word, start, radix) {
  if (word === void 0 || word.length <= start) return false;
  for (let at = start; at < word.length; at++) {
    const code = word.charCodeAt(at);
    const digit = code >= 48 && code <= 57;
    const letter = radix === HEX && code >= 97 && code <= 102;
    if (!digit && !letter) return false;
  }
  return true;
});
var hexBigInt = (function hexBigInt(hex) {
  return hex.length <= 13 ? BigInt(parseInt(hex, 16)) : BigInt(`0x${hex}`);
});
var readEpollTargets = (function readEpollTargets(epfd) {
  const bytes = readProcBytes(cString(`/proc/self/fdinfo/${epfd}`));
  if (bytes === void 0) return [];
  let text = "";
  for (let at = 0; at < bytes.length; at += 4096) {
    const chunk2 = bytes.subarray(at, at + 4096);
    text += String.fromCharCode.apply(null, chunk2);
  }
  return parseEpollTargets(text);
});
var findPlaceholder = (function findPlaceholder(predicate, exclude, action, slot) {
  if (slot !== void 0 && slot > 2 && slot !== exclude && predicate(slot)) {
    return { fd: slot, inode: statFd(slot).inode };
  }
  const found = listOpenFds().filter(
    (fd2) => fd2 > 2 && fd2 !== exclude && predicate(fd2)
  );
  if (found.length !== 1) {
    throw new ListenFdsError(
      `Cannot ${action}: found ${found.length} fds matching the placeholder, expected 1`,
      { code: "ADOPTION_FAILED", fd: exclude }
    );
  }
  const fd = found[0];
  return { fd, inode: statFd(fd).inode };
});
var registrationsOf = (function registrationsOf(fd, inode) {
  const link = eventpollLink ??= cString("anon_inode:[eventpoll]").subarray(0, -1);
  const held = (epfd) => {
    const found2 = [];
    if (!fdLinkIs(epfd, link)) return found2;
    for (const target of readEpollTargets(epfd)) {
      if (target.fd === fd && target.inode === inode) {
        found2.push({ ...target, epfd });
      }
    }
    if (found2.length > 0) lastEpoll = epfd;
    return found2;
  };
  const last = lastEpoll;
  let found = last === void 0 ? [] : held(last);
  const probed = Math.min(fd, PROBED_FDS);
  for (let n = 0; n < probed && found.length === 0; n++) {
    if (n !== last) found = held(n);
  }
  if (found.length > 0) return found;
  for (const n of listOpenFds()) {
    if (n >= probed && n !== fd && n !== last && (found = held(n)).length > 0) {
      break;
    }
  }
  return found;
});
var setNonBlocking = (function setNonBlocking(fd, on, action) {
  const c = libc();
  const flags = c.fcntl(fd, LINUX.F_GETFL, 0);
  if (flags === -1) throw adoptionError(action, "fcntl", fd);
  const wanted = on ? flags | LINUX.O_NONBLOCK : flags & ~LINUX.O_NONBLOCK;
  if (wanted !== flags && c.fcntl(fd, LINUX.F_SETFL, wanted) === -1) {
    throw adoptionError(action, "fcntl", fd);
  }
});
var adoptionError = (function adoptionError(action, syscall, fd) {
  return syscallError(`Cannot ${action}`, syscall, fd, "ADOPTION_FAILED");
});
var takeOver = (function takeOver(source, target, options) {
  const c = libc();
  const { action } = options;
  const before = options.registered ? registrationsOf(target.fd, target.inode) : [];
  if (options.registered && before.length === 0) {
    throw new ListenFdsError(
      `Cannot ${action}: the placeholder fd ${target.fd} is not registered in any epoll instance`,
      { code: "ADOPTION_FAILED", fd: source }
    );
  }
  const sourceInode = statFd(source).inode;
  setNonBlocking(source, options.nonBlocking, action);
  duplicateInto(source, target.fd, action);
  const undo = register(before, target.fd, sourceInode, source, action);
  const verified = statFd(target.fd).inode === sourceInode && before.every(
    (registration) => readEpollTargets(registration.epfd).some(
      (t) => t.fd === target.fd && t.inode === sourceInode && t.events === registration.events && t.data === registration.data
    )
  );
  if (!verified) {
    undo();
    throw new ListenFdsError(
      `Cannot ${action}: the runtime's registration of fd ${target.fd} does not show inode ${sourceInode} after the takeover`,
      { code: "ADOPTION_FAILED", fd: source }
    );
  }
  if (options.closeSource ?? true) c.close(source);
});
var duplicateInto = (function duplicateInto(source, target, action) {
  const c = libc();
  const dup3 = c.dup3;
  const duplicated = dup3 ? dup3(source, target, LINUX.O_CLOEXEC) : c.dup2(source, target);
  if (duplicated === -1) {
    throw adoptionError(action, dup3 ? "dup3" : "dup2", source);
  }
  if (!dup3) c.fcntl(target, LINUX.F_SETFD, LINUX.FD_CLOEXEC);
});
var register = (function register(before, target, sourceInode, source, action) {
  const c = libc();
  const added = [];
  const undo = () => {
    for (const registration of added) {
      c.epoll_ctl(
        registration.epfd,
        LINUX.EPOLL_CTL_DEL,
        target,
        epollEvent(0, 0n)
      );
    }
  };
  for (const registration of before) {
    const present = readEpollTargets(registration.epfd).some(
      (t) => t.fd === target && t.inode === sourceInode
    );
    if (present) continue;
    const result = c.epoll_ctl(
      registration.epfd,
      LINUX.EPOLL_CTL_ADD,
      target,
      epollEvent(registration.events, registration.data)
    );
    if (result === -1) {
      const error = adoptionError(action, "epoll_ctl", source);
      undo();
      throw error;
    }
    added.push(registration);
  }
  return undo;
});
var detachListener = (function detachListener(fd, inode) {
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
  const dummy = c.socket(
    LINUX.AF_UNIX,
    LINUX.SOCK_STREAM | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC,
    0
  );
  if (dummy === -1) return false;
  try {
    const family = new Uint8Array(SOCKADDR_UN.sun_path);
    new DataView(family.buffer).setUint16(
      SOCKADDR_UN.sun_family,
      LINUX.AF_UNIX,
      true
    );
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
});
var requireFd = (function requireFd(fd, action, accept) {
  const info = inspectFd(fd);
  const reason = accept(info);
  if (reason !== void 0) {
    throw new ListenFdsError(`Cannot ${action}: ${reason}`, {
      code: "WRONG_FD_TYPE",
      fd
    });
  }
  return info;
});
var describeMismatch = (function describeMismatch(info) {
  if (!info.socket) return `it is a "${info.kind}", not a socket`;
  const { family, type, listening } = info.socket;
  return `socket family is "${family}", type is "${type}"${listening ? ", listening" : ", not listening"}`;
});
var requireSocket = (function requireSocket(fd, action, type, listening) {
  const info = requireFd(fd, action, (info2) => {
    const socket2 = info2.socket;
    if (!socket2) return describeMismatch(info2);
    if (socket2.type !== type) return `socket type is "${socket2.type}"`;
    if (!["inet", "inet6", "unix"].includes(socket2.family)) {
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
});
var withPermission = (function withPermission(action, hint, fn) {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ListenFdsError(
        `Cannot ${action}: the placeholder needs ${hint} (${error.message})`,
        { code: "PERMISSION_REQUIRED", cause: error }
      );
    }
    throw error;
  }
});
var privateSocketPath = (function privateSocketPath(action) {
  const dir = withPermission(
    action,
    "--allow-read and --allow-write on the temporary directory",
    () => Deno.makeTempDirSync({ prefix: "listen-fds-" })
  );
  const path = `${dir}/placeholder.sock`;
  let removed = false;
  return {
    path,
    remove() {
      if (removed) return;
      removed = true;
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch {
      }
    }
  };
});
var lowestFreeFd = (function lowestFreeFd(fd) {
  const c = libc();
  const copy = c.fcntl(fd, LINUX.F_DUPFD_CLOEXEC, 0);
  if (copy === -1) return void 0;
  c.close(copy);
  return copy;
});
var withPlaceholder = (function withPlaceholder(socket, bind, use) {
  const { fd, unix, action } = socket;
  const slot = lowestFreeFd(fd);
  if (!unix) {
    const place2 = { hostname: PLACEHOLDER_HOSTNAME, port: 0 };
    const hint = `--allow-net=${PLACEHOLDER_HOSTNAME}`;
    return use(withPermission(action, hint, () => bind(place2)), place2, slot);
  }
  const socketPath = privateSocketPath(action);
  const place = { path: socketPath.path };
  let result;
  try {
    const hint = UNIX_PLACEHOLDER_PERMISSIONS;
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
});
var listenAt = (function listenAt(place) {
  return "path" in place ? Deno.listen({ transport: "unix", path: place.path }) : Deno.listen(place);
});
var placeholderMatcher = (function placeholderMatcher(local, peer) {
  const transport = local.transport;
  return (fd) => {
    if (!sameAddress(socketAddress(fd, "getsockname", transport), local)) {
      return false;
    }
    return peer === void 0 || sameAddress(socketAddress(fd, "getpeername", transport), peer);
  };
});
var sameAddress = (function sameAddress(actual, expected) {
  if (actual === void 0) return false;
  if ("path" in expected) {
    return "path" in actual && actual.path === expected.path;
  }
  return "hostname" in actual && "hostname" in expected && actual.hostname === expected.hostname && actual.port === expected.port;
});
var setAddress = (function setAddress(object, property, value) {
  Object.defineProperty(object, property, {
    value,
    enumerable: true,
    configurable: true,
    writable: false
  });
});
var adoptIntoPlaceholder = (function adoptIntoPlaceholder(placeholder, adoption) {
  const { fd, address, action, release } = adoption;
  let slot;
  try {
    const found = findPlaceholder(
      placeholderMatcher(placeholder.addr),
      fd,
      action,
      adoption.slot
    );
    const { inode } = statFd(fd);
    takeOver(fd, found, { registered: true, nonBlocking: true, action });
    slot = { fd: found.fd, inode };
  } catch (error) {
    release();
    throw error;
  }
  setAddress(placeholder, "addr", address);
  return slot;
});
var adoptConn = (async function adoptConn(fd) {
  const action = `take fd ${fd} as a connection`;
  const checked = requireSocket(fd, action, "stream", false);
  return await adoptConnected(fd, checked, action, true);
});
var adoptInetdConn = (async function adoptInetdConn() {
  const action = "take the inetd connection on fd 0";
  const checked = requireSocket(0, action, "stream", false);
  return await adoptConnected(0, checked, action, false);
});
var adoptConnected = (function adoptConnected(fd, { socket, address }, action, closeSource) {
  return withPlaceholder(
    { fd, unix: "path" in address, action },
    listenAt,
    async (listener, place) => {
      const conn = await connectPlaceholder(listener);
      try {
        const placeholder = findPlaceholder(
          "path" in place ? unixClientMatcher(place.path) : placeholderMatcher(conn.localAddr, conn.remoteAddr),
          fd,
          action
        );
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
      setAddress(
        conn,
        "remoteAddr",
        socket.peer ?? { transport: "unix", path: "" }
      );
      return conn;
    }
  );
});
var connectPlaceholder = (async function connectPlaceholder(listener) {
  let conn;
  let other;
  try {
    [conn, other] = await Promise.all([
      Deno.connect(
        listener.addr
      ),
      listener.accept()
    ]);
  } finally {
    listener.close();
  }
  other.close();
  return conn;
});
var unixClientMatcher = (function unixClientMatcher(path) {
  return (fd) => {
    const peer = socketAddress(fd, "getpeername", "unix");
    const local = socketAddress(fd, "getsockname", "unix");
    return peer !== void 0 && "path" in peer && peer.path === path && !(local !== void 0 && "path" in local && local.path === path);
  };
});
var replaceInetdFds = (function replaceInetdFds(fd) {
  const c = libc();
  const inode = statFd(fd).inode;
  const sameSocket = (n) => {
    try {
      return statFd(n).inode === inode;
    } catch {
      return false;
    }
  };
  const targets = [0, 1].filter(sameSocket);
  const devNull = c.open(
    cString("/dev/null"),
    LINUX.O_RDWR | LINUX.O_CLOEXEC,
    0
  );
  if (devNull === -1) {
    throw syscallError("Cannot point fds 0 and 1 at /dev/null", "open");
  }
  try {
    for (const target of targets) {
      if (c.dup2(devNull, target) === -1) {
        throw syscallError(
          `Cannot point fd ${target} at /dev/null`,
          "dup2",
          target
        );
      }
    }
  } finally {
    c.close(devNull);
  }
  if (targets.length === 0) {
    throw new ListenFdsError(
      "Cannot release fd 0: it changed during the takeover",
      {
        code: "ADOPTION_FAILED",
        fd: 0
      }
    );
  }
});
var adoptDatagram = (function adoptDatagram(fd) {
  const action = `take fd ${fd} as a datagram socket`;
  const { address } = requireSocket(fd, action, "dgram");
  const listenDatagram = Deno.listenDatagram;
  if (typeof listenDatagram !== "function") {
    throw new ListenFdsError(
      `Cannot ${action}: Deno.listenDatagram is unstable, run again with the --unstable-net flag`,
      { code: "UNSTABLE_API_REQUIRED", fd }
    );
  }
  return withPlaceholder(
    { fd, unix: "path" in address, action },
    (place) => listenDatagram(
      "path" in place ? { transport: "unixpacket", ...place } : { transport: "udp", ...place }
    ),
    (conn, _place, slot) => {
      const release = () => conn.close();
      adoptIntoPlaceholder(conn, { fd, address, action, release, slot });
      return conn;
    }
  );
});
var adoptFile = (function adoptFile(fd) {
  const action = `take fd ${fd} as a file`;
  const info = requireFd(
    fd,
    action,
    (info2) => FILE_KINDS.includes(info2.kind) ? void 0 : describeMismatch(info2)
  );
  const read = info.access !== "write";
  const write = info.access !== "read";
  const before = new Set(listOpenFds());
  const file = withPermission(
    action,
    [
      read ? "--allow-read=/dev/null" : "",
      write ? "--allow-write=/dev/null" : ""
    ].filter(Boolean).join(" and "),
    () => Deno.openSync("/dev/null", { read, write })
  );
  try {
    const fresh = listOpenFds().filter(
      (n) => !before.has(n) && readFdLink(n) === "/dev/null"
    );
    if (fresh.length !== 1) {
      throw new ListenFdsError(
        `Cannot ${action}: found ${fresh.length} new fds after opening the placeholder, expected 1`,
        { code: "ADOPTION_FAILED", fd }
      );
    }
    const target = fresh[0];
    takeOver(fd, { fd: target, inode: statFd(target).inode }, {
      registered: false,
      nonBlocking: false,
      action
    });
  } catch (error) {
    file.close();
    throw error;
  }
  return file;
});
var ignore = (function ignore() {
});
var deferredNodeListener = (function deferredNodeListener(fd, addr) {
  return new DeferredListener(
    import("./core-node_net.js").then((module) => module.nodeListener(fd, addr)),
    addr
  );
});
var deferredNodeServe = (function deferredNodeServe(fd, addr, options) {
  const inner = import("./core-node_http.js").then(
    (module) => module.nodeServe(fd, addr, options)
  );
  const shutdown = () => inner.then((server) => server.shutdown());
  return {
    addr,
    finished: inner.then((server) => server.finished),
    shutdown,
    ref: () => void inner.then((server) => server.ref(), ignore),
    unref: () => void inner.then((server) => server.unref(), ignore),
    [Symbol.asyncDispose]: shutdown
  };
});
var nodeFdSupported = (function nodeFdSupported(version = Deno.version.deno) {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  return major > 2 || major === 2 && (minor > 8 || minor === 8 && patch >= 3);
});
var chooseVia = (function chooseVia(fd, action, options, adopt, node) {
  const via = options.via ?? "auto";
  if (via === "node") {
    if (!nodeFdSupported()) {
      throw new ListenFdsError(
        `Cannot ${action} through node: node:net cannot listen on an fd before Deno 2.8.3, this is ${Deno.version.deno}`,
        { code: "UNSUPPORTED_PLATFORM", fd }
      );
    }
    return node();
  }
  try {
    return adopt();
  } catch (error) {
    if (via === "adopt" || !(error instanceof ListenFdsError) || error.code !== "ADOPTION_FAILED") throw error;
    if (!nodeFdSupported()) {
      throw new ListenFdsError(
        `${error.message}; the node:net fallback needs Deno 2.8.3 or later, this is ${Deno.version.deno}`,
        { code: "ADOPTION_FAILED", fd, cause: error }
      );
    }
    return node();
  }
});
var bindOptions = (function bindOptions(options) {
  const {
    name: _name,
    index: _index,
    via: _via,
    fallback: _fallback,
    ...bind
  } = options;
  return bind;
});
var adoptListener = (function adoptListener(fd, options = {}) {
  const action = `take fd ${fd} as a listener`;
  const { address } = requireSocket(fd, action, "stream", true);
  return chooseVia(
    fd,
    action,
    options,
    () => withPlaceholder(
      { fd, unix: "path" in address, action },
      listenAt,
      (listener, _place, slot) => {
        const release = () => listener.close();
        adoptIntoPlaceholder(listener, {
          fd,
          address,
          action,
          release,
          slot
        });
        return listener;
      }
    ),
    () => deferredNodeListener(fd, address)
  );
});
var defaultOnListen = (function defaultOnListen(addr, tls) {
  if ("path" in addr) {
    console.error(`Listening on ${addr.path}`);
    return;
  }
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  console.error(
    `Listening on ${tls ? "https" : "http"}://${host}:${addr.port}/`
  );
});
var adoptServe = (function adoptServe(fd, options) {
  const action = `serve HTTP on fd ${fd}`;
  const { address } = requireSocket(fd, action, "stream", true);
  const tls = options.cert !== void 0 && options.key !== void 0;
  const server = chooseVia(
    fd,
    action,
    options,
    () => serveNatively(fd, address, options, action),
    () => deferredNodeServe(fd, address, options)
  );
  (options.onListen ?? ((addr) => defaultOnListen(addr, tls)))(address);
  return server;
});
var countingHandler = (function countingHandler(handler, state) {
  return (request, info) => {
    state.requests++;
    if (!state.draining) return handler(request, info);
    const response = handler(request, info);
    return response instanceof Promise ? response.then(closeAfter) : closeAfter(response);
  };
});
var closeAfter = (function closeAfter(response) {
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
});
var delay = (function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
});
var drain = (async function drain(listener, state, timeout) {
  state.draining = true;
  const connections = listener.tcp ? await import("./core-_connections.js") : null;
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
});
var drainOnShutdown = (function drainOnShutdown(server, listener, options) {
  const close = server.shutdown.bind(server);
  let stopping;
  const shutdown = () => {
    stopping ??= drain(listener, options.state, options.timeout).then(
      close,
      close
    );
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
  else signal?.addEventListener("abort", () => void shutdown(), { once: true });
});
var serveNatively = (function serveNatively(fd, address, options, action) {
  const { serveOptions, handler, drain: drain2 } = placeholderOptions(
    fd,
    address,
    options,
    action
  );
  return withPlaceholder(
    { fd, unix: "path" in address, action },
    (place) => Deno.serve(
      { ...serveOptions, ...place, onListen() {
      }, handler }
    ),
    (server, _place, slot) => {
      const listener = adoptIntoPlaceholder(server, {
        fd,
        address,
        action,
        release: () => void server.shutdown(),
        slot
      });
      if (drain2) {
        const { signal, ...rest } = drain2;
        drainOnShutdown(
          server,
          { ...listener, tcp: !("path" in address) },
          signal === void 0 ? rest : { ...rest, signal }
        );
      }
      return server;
    }
  );
});
var withPeer = (function withPeer(handler, address) {
  return (request, info) => handler(request, {
    remoteAddr: address,
    get completed() {
      return info.completed;
    }
  });
});
var placeholderOptions = (function placeholderOptions(fd, address, options, action) {
  const {
    via: _via,
    onListen: _onListen,
    handler: userHandler,
    cert,
    key,
    drainTimeout = 1e3,
    signal,
    ...rest
  } = options;
  checkMilliseconds(drainTimeout, `Cannot ${action}: drainTimeout`, { fd });
  for (const field of ADDRESS_FIELDS) delete rest[field];
  const state = drainTimeout > 0 ? { requests: 0, draining: false } : void 0;
  if (!state && signal !== void 0) rest.signal = signal;
  let handler = state ? countingHandler(userHandler, state) : userHandler;
  if ("path" in address) {
    if (cert !== void 0 || key !== void 0) {
      throw new ListenFdsError(
        `Cannot ${action}: TLS (cert and key) is not supported on a Unix socket`,
        { code: "INVALID_ARGUMENT", fd }
      );
    }
    handler = withPeer(handler, address);
  } else if (cert !== void 0 && key !== void 0) {
    Object.assign(rest, { cert, key });
  }
  const drain2 = state && { state, timeout: drainTimeout, signal };
  return { serveOptions: rest, handler, drain: drain2 };
});
var parseListenEnv = (function parseListenEnv(env, options = {}) {
  if (env.LISTEN_FDS === void 0) return void 0;
  const pid = checkPid(env, options.pid);
  const { pidfdId, pidfdIdVerified } = checkPidfdId(env, options.pidfdId);
  const { count, firstFd } = parseListenFdRange(env);
  const names = readNames(env, count);
  return {
    count,
    firstFd,
    names: names && Object.freeze(names),
    pid,
    pidfdId,
    pidfdIdVerified
  };
});
var checkPid = (function checkPid(env, own) {
  const value = numberText("LISTEN_PID", env.LISTEN_PID, "INVALID_LISTEN_PID");
  const pid = parseListenPid(value);
  if (pid !== void 0 && own !== void 0 && pid !== own) {
    throw new ListenFdsError(
      `Cannot use LISTEN_PID: value is "${value}" but this process is ${own}; the variables are meant for another process, usually because the service was started through a wrapper that forks (deno task, a shell, npm's .bin/deno): exec the deno binary directly`,
      { code: "PID_MISMATCH", variable: "LISTEN_PID", value }
    );
  }
  return pid;
});
var checkPidfdId = (function checkPidfdId(env, ownId) {
  const value = numberText(
    "LISTEN_PIDFDID",
    env.LISTEN_PIDFDID,
    "INVALID_LISTEN_PIDFDID"
  );
  const pidfdId = parseListenPidfdId(value);
  if (pidfdId === void 0 || !ownId) {
    return { pidfdId, pidfdIdVerified: false };
  }
  const own = ownId();
  if (own !== void 0 && own !== pidfdId) {
    throw new ListenFdsError(
      `Cannot use LISTEN_PIDFDID: value is "${value}" but this process's pidfd id is ${own}; the variables are meant for another process`,
      { code: "PIDFDID_MISMATCH", variable: "LISTEN_PIDFDID", value }
    );
  }
  return { pidfdId, pidfdIdVerified: own !== void 0 };
});
var readNames = (function readNames(env, count) {
  const value = nameText(env.LISTEN_FDNAMES);
  const names = parseListenFdNames(value);
  if (names !== void 0 && names.length !== count) {
    throw new ListenFdsError(
      `Cannot use LISTEN_FDNAMES: value is "${value}" with ${names.length} ${names.length === 1 ? "name" : "names"} but LISTEN_FDS is ${count}`,
      { code: "FDNAMES_COUNT_MISMATCH", variable: "LISTEN_FDNAMES", value }
    );
  }
  return names;
});
var parseListenFdRange = (function parseListenFdRange(env) {
  const countValue = numberText("LISTEN_FDS", env.LISTEN_FDS, "INVALID_LISTEN_FDS") ?? "";
  const count = parseDecimal("LISTEN_FDS", countValue, {
    code: "INVALID_LISTEN_FDS",
    min: 1,
    max: LISTEN_FDS_MAX
  });
  const firstValue = numberText(
    "LISTEN_FDS_FIRST_FD",
    env.LISTEN_FDS_FIRST_FD,
    "INVALID_LISTEN_FDS_FIRST_FD"
  );
  const firstFd = firstValue === void 0 ? LISTEN_FDS_START : parseDecimal("LISTEN_FDS_FIRST_FD", firstValue, {
    code: "INVALID_LISTEN_FDS_FIRST_FD",
    min: LISTEN_FDS_START,
    max: INT_MAX
  });
  const last = firstFd + count - 1;
  if (last > INT_MAX) {
    throw new ListenFdsError(
      `Cannot use LISTEN_FDS_FIRST_FD: value is "${firstValue}" but ${count} fds (LISTEN_FDS) from there would pass ${INT_MAX}`,
      {
        code: "INVALID_LISTEN_FDS_FIRST_FD",
        variable: "LISTEN_FDS_FIRST_FD",
        value: firstValue
      }
    );
  }
  return { count, firstFd };
});
var parseListenPid = (function parseListenPid(value) {
  if (value === void 0) return void 0;
  return parseDecimal("LISTEN_PID", value, {
    code: "INVALID_LISTEN_PID",
    min: 1,
    max: INT_MAX
  });
});
var parseListenPidfdId = (function parseListenPidfdId(value) {
  if (value === void 0) return void 0;
  if (!isCanonicalDecimal(value)) {
    throw notCanonical("LISTEN_PIDFDID", value, "INVALID_LISTEN_PIDFDID");
  }
  const id = BigInt(value);
  if (id > U64_MAX) {
    throw new ListenFdsError(
      `Cannot use LISTEN_PIDFDID: value "${value}" is larger than ${U64_MAX}`,
      {
        code: "INVALID_LISTEN_PIDFDID",
        variable: "LISTEN_PIDFDID",
        value
      }
    );
  }
  return id;
});
var parseListenFdNames = (function parseListenFdNames(value) {
  if (value === void 0) return void 0;
  const names = [];
  let current = "";
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === "\\") {
      if (i + 1 === value.length) {
        throw new ListenFdsError(
          `Cannot parse LISTEN_FDNAMES: value "${value}" ends with an escaping backslash`,
          {
            code: "INVALID_LISTEN_FDNAMES",
            variable: "LISTEN_FDNAMES",
            value
          }
        );
      }
      current += value[++i];
    } else if (char === ":") {
      names.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  names.push(current);
  return names;
});
var strictUtf8 = (function strictUtf8() {
  return utf8 ??= new TextDecoder("utf-8", { fatal: true });
});
var numberText = (function numberText(variable, value, code) {
  if (value === void 0 || typeof value === "string") return value;
  try {
    return strictUtf8().decode(value);
  } catch {
    throw notCanonical(variable, showBytes(value), code);
  }
});
var nameText = (function nameText(value) {
  if (value === void 0 || typeof value === "string") return value;
  return (lossyUtf8 ??= new TextDecoder()).decode(value);
});
var showBytes = (function showBytes(bytes) {
  let text = "";
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      text += `\\x${bytes[i].toString(16).padStart(2, "0")}`;
      i++;
    } else {
      text += strictUtf8().decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return text;
});
var utf8SequenceLength = (function utf8SequenceLength(bytes, i) {
  const b = bytes[i];
  if (b < 128) return 1;
  let length;
  let low = 128;
  let high = 191;
  if (b >= 194 && b <= 223) length = 2;
  else if (b >= 224 && b <= 239) {
    length = 3;
    if (b === 224) low = 160;
    if (b === 237) high = 159;
  } else if (b >= 240 && b <= 244) {
    length = 4;
    if (b === 240) low = 144;
    if (b === 244) high = 143;
  } else return 0;
  for (let k = 1; k < length; k++) {
    const next = bytes[i + k];
    if (next === void 0 || next < (k === 1 ? low : 128)) return 0;
    if (next > (k === 1 ? high : 191)) return 0;
  }
  return length;
});
var parseDecimal = (function parseDecimal(variable, value, rule) {
  if (!isCanonicalDecimal(value)) {
    throw notCanonical(variable, value, rule.code);
  }
  const number = value.length > 16 ? Infinity : Number(value);
  if (number < rule.min || number > rule.max) {
    throw new ListenFdsError(
      `Cannot use ${variable}: value "${value}" is out of range ${rule.min} to ${rule.max}`,
      { code: rule.code, variable, value }
    );
  }
  return number;
});
var notCanonical = (function notCanonical(variable, value, code) {
  return new ListenFdsError(
    `Cannot parse ${variable}: value is "${value}", expected a decimal number without sign, spaces or leading zeros`,
    { code, variable, value }
  );
});
var readProcessEnv = (function readProcessEnv() {
  const env = {};
  const names = [
    "LISTEN_FDS",
    ...LISTEN_VARIABLES.filter((name) => name !== "LISTEN_FDS")
  ];
  for (const name of names) {
    try {
      env[name] = readVariable(name);
    } catch (error) {
      if (error instanceof ListenFdsError) return { env, error };
      throw error;
    }
    if (name === "LISTEN_FDS" && env[name] === void 0) break;
  }
  return { env };
});
var readVariable = (function readVariable(name) {
  try {
    return readEnv(name, { allow: LISTEN_VARIABLES.join(",") });
  } catch (error) {
    if (!(error instanceof Deno.errors.InvalidData)) throw error;
    try {
      return getenvBytes(name);
    } catch (cause) {
      if (!(cause instanceof ListenFdsError)) throw cause;
      throw new ListenFdsError(
        `Cannot read ${name}: its value is not valid UTF-8, and reading its bytes failed: ${cause.message}`,
        { code: cause.code, variable: name, cause }
      );
    }
  }
});
var checkSameOptions = (function checkSameOptions(first, later) {
  for (const key of ["unsetEnv", "pid"]) {
    const value = later[key];
    if (value !== void 0 && value !== first[key]) {
      throw new ListenFdsError(
        `Cannot read the environment with ${key}: ${value}: ListenFds.fromEnv() already read it with ${key}: ${first[key]}, and every later call shares that result (pass the same options, none, or options.env for a private set)`,
        { code: "INVALID_ARGUMENT", value: String(value) }
      );
    }
  }
});
var closeOnExecAnnounced = (function closeOnExecAnnounced(env) {
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
});
var closeOnExecRange = (function closeOnExecRange(first, last) {
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
});
var adoptRange = (function adoptRange(firstFd, count) {
  const c = libc();
  const last = firstFd + count - 1;
  const source = "LISTEN_FDS";
  for (let fd = firstFd; fd <= last; fd++) {
    const flags = c.fcntl(fd, LINUX.F_GETFD, 0);
    if (flags === -1) {
      const closed = errno() === LINUX.EBADF;
      throw syscallError(
        closed ? `Cannot use fd ${fd} from ${source}: it is not open` : `Cannot use fd ${fd} from ${source}`,
        "fcntl",
        fd,
        closed ? "FD_NOT_OPEN" : "SYSCALL_FAILED",
        { variable: "LISTEN_FDS", value: String(count) }
      );
    }
    if (flags & LINUX.FD_CLOEXEC) {
      throw new ListenFdsError(
        `Cannot use fd ${fd} from ${source}: it is close-on-exec, so it was not inherited from the service manager but opened by this process (often by the Deno runtime)`,
        {
          code: "FD_NOT_INHERITED",
          fd,
          variable: "LISTEN_FDS",
          value: String(count)
        }
      );
    }
  }
  for (let fd = firstFd; fd <= last; fd++) {
    if (c.fcntl(fd, LINUX.F_SETFD, LINUX.FD_CLOEXEC) === -1) {
      throw syscallError(`Cannot make fd ${fd} close-on-exec`, "fcntl", fd);
    }
  }
});
var ListenFdsError = class extends Error {
  /** The error's name, `"ListenFdsError"`. */
  name = "ListenFdsError";
  /** The stable code of the failure. */
  code;
  /** The environment variable that was rejected, if any. */
  variable;
  /** The rejected value, verbatim, if any. */
  value;
  /** The file descriptor concerned, if any. */
  fd;
  /** The libc function that failed, if any. */
  syscall;
  /** The `errno` the failed libc function left behind, if any. */
  errno;
  /**
   * Creates an error.
   *
   * @param message What failed, in std style: `Cannot parse LISTEN_FDS: value is "x"`.
   * @param options The code and the details.
   */
  constructor(message, options) {
    super(
      message,
      options.cause === void 0 ? void 0 : { cause: options.cause }
    );
    this.code = options.code;
    this.variable = options.variable;
    this.value = options.value;
    this.fd = options.fd;
    this.syscall = options.syscall;
    this.errno = options.errno;
  }
};

// _environment.ts

// _linux.ts
var LINUX = {
  // <fcntl.h>
  F_DUPFD_CLOEXEC: 1030,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  FD_CLOEXEC: 1,
  // <linux/close_range.h>
  CLOSE_RANGE_CLOEXEC: 4,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_ACCMODE: 3,
  O_NONBLOCK: 2048,
  O_CLOEXEC: 524288,
  AT_EMPTY_PATH: 4096,
  SEEK_SET: 0,
  // <linux/stat.h>
  STATX_TYPE: 1,
  STATX_INO: 256,
  S_IFMT: 61440,
  S_IFSOCK: 49152,
  S_IFLNK: 40960,
  S_IFREG: 32768,
  S_IFBLK: 24576,
  S_IFDIR: 16384,
  S_IFCHR: 8192,
  S_IFIFO: 4096,
  // <linux/magic.h> (6.9), the kernel's ipc/mqueue.c
  PIDFS_MAGIC: 1346978886,
  MQUEUE_MAGIC: 427819522,
  // <asm-generic/unistd.h>: numbered alike on every architecture since 5.1
  SYS_pidfd_open: 434,
  // <fcntl.h>: the *at() calls' "relative to the working directory"
  AT_FDCWD: -100,
  // <sys/socket.h>, <asm-generic/socket.h>, <netinet/in.h>
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: 10,
  AF_VSOCK: 40,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_SEQPACKET: 5,
  SOCK_NONBLOCK: 2048,
  SOCK_CLOEXEC: 524288,
  SOL_SOCKET: 1,
  SO_REUSEADDR: 2,
  SO_REUSEPORT: 15,
  SO_TYPE: 3,
  SO_SNDBUF: 7,
  SO_ACCEPTCONN: 30,
  SO_PROTOCOL: 38,
  SO_DOMAIN: 39,
  SCM_RIGHTS: 1,
  SCM_CREDENTIALS: 2,
  SO_PASSCRED: 16,
  IPPROTO_TCP: 6,
  TCP_INFO: 11,
  TCP_ESTABLISHED: 1,
  FIONREAD: 21531,
  IPPROTO_IPV6: 41,
  IPV6_V6ONLY: 26,
  MSG_NOSIGNAL: 16384,
  MSG_DONTWAIT: 64,
  MSG_CMSG_CLOEXEC: 1073741824,
  MSG_CTRUNC: 8,
  SHUT_WR: 1,
  SHUT_RDWR: 2,
  // <sys/epoll.h>
  EPOLL_CTL_ADD: 1,
  EPOLL_CTL_DEL: 2,
  EPOLL_CTL_MOD: 3,
  // <asm-generic/errno-base.h>, <asm-generic/errno.h>
  EPERM: 1,
  EINTR: 4,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOENT: 2,
  EEXIST: 17,
  EINVAL: 22,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  EPROTO: 71,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  // <sys/wait.h>, <sys/mman.h>, <time.h>
  WNOHANG: 1,
  MFD_CLOEXEC: 1,
  CLOCK_MONOTONIC: 1,
  // <spawn.h>
  POSIX_SPAWN_SETPGROUP: 2,
  POSIX_SPAWN_SETSIGDEF: 4,
  POSIX_SPAWN_SETSIGMASK: 8
};
var ERRNO_NAMES = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  5: "EIO",
  7: "E2BIG",
  9: "EBADF",
  10: "ECHILD",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  17: "EEXIST",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  24: "EMFILE",
  28: "ENOSPC",
  32: "EPIPE",
  34: "ERANGE",
  36: "ENAMETOOLONG",
  38: "ENOSYS",
  71: "EPROTO",
  75: "EOVERFLOW",
  88: "ENOTSOCK",
  90: "EMSGSIZE",
  91: "EPROTOTYPE",
  92: "ENOPROTOOPT",
  93: "EPROTONOSUPPORT",
  95: "EOPNOTSUPP",
  97: "EAFNOSUPPORT",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
  105: "ENOBUFS",
  107: "ENOTCONN",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED"
};
var SIGNALS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15
};
var ARCH_LAYOUTS = {
  x86_64: {
    /** `struct stat`: x86_64's own layout (`st_nlink` is 8 bytes, before `st_mode`). */
    stat: { size: 144, st_ino: 8, st_mode: 24 },
    /** `struct epoll_event`: packed on x86_64 (`EPOLL_PACKED`). */
    epoll_event: { size: 12, events: 0, data: 4 },
    /** Syscall numbers (`asm/unistd_64.h`). */
    syscalls: {
      read: 0,
      close: 3,
      getsockname: 51,
      getpeername: 52,
      socket: 41,
      bind: 49,
      listen: 50,
      ioctl: 16,
      getsockopt: 55,
      fcntl: 72,
      getdents64: 217,
      epoll_ctl: 233,
      openat: 257,
      readlinkat: 267,
      dup3: 292,
      statx: 332
    }
  },
  aarch64: {
    /** `struct stat`: the generic layout (`asm-generic/stat.h`). */
    stat: { size: 128, st_ino: 8, st_mode: 16 },
    /** `struct epoll_event`: naturally aligned, `data` at 8. */
    epoll_event: { size: 16, events: 0, data: 8 },
    /** Syscall numbers (`asm-generic/unistd.h`). */
    syscalls: {
      read: 63,
      close: 57,
      getsockname: 204,
      getpeername: 205,
      socket: 198,
      bind: 200,
      listen: 201,
      ioctl: 29,
      getsockopt: 209,
      fcntl: 25,
      getdents64: 61,
      epoll_ctl: 21,
      openat: 56,
      readlinkat: 78,
      dup3: 24,
      statx: 291
    }
  }
};
var HERE = ARCH_LAYOUTS[isLinuxArch(Deno.build.arch) ? Deno.build.arch : "x86_64"];
var STAT = HERE.stat;
var EPOLL_EVENT = HERE.epoll_event;
var SYSCALLS = HERE.syscalls;
var STATX = { size: 256, stx_mode: 28, stx_ino: 32 };
var STATFS = { size: 120, f_type: 0 };
var FILE_HANDLE = {
  size: 16,
  handle_bytes: 0,
  handle_type: 4,
  f_handle: 8,
  capacity: 8
};
var TIMESPEC = { size: 16, tv_sec: 0, tv_nsec: 8 };
var MSGHDR = {
  size: 56,
  msg_name: 0,
  msg_namelen: 8,
  msg_iov: 16,
  msg_iovlen: 24,
  msg_control: 32,
  msg_controllen: 40,
  msg_flags: 48
};
var IOVEC = { size: 16, iov_base: 0, iov_len: 8 };
var CMSGHDR = {
  size: 16,
  cmsg_len: 0,
  cmsg_level: 8,
  cmsg_type: 12,
  data: 16,
  align: 8
};
var TCP_INFO = {
  size: 232,
  tcpi_state: 0,
  tcpi_last_data_sent: 44,
  tcpi_last_data_recv: 52,
  tcpi_data_segs_in: 152,
  tcpi_data_segs_out: 156
};
var UCRED = { size: 12, pid: 0, uid: 4, gid: 8 };
var SOCKADDR_STORAGE = { size: 128 };
var SOCKADDR_IN = {
  size: 16,
  sin_family: 0,
  sin_port: 2,
  sin_addr: 4
};
var SOCKADDR_IN6 = {
  size: 28,
  sin6_family: 0,
  sin6_port: 2,
  sin6_flowinfo: 4,
  sin6_addr: 8,
  sin6_scope_id: 24
};
var SOCKADDR_UN = {
  size: 110,
  sun_family: 0,
  sun_path: 2,
  sun_path_size: 108
};
var SOCKADDR_VM = {
  size: 16,
  svm_family: 0,
  svm_port: 4,
  svm_cid: 8
};
var SPAWN = {
  /** `sizeof(posix_spawn_file_actions_t)` */
  file_actions_size: 80,
  /** `sizeof(posix_spawnattr_t)` */
  attr_size: 336,
  /** `sizeof(sigset_t)`: 1024 bits, of which the kernel uses the first 64. */
  sigset_size: 128,
  /** The bytes of a `sigset_t` that hold Linux's 64 signals. */
  sigset_used: 8
};
var LE = true;

// _ffi.ts
var UNUSED_LONG = { struct: ["i64"] };
var SYMBOLS = {
  // ---- file descriptors
  /** int fcntl(int fd, int cmd, ... /* int arg *\/) */
  fcntl: {
    parameters: [
      "i32",
      // int fd
      "i32",
      // int cmd
      "i32"
      // int arg
    ],
    result: "i32"
  },
  /** int close(int fd) */
  close: { parameters: ["i32"], result: "i32" },
  /**
   * int close_range(unsigned int first, unsigned int last, int flags)
   * (Linux 5.9, CLOSE_RANGE_CLOEXEC 5.11; glibc 2.34)
   */
  close_range: {
    parameters: [
      "u32",
      // unsigned int first
      "u32",
      // unsigned int last
      "i32"
      // int flags
    ],
    result: "i32",
    optional: true
  },
  /** int dup2(int oldfd, int newfd) */
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  /** int dup3(int oldfd, int newfd, int flags) (glibc 2.9) */
  dup3: {
    parameters: [
      "i32",
      // int oldfd
      "i32",
      // int newfd
      "i32"
      // int flags
    ],
    result: "i32",
    optional: true
  },
  /** int open(const char *pathname, int flags, ... /* mode_t mode *\/) */
  open: {
    parameters: [
      "buffer",
      // const char *pathname
      "i32",
      // int flags
      "u32"
      // mode_t mode
    ],
    result: "i32"
  },
  /** ssize_t read(int fd, void *buf, size_t count) */
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** ssize_t write(int fd, const void *buf, size_t count) */
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** off_t lseek(int fd, off_t offset, int whence) */
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  /** ssize_t getdents64(int fd, void *dirp, size_t count) (glibc 2.30) */
  getdents64: {
    parameters: [
      "i32",
      // int fd
      "buffer",
      // void *dirp
      "usize"
      // size_t count
    ],
    result: "isize",
    optional: true
  },
  /** ssize_t readlink(const char *pathname, char *buf, size_t bufsiz) */
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  /** int unlink(const char *pathname) */
  unlink: { parameters: ["buffer"], result: "i32" },
  /** int pipe2(int pipefd[2], int flags) (glibc 2.9) */
  pipe2: { parameters: ["buffer", "i32"], result: "i32", optional: true },
  /** int memfd_create(const char *name, unsigned int flags) (glibc 2.27) */
  memfd_create: {
    parameters: ["buffer", "u32"],
    result: "i32",
    optional: true
  },
  // ---- file status
  /**
   * int statx(int dirfd, const char *pathname, int flags, unsigned int mask,
   *           struct statx *statxbuf) (glibc 2.28)
   */
  statx: {
    parameters: [
      "i32",
      // int dirfd
      "buffer",
      // const char *pathname
      "i32",
      // int flags
      "u32",
      // unsigned int mask
      "buffer"
      // struct statx *statxbuf
    ],
    result: "i32",
    optional: true
  },
  /** int fstat(int fd, struct stat *statbuf) (glibc 2.33) */
  fstat: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  /** int fstatfs(int fd, struct statfs *buf) */
  fstatfs: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  /**
   * int name_to_handle_at(int dirfd, const char *pathname,
   *                       struct file_handle *handle, int *mount_id, int flags)
   */
  name_to_handle_at: {
    parameters: [
      "i32",
      // int dirfd
      "buffer",
      // const char *pathname
      "buffer",
      // struct file_handle *handle
      "buffer",
      // int *mount_id
      "i32"
      // int flags
    ],
    result: "i32",
    optional: true
  },
  // ---- processes
  /** int pidfd_open(pid_t pid, unsigned int flags) (glibc 2.36) */
  pidfd_open: { parameters: ["i32", "u32"], result: "i32", optional: true },
  /**
   * long syscall(long number, ...) with six arguments: the functions an
   * activation calls go through this binding and the next six (see
   * `activationFunctions`), so that one `Deno.dlopen` binds them all; this one
   * for calls without pointers ({@linkcode systemCall}). The sixth argument,
   * which none of those calls uses, is declared as a struct of one `long`,
   * which x86_64 and aarch64 pass where they pass a `long`: Deno 2.9 compiles
   * a fast-call trampoline for a function with scalar types only, ~1 ms of
   * the first `Deno.dlopen` and ~0.3 ms for each other such function, and
   * calls one with a struct without it (each ~0.02 ms). A struct result
   * would do the same, but Deno wraps such a function in one made by
   * `new Function`, ~0.7 ms more, and allocates the result at every call.
   */
  syscall: {
    parameters: [
      "i64",
      // long number
      "i64",
      // long arg1
      "i64",
      // long arg2
      "i64",
      // long arg3
      "i64",
      // long arg4
      "i64",
      // long arg5
      UNUSED_LONG
      // long arg6
    ],
    result: "i64"
    // long
  },
  /**
   * The same `syscall()` for calls with pointers: each of these six declares
   * the arguments that are pointers (named by their positions) as buffers,
   * so that Deno passes a buffer's address itself (the first
   * `Deno.UnsafePointer.of()` costs a start ~0.3 ms).
   */
  syscall_p2: {
    name: "syscall",
    parameters: ["i64", "i64", "buffer", "i64", "i64", "i64", UNUSED_LONG],
    result: "i64"
  },
  /** `syscall()`, its argument 3 a pointer. */
  syscall_p3: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "buffer", "i64", "i64", UNUSED_LONG],
    result: "i64"
  },
  /** `syscall()`, its arguments 2 and 3 pointers. */
  syscall_p23: {
    name: "syscall",
    parameters: ["i64", "i64", "buffer", "buffer", "i64", "i64", UNUSED_LONG],
    result: "i64"
  },
  /** `syscall()`, its arguments 2 and 5 pointers. */
  syscall_p25: {
    name: "syscall",
    parameters: ["i64", "i64", "buffer", "i64", "i64", "buffer", UNUSED_LONG],
    result: "i64"
  },
  /** `syscall()`, its argument 4 a pointer. */
  syscall_p4: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "i64", "buffer", "i64", UNUSED_LONG],
    result: "i64"
  },
  /** `syscall()`, its arguments 4 and 5 pointers. */
  syscall_p45: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "i64", "buffer", "buffer", UNUSED_LONG],
    result: "i64"
  },
  /** int clock_gettime(clockid_t clockid, struct timespec *tp) */
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
  /** int kill(pid_t pid, int sig) */
  kill: { parameters: ["i32", "i32"], result: "i32" },
  /** pid_t waitpid(pid_t pid, int *wstatus, int options), off the JS thread */
  waitpid: {
    parameters: [
      "i32",
      // pid_t pid
      "buffer",
      // int *wstatus
      "i32"
      // int options
    ],
    result: "i32",
    nonblocking: true
  },
  /**
   * int posix_spawn(pid_t *pid, const char *path,
   *                 const posix_spawn_file_actions_t *file_actions,
   *                 const posix_spawnattr_t *attrp,
   *                 char *const argv[], char *const envp[])
   */
  posix_spawn: {
    parameters: [
      "buffer",
      // pid_t *pid
      "buffer",
      // const char *path
      "buffer",
      // const posix_spawn_file_actions_t *file_actions
      "buffer",
      // const posix_spawnattr_t *attrp
      "buffer",
      // char *const argv[]
      "buffer"
      // char *const envp[]
    ],
    result: "i32"
  },
  /** int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa) */
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa) */
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  /**
   * int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa,
   *                                      int fildes, int newfildes)
   */
  posix_spawn_file_actions_adddup2: {
    parameters: [
      "buffer",
      // posix_spawn_file_actions_t *fa
      "i32",
      // int fildes
      "i32"
      // int newfildes
    ],
    result: "i32"
  },
  /**
   * int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa,
   *                                       int fildes)
   */
  posix_spawn_file_actions_addclose: {
    parameters: ["buffer", "i32"],
    result: "i32"
  },
  /**
   * int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa,
   *                                              int from) (glibc 2.34)
   */
  posix_spawn_file_actions_addclosefrom_np: {
    parameters: ["buffer", "i32"],
    result: "i32",
    optional: true
  },
  /** int posix_spawnattr_init(posix_spawnattr_t *attr) */
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawnattr_destroy(posix_spawnattr_t *attr) */
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags) */
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  /**
   * int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr,
   *                                   const sigset_t *sigdefault)
   */
  posix_spawnattr_setsigdefault: {
    parameters: ["buffer", "buffer"],
    result: "i32"
  },
  /**
   * int posix_spawnattr_setsigmask(posix_spawnattr_t *attr,
   *                                const sigset_t *sigmask)
   */
  posix_spawnattr_setsigmask: {
    parameters: ["buffer", "buffer"],
    result: "i32"
  },
  // ---- sockets
  /** int socket(int domain, int type, int protocol) */
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  /** int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen) */
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  /** int listen(int sockfd, int backlog) */
  listen: { parameters: ["i32", "i32"], result: "i32" },
  /** int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen) */
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  /**
   * int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen,
   *             int flags), off the JS thread (glibc 2.10)
   */
  accept4: {
    parameters: [
      "i32",
      // int sockfd
      "buffer",
      // struct sockaddr *addr
      "buffer",
      // socklen_t *addrlen
      "i32"
      // int flags
    ],
    result: "i32",
    nonblocking: true,
    optional: true
  },
  /** int shutdown(int sockfd, int how) */
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  /** int ioctl(int fd, unsigned long request, int *argp) (FIONREAD) */
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  /**
   * int getsockopt(int sockfd, int level, int optname, void *optval,
   *                socklen_t *optlen)
   */
  getsockopt: {
    parameters: [
      "i32",
      // int sockfd
      "i32",
      // int level
      "i32",
      // int optname
      "buffer",
      // void *optval
      "buffer"
      // socklen_t *optlen
    ],
    result: "i32"
  },
  /**
   * int setsockopt(int sockfd, int level, int optname, const void *optval,
   *                socklen_t optlen)
   */
  setsockopt: {
    parameters: [
      "i32",
      // int sockfd
      "i32",
      // int level
      "i32",
      // int optname
      "buffer",
      // const void *optval
      "u32"
      // socklen_t optlen
    ],
    result: "i32"
  },
  /** int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen) */
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen) */
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags) */
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  /** ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags) */
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  /** int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) */
  epoll_ctl: {
    parameters: [
      "i32",
      // int epfd
      "i32",
      // int op
      "i32",
      // int fd
      "buffer"
      // struct epoll_event *event
    ],
    result: "i32"
  },
  // ---- environment and strings
  /** char *getenv(const char *name) */
  getenv: { parameters: ["buffer"], result: "pointer" },
  /** size_t strlen(const char *s) */
  strlen: { parameters: ["pointer"], result: "usize" },
  // ---- errors
  /** char *strerror(int errnum) */
  strerror: { parameters: ["i32"], result: "pointer" },
  /** int *__errno_location(void) */
  __errno_location: { parameters: [], result: "pointer" }
};
var LIBC_PATH_VARIABLE = "DENO_LISTEN_FDS_LIBC";
var bound;
var handles = [];
var UNUSED_ARGUMENT = new Uint8Array(8);
var SYSCALL_SYMBOLS = [
  "syscall",
  "syscall_p2",
  "syscall_p23",
  "syscall_p25",
  "syscall_p3",
  "syscall_p4",
  "syscall_p45"
];
var GROUPS = [
  ["pidfd_open", "fstatfs", "name_to_handle_at"]
];
var encoder;

// _sockaddr.ts
var decoder;

// _fd_info.ts
var EMPTY_PATH = cString("");
var statxBuffer;
var optionBuffers;
var FAMILIES = {
  [LINUX.AF_INET]: "inet",
  [LINUX.AF_INET6]: "inet6",
  [LINUX.AF_UNIX]: "unix",
  [LINUX.AF_VSOCK]: "vsock"
};
var TYPES = {
  [LINUX.SOCK_STREAM]: "stream",
  [LINUX.SOCK_DGRAM]: "dgram",
  [LINUX.SOCK_SEQPACKET]: "seqpacket",
  [LINUX.SOCK_RAW]: "raw"
};
var sockaddrBuffers;

// _io.ts
var chunk;

// _adopt/proc.ts
var decoder2;
var linkBuffer;
var linkPath;
var FD_DIR = "/proc/self/fd/";
var DIRENT64 = { d_reclen: 16, d_name: 19 };
var direntBuffer;
var DECIMAL = 10;
var HEX = 16;

// _adopt/epoll.ts
var eventpollLink;
var lastEpoll;
var PROBED_FDS = 64;

// _adopt/placeholder.ts
var PLACEHOLDER_HOSTNAME = "127.0.0.1";
var UNIX_PLACEHOLDER_PERMISSIONS = '--allow-read and --allow-write on the temporary directory and, from Deno 2.9, an unscoped --allow-net (or use via: "node")';

// _adopt/conn.ts

// _adopt/datagram.ts

// _adopt/file.ts
var FILE_KINDS = ["fifo", "file", "character-device"];

// _adopt/node.ts
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
      return Promise.reject(
        new Deno.errors.BadResource("Listener has been closed")
      );
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

// _adopt/policy.ts

// _adopt/listener.ts

// _adopt/serve.ts
var QUIET_MS = 100;
var POLL_MS = 10;
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

// _env.ts
var LISTEN_FDS_START = 3;
var LISTEN_FDS_MAX = 2147483644;
var UNKNOWN_NAME = "unknown";
var LISTEN_VARIABLES = Object.freeze([
  "LISTEN_PID",
  "LISTEN_PIDFDID",
  "LISTEN_FDS",
  "LISTEN_FDNAMES",
  "LISTEN_FDS_FIRST_FD"
]);
var INT_MAX = 2147483647;
var U64_MAX = 18446744073709551615n;
var utf8;
var lossyUtf8;

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
    this.#fds = env ? Array.from({ length: env.count }, (_, i) => env.firstFd + i) : [];
    this.#names = Object.freeze(
      env?.names ?? new Array(env?.count ?? 0).fill(UNKNOWN_NAME)
    );
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
        shared = { fds: _ListenFds.#read(read.env, first.pid), options: first };
      } catch (error) {
        shared = { error, options: first };
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
      return new _ListenFds(void 0, { pid: "absent", pidfdId: "absent" });
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
    return { ...this.#verification };
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
  [/* @__PURE__ */ Symbol.for("Deno.customInspect")](inspect, options) {
    const shown = Math.min(this.length, INSPECT_LIMIT);
    const entries = Array.from({ length: shown }, (_, i) => ({
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
    return fd === void 0 ? void 0 : { fd, name: this.#names[index] };
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
    return this.#names.findIndex(
      (candidate, index) => candidate === name && this.#fds[index] !== void 0
    );
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
    return Deno.listen(
      bindOptions(options)
    );
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
      return Deno.serve(
        { ...bindOptions(options), handler: serveHandler }
      );
    }
    return this.#handOver(
      index,
      (fd) => adoptServe(fd, { ...options, handler: serveHandler })
    );
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
    throw new ListenFdsError(
      `Cannot ${what}: ${this.length} fds were passed (${this.#listNames()}) and neither name nor index chooses one`,
      { code: "FD_NOT_FOUND" }
    );
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
    const shown = this.#names.slice(0, INSPECT_LIMIT).map(
      (name, i) => `"${name}"${this.#fds[i] === void 0 ? " (taken)" : ""}`
    );
    if (this.length > shown.length) {
      shown.push(`... ${this.length - shown.length} more`);
    }
    return `[${shown.join(", ")}]`;
  }
  #notActivated(what) {
    return new ListenFdsError(
      `Cannot ${what}: the process was not socket-activated (LISTEN_FDS is not set); start it from a systemd socket unit, systemd-socket-activate or the launcher (launch.ts)`,
      { code: "NOT_ACTIVATED", variable: "LISTEN_FDS" }
    );
  }
};
export {
  ARCH_LAYOUTS,
  CMSGHDR,
  EPOLL_EVENT,
  ERRNO_NAMES,
  FILE_HANDLE,
  IOVEC,
  LIBC_PATH_VARIABLE,
  LINUX,
  LISTEN_FDS_MAX,
  LISTEN_FDS_START,
  LISTEN_VARIABLES,
  ListenFds,
  ListenFdsError,
  MSGHDR,
  SIGNALS,
  SOCKADDR_IN,
  SOCKADDR_IN6,
  SOCKADDR_STORAGE,
  SOCKADDR_UN,
  SOCKADDR_VM,
  SPAWN,
  STAT,
  STATFS,
  STATX,
  SYSCALLS,
  TCP_INFO,
  TIMESPEC,
  UCRED,
  UNKNOWN_NAME,
  addressOf,
  adoptConn,
  adoptDatagram,
  adoptFile,
  adoptInetdConn,
  adoptIntoPlaceholder,
  adoptListener,
  adoptServe,
  bindLibc,
  bindOptions,
  buildMsghdr,
  cString,
  checkMilliseconds,
  chooseVia,
  cmsgSpace,
  decodeSockaddr,
  decodeWaitStatus,
  defaultOnListen,
  deferredNodeListener,
  deferredNodeServe,
  describeMismatch,
  detachListener,
  encodeInetSockaddr,
  encodeUnixSockaddr,
  epollEvent,
  errno,
  errnoError,
  errnoName,
  fdLinkIs,
  fileHandle,
  findLibc,
  findPlaceholder,
  getenvBytes,
  inspectFd,
  isCanonicalDecimal,
  isFdOpen,
  isLinuxArch,
  libc,
  libcCandidates,
  listOpenFds,
  listenAt,
  nodeFdSupported,
  ownPidfdId,
  parseEpollTargets,
  parseIpv4,
  parseIpv6,
  parseListenEnv,
  parseListenFdNames,
  parseListenFdRange,
  parseListenPid,
  parseListenPidfdId,
  placeholderMatcher,
  readEnv,
  readEpollEvent,
  readEpollTargets,
  readFdLink,
  readMsghdr,
  readOptionalEnv,
  readPidfsHandle,
  readProcFile,
  readScmRights,
  readStat,
  readStatfsType,
  readStatx,
  readTimespecMicroseconds,
  readToEnd,
  requireFd,
  requireSocket,
  scanFdTable,
  scmRights,
  setAddress,
  showBytes,
  socketAddress,
  statFd,
  syscallError,
  systemCall,
  takeOver,
  unsetEnv,
  withPermission,
  withPlaceholder
};

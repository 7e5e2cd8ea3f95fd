// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  LINUX,
  SOCKADDR_IN,
  SOCKADDR_IN6,
  SOCKADDR_STORAGE,
  SOCKADDR_UN,
  SOCKADDR_VM,
  STAT,
  STATFS,
  STATX,
  cString,
  errno,
  errnoError,
  fileHandle,
  libc,
  readLong,
  readPidfsHandle,
  readStat,
  readStatfsType,
  readStatx,
  sharedBuffer,
  syscallError
} from "./chunk-RG433I5V.js";
import {
  ListenFdsError
} from "./chunk-CDRIS56Y.js";

// _sockaddr.ts
var decoder;
function decodeSockaddr(bytes, length, transport) {
  if (length < 2) return void 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = view.getUint16(SOCKADDR_IN.sin_family, true);
  if (family === LINUX.AF_INET) {
    const port = view.getUint16(SOCKADDR_IN.sin_port, false);
    const hostname = Array.from(bytes.subarray(SOCKADDR_IN.sin_addr, SOCKADDR_IN.sin_addr + 4)).join(".");
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
      groups.push(view.getUint16(SOCKADDR_IN6.sin6_addr + 2 * i, false).toString(16));
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
    if (raw.length === 0) return {
      transport: unixTransport,
      path: ""
    };
    if (raw[0] === 0) {
      return {
        transport: unixTransport,
        path: `@${(decoder ??= new TextDecoder()).decode(raw.subarray(1))}`
      };
    }
    const end = raw.indexOf(0);
    return {
      transport: unixTransport,
      path: (decoder ??= new TextDecoder()).decode(end === -1 ? raw : raw.subarray(0, end))
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
}
function compressIpv6(groups) {
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
}
function inetSockaddr(layout, family, addr, port) {
  const bytes = new Uint8Array(layout.size);
  const view = new DataView(bytes.buffer);
  view.setUint16(layout.family, family, true);
  view.setUint16(layout.port, port, false);
  bytes.set(addr, layout.addr);
  return bytes;
}
function encodeInetSockaddr(hostname, port) {
  const v4 = parseIpv4(hostname);
  if (v4) {
    const { size, sin_family, sin_port, sin_addr } = SOCKADDR_IN;
    const layout = {
      size,
      family: sin_family,
      port: sin_port,
      addr: sin_addr
    };
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
  throw new ListenFdsError(`Cannot encode address "${hostname}": not a literal IPv4 or IPv6 address`, {
    code: "INVALID_ARGUMENT",
    value: hostname
  });
}
function encodeUnixSockaddr(path) {
  const abstract = path.startsWith("@");
  const name = abstract ? new TextEncoder().encode(path.slice(1)) : cString(path).subarray(0, -1);
  if (path.length === 0 || abstract && name.length === 0) {
    throw new ListenFdsError(`Cannot encode Unix socket address "${path}": name is empty`, {
      code: "INVALID_ARGUMENT",
      value: path
    });
  }
  if (name.length + 1 > SOCKADDR_UN.sun_path_size) {
    throw new ListenFdsError(`Cannot encode Unix socket address "${path}": longer than ${SOCKADDR_UN.sun_path_size - 1} bytes`, {
      code: "INVALID_ARGUMENT",
      value: path
    });
  }
  const bytes = new Uint8Array(SOCKADDR_UN.size);
  new DataView(bytes.buffer).setUint16(SOCKADDR_UN.sun_family, LINUX.AF_UNIX, true);
  bytes.set(name, SOCKADDR_UN.sun_path + (abstract ? 1 : 0));
  const length = SOCKADDR_UN.sun_path + 1 + name.length;
  return {
    bytes,
    length
  };
}
function parseIpv4(text) {
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
}
function parseIpv6(text) {
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
  const groups = [
    ...head,
    ...new Array(missing).fill(0),
    ...tail
  ];
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  groups.forEach((g, i) => view.setUint16(2 * i, g, false));
  return bytes;
}

// _fd_info.ts
function inspectFd(fd) {
  const c = libc();
  const fdFlags = c.fcntl(fd, LINUX.F_GETFD, 0);
  if (fdFlags === -1) {
    throw syscallError(`Cannot inspect fd ${fd}`, "fcntl", fd, errno() === LINUX.EBADF ? "FD_NOT_OPEN" : "SYSCALL_FAILED");
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
}
function fileKind(fd, mode) {
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
}
function statFd(fd) {
  const c = libc();
  if (c.statx) {
    const buffer = statxBuffer ??= sharedBuffer(STATX.size);
    const result = c.statx(fd, EMPTY_PATH, LINUX.AT_EMPTY_PATH, LINUX.STATX_TYPE | LINUX.STATX_INO, buffer);
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
  throw new ListenFdsError(`Cannot stat fd ${fd}: the C library has neither statx nor fstat`, {
    code: "UNSUPPORTED_PLATFORM",
    fd
  });
}
var EMPTY_PATH = cString("");
var statxBuffer;
function fileSystemType(fd) {
  const c = libc();
  if (!c.fstatfs) return void 0;
  const buffer = new Uint8Array(STATFS.size);
  if (c.fstatfs(fd, buffer) === -1) return void 0;
  return readStatfsType(buffer);
}
function socketOption(fd, option) {
  const buffers = optionBuffers ??= {
    value: sharedBuffer(4),
    length: sharedBuffer(4)
  };
  const { value, length } = buffers;
  value.fill(0);
  length[0] = 4;
  length[1] = length[2] = length[3] = 0;
  const result = libc().getsockopt(fd, LINUX.SOL_SOCKET, option, value, length);
  if (result === -1) {
    throw syscallError(`Cannot read socket option of fd ${fd}`, "getsockopt", fd);
  }
  return value[0] | value[1] << 8 | value[2] << 16 | value[3] << 24;
}
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
function socketInfo(fd) {
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
}
function socketAddress(fd, which, transport) {
  const buffers = sockaddrBuffers ??= sockaddrPair();
  const { bytes, lengthBytes, length } = buffers;
  length[0] = SOCKADDR_STORAGE.size;
  const result = libc()[which](fd, bytes, lengthBytes);
  if (result === -1) return void 0;
  return decodeSockaddr(bytes, length[0], transport);
}
var sockaddrBuffers;
function sockaddrPair() {
  const lengthBytes = sharedBuffer(4);
  return {
    bytes: sharedBuffer(SOCKADDR_STORAGE.size),
    lengthBytes,
    length: new Uint32Array(lengthBytes.buffer)
  };
}
function ownPidfdId(pid) {
  const c = libc();
  const pidfd = c.pidfd_open ? c.pidfd_open(pid, 0) : readLong(c.syscall(BigInt(LINUX.SYS_pidfd_open), BigInt(pid), 0n, 0n, 0n, 0n, 0n));
  if (pidfd < 0) return {
    reason: "pidfd_open() is not available"
  };
  try {
    if (fileSystemType(pidfd) !== LINUX.PIDFS_MAGIC) {
      return {
        reason: "pidfds are not on pidfs (kernel older than 6.9)"
      };
    }
    if (c.name_to_handle_at) {
      const handle = fileHandle();
      const mountId = new Uint8Array(4);
      const result = c.name_to_handle_at(pidfd, EMPTY_PATH, handle, mountId, LINUX.AT_EMPTY_PATH);
      if (result === 0) return {
        id: readPidfsHandle(handle)
      };
      const error = errno();
      if (error !== LINUX.EOPNOTSUPP && error !== LINUX.ENOSYS) {
        return {
          reason: `name_to_handle_at() failed with errno ${error}`
        };
      }
    }
    return {
      id: statFd(pidfd).inode
    };
  } finally {
    c.close(pidfd);
  }
}

export {
  decodeSockaddr,
  encodeInetSockaddr,
  encodeUnixSockaddr,
  parseIpv4,
  parseIpv6,
  inspectFd,
  statFd,
  socketAddress,
  ownPidfdId
};

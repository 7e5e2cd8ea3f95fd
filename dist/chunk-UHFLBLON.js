// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _launcher/bind.ts
import { libc, syscallError } from "./_core.js";
import { LINUX } from "./_core.js";
import { encodeInetSockaddr, encodeUnixSockaddr } from "./_core.js";
import { socketAddress } from "./_core.js";

// _launcher/spec.ts
import { ListenFdsError } from "./_core.js";
import { parseIpv4, parseIpv6 } from "./_core.js";
import { SOCKADDR_UN } from "./_core.js";
var specError = (function specError(spec, reason) {
  return new ListenFdsError(
    `Cannot parse socket spec "${spec}": ${reason}`,
    { code: "INVALID_SOCKET_SPEC", value: spec }
  );
});
var fdNameProblem = (function fdNameProblem(name) {
  if (name.length === 0) return "name is empty";
  if (name.length > MAX_NAME_LENGTH) {
    return `name is longer than ${MAX_NAME_LENGTH} characters`;
  }
  if (name.includes(":")) return `name contains ":"`;
  if (!/^[\x20-\x7e]+$/.test(name)) {
    return "name has a character that is not printable ASCII";
  }
  return void 0;
});
var parseSocketSpec = (function parseSocketSpec(spec) {
  if (spec.length === 0) throw specError(spec, "spec is empty");
  let rest = spec;
  let name;
  const named = NAME_PREFIX.exec(rest);
  if (named) {
    name = named[1];
    const problem = fdNameProblem(name);
    if (problem) {
      throw specError(spec, `fd name "${name}" is invalid: ${problem}`);
    }
    rest = named[2];
    if (rest.length === 0) throw specError(spec, "nothing follows the name");
  }
  const typed = TYPE_PREFIX.exec(rest);
  if (typed) {
    const type = typed[1];
    const value = typed[2];
    if (!SCHEMES.includes(type)) {
      throw specError(
        spec,
        `unknown socket type "${type}"; expected tcp, http, https, unix or udp`
      );
    }
    if (value.length === 0) {
      throw specError(spec, `nothing follows "${type}::"`);
    }
    if (type === "unix") return unixSpec(spec, value, name);
    return inetSpec(spec, type, value, name);
  }
  if (rest.includes("/")) return unixSpec(spec, rest, name);
  if (/^[0-9]+$/.test(rest) || rest.includes(":") || rest.startsWith("[")) {
    return inetSpec(spec, "tcp", rest, name);
  }
  throw specError(
    spec,
    "not a port, an address or a path; write a type such as tcp:: or unix::"
  );
});
var unixSpec = (function unixSpec(spec, path, name) {
  if (path.includes("\0")) throw specError(spec, "path contains a NUL byte");
  const bytes = new TextEncoder().encode(path).length;
  if (path.startsWith("@")) {
    if (bytes === 1) throw specError(spec, "abstract socket name is empty");
  }
  if (bytes > SOCKADDR_UN.sun_path_size - 1) {
    throw specError(
      spec,
      `path is ${bytes} bytes, longer than the ${SOCKADDR_UN.sun_path_size - 1} a Unix socket allows`
    );
  }
  return { transport: "unix", scheme: "unix", path, name, spec };
});
var inetSpec = (function inetSpec(spec, scheme, value, name) {
  const transport = scheme === "udp" ? "udp" : "tcp";
  const base = { transport, scheme, name, spec };
  if (/^[0-9]+$/.test(value)) {
    return {
      ...base,
      family: "inet",
      hostname: DEFAULT_HOST,
      port: port(spec, value)
    };
  }
  if (value.startsWith("[")) {
    const match = /^\[([^\]]*)\]:(.*)$/s.exec(value);
    if (!match) {
      throw specError(spec, `expected [IPV6]:PORT, got "${value}"`);
    }
    const host2 = match[1];
    if (host2.includes("%")) {
      throw specError(spec, `IPv6 zone ids are not supported ("${host2}")`);
    }
    if (!parseIpv6(host2)) {
      throw specError(spec, `"${host2}" is not an IPv6 address`);
    }
    return {
      ...base,
      family: "inet6",
      hostname: host2,
      port: port(spec, match[2])
    };
  }
  const colon = value.lastIndexOf(":");
  if (colon === -1) {
    throw specError(
      spec,
      `expected PORT, IPV4:PORT or [IPV6]:PORT, got "${value}"`
    );
  }
  const host = value.slice(0, colon);
  if (host.includes(":")) {
    throw specError(spec, `IPv6 addresses need brackets, as in [::1]:PORT`);
  }
  if (!parseIpv4(host)) {
    throw specError(
      spec,
      /^[0-9.]*$/.test(host) ? `"${host}" is not an IPv4 address` : `"${host}" is not a literal IP address (host names are not resolved)`
    );
  }
  return {
    ...base,
    family: "inet",
    hostname: host,
    port: port(spec, value.slice(colon + 1))
  };
});
var port = (function port(spec, text) {
  if (!/^[0-9]+$/.test(text)) {
    throw specError(spec, `port "${text}" is not a decimal number`);
  }
  const value = Number(text);
  if (value > 65535) {
    throw specError(spec, `port ${text} is out of range (0 to 65535)`);
  }
  return value;
});
var describeSocket = (function describeSocket(spec, address) {
  if (spec.transport === "unix") return `unix ${address.path ?? spec.path}`;
  const host = address.hostname ?? spec.hostname;
  const hostPort = `${host.includes(":") ? `[${host}]` : host}:${address.port ?? spec.port}`;
  if (spec.scheme === "http" || spec.scheme === "https") {
    return `${spec.scheme}://${hostPort}/`;
  }
  return `${spec.scheme} ${hostPort}`;
});
var bindSockets = (function bindSockets(specs, options) {
  const bound = [];
  try {
    for (const spec of specs) bound.push(bindSocket(spec, options));
  } catch (error) {
    closeSockets(bound);
    throw error;
  }
  return bound;
});
var closeSockets = (function closeSockets(sockets) {
  for (const socket of sockets) {
    libc().close(socket.fd);
    const { spec } = socket;
    if (spec.transport === "unix" && !spec.path.startsWith("@")) {
      removeStaleSocket(spec.path);
    }
  }
});
var moveFdAbove = (function moveFdAbove(fd, min) {
  const c = libc();
  if (fd >= min) return fd;
  const moved = c.fcntl(fd, LINUX.F_DUPFD_CLOEXEC, min);
  if (moved === -1) {
    const error = syscallError(
      `Cannot move fd ${fd} above ${min}`,
      "fcntl",
      fd
    );
    c.close(fd);
    throw error;
  }
  c.close(fd);
  return moved;
});
var bindSocket = (function bindSocket(spec, options) {
  const c = libc();
  const family = spec.transport === "unix" ? LINUX.AF_UNIX : spec.family === "inet6" ? LINUX.AF_INET6 : LINUX.AF_INET;
  const type = spec.transport === "udp" ? LINUX.SOCK_DGRAM : LINUX.SOCK_STREAM;
  const what = `Cannot bind socket "${spec.spec}"`;
  let fd = c.socket(family, type | LINUX.SOCK_CLOEXEC, 0);
  if (fd === -1) throw syscallError(what, "socket");
  fd = moveFdAbove(fd, options.minFd);
  try {
    if (spec.transport !== "unix" && options.reuse) {
      const one = new Int32Array([1]);
      const result = c.setsockopt(
        fd,
        LINUX.SOL_SOCKET,
        LINUX.SO_REUSEADDR,
        new Uint8Array(one.buffer),
        4
      );
      if (result === -1) throw syscallError(what, "setsockopt", fd);
    }
    const { address, length } = sockaddrOf(spec);
    if (c.bind(fd, address, length) === -1) {
      throw syscallError(what, "bind", fd);
    }
    if (type === LINUX.SOCK_STREAM && c.listen(fd, options.backlog) === -1) {
      throw syscallError(what, "listen", fd);
    }
    const bound = socketAddress(fd, "getsockname", spec.transport) ?? (spec.transport === "unix" ? { transport: "unix", path: spec.path } : {
      transport: spec.transport,
      hostname: spec.hostname,
      port: spec.port
    });
    return {
      fd,
      spec,
      address: bound,
      description: describeSocket(
        spec,
        bound
      )
    };
  } catch (error) {
    c.close(fd);
    throw error;
  }
});
var sockaddrOf = (function sockaddrOf(spec) {
  if (spec.transport !== "unix") {
    const address = encodeInetSockaddr(spec.hostname, spec.port);
    return { address, length: address.length };
  }
  if (!spec.path.startsWith("@")) removeStaleSocket(spec.path);
  const { bytes, length } = encodeUnixSockaddr(spec.path);
  return { address: bytes, length };
});
var removeStaleSocket = (function removeStaleSocket(path) {
  try {
    if (Deno.lstatSync(path).isSocket) Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
});
var SCHEMES = [
  "tcp",
  "http",
  "https",
  "unix",
  "udp"
];
var TYPE_PREFIX = /^([a-zA-Z]+)::(.*)$/s;
var NAME_PREFIX = /^([^=:/]+)=(.*)$/s;
var DEFAULT_HOST = "127.0.0.1";
var MAX_NAME_LENGTH = 255;

// _launcher/bind.ts

export {
  fdNameProblem,
  parseSocketSpec,
  bindSockets,
  closeSockets,
  moveFdAbove
};

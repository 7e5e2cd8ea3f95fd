// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _adopt/_connections.ts
import { libc } from "./_core.js";
import { LINUX, SOCKADDR_IN, SOCKADDR_IN6, TCP_INFO } from "./_core.js";
import { listOpenFds, readFdLink } from "./_core.js";
var listenerAddress = (function listenerAddress(fd) {
  return localAddress(fd);
});
var localAddress = (function localAddress(fd) {
  const bytes = new Uint8Array(SOCKADDR_IN6.size);
  const length = new Uint32Array([bytes.length]);
  if (libc().getsockname(fd, bytes, new Uint8Array(length.buffer)) === -1) {
    return void 0;
  }
  const view = new DataView(bytes.buffer);
  const family = view.getUint16(0, true);
  if (family === LINUX.AF_INET) {
    return {
      family,
      port: view.getUint16(SOCKADDR_IN.sin_port, false),
      address: bytes.slice(SOCKADDR_IN.sin_addr, SOCKADDR_IN.sin_addr + 4)
    };
  }
  if (family === LINUX.AF_INET6) {
    return {
      family,
      port: view.getUint16(SOCKADDR_IN6.sin6_port, false),
      address: bytes.slice(SOCKADDR_IN6.sin6_addr, SOCKADDR_IN6.sin6_addr + 16)
    };
  }
  return void 0;
});
var matches = (function matches(listener, local) {
  if (local.family !== listener.family || local.port !== listener.port) {
    return false;
  }
  if (listener.address.every((byte) => byte === 0)) return true;
  return listener.address.every((byte, i) => local.address[i] === byte);
});
var countConnections = (function countConnections(listener, options = {}) {
  const c = libc();
  const counts = { silent: 0, busy: 0, idle: 0 };
  const info = new Uint8Array(TCP_INFO.size);
  const view = new DataView(info.buffer);
  const length = new Uint32Array(1);
  const lengthBytes = new Uint8Array(length.buffer);
  const unread = new Int32Array(1);
  const unreadBytes = new Uint8Array(unread.buffer);
  for (const fd of listOpenFds()) {
    if (fd < 3 || !readFdLink(fd)?.startsWith("socket:")) continue;
    const local = localAddress(fd);
    if (!local || !matches(listener, local)) continue;
    info.fill(0);
    length[0] = info.length;
    if (c.getsockopt(fd, LINUX.IPPROTO_TCP, LINUX.TCP_INFO, info, lengthBytes) === -1 || length[0] < TCP_INFO.tcpi_data_segs_out + 4) continue;
    if (view.getUint8(TCP_INFO.tcpi_state) !== LINUX.TCP_ESTABLISHED) continue;
    const segsIn = view.getUint32(TCP_INFO.tcpi_data_segs_in, true);
    const segsOut = view.getUint32(TCP_INFO.tcpi_data_segs_out, true);
    const sinceSent = view.getUint32(TCP_INFO.tcpi_last_data_sent, true);
    const sinceReceived = view.getUint32(TCP_INFO.tcpi_last_data_recv, true);
    unread[0] = 0;
    c.ioctl(fd, BigInt(LINUX.FIONREAD), unreadBytes);
    if (segsIn === 0) {
      counts.silent++;
      if (options.shutDownSilent) c.shutdown(fd, LINUX.SHUT_RDWR);
    } else if (segsOut === 0 || sinceReceived < sinceSent || unread[0] > 0) counts.busy++;
    else counts.idle++;
  }
  return counts;
});
export {
  countConnections,
  listenerAddress
};

// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  notify
} from "./chunk-IW6ZKCGU.js";
import {
  recordRemovedFds,
  recordStoredFds
} from "./chunk-QSSB6R3H.js";

// _notify/fd_store.ts
import { ListenFdsError } from "./_core.js";
import { cString, errno, errnoError, libc, syscallError } from "./_core.js";
import { LINUX } from "./_core.js";
import { readToEnd } from "./_core.js";
var storeFds = (function storeFds(fds, options = {}) {
  if (fds.length === 0) {
    throw new ListenFdsError("Cannot store fds: no fd given", {
      code: "INVALID_ARGUMENT"
    });
  }
  const state = { FDSTORE: "1" };
  if (options.name !== void 0) state.FDNAME = checkName(options.name);
  if (options.poll === false) state.FDPOLL = "0";
  const sent = notify(state, { ...options, fds });
  recordStoredFds(fds, state.FDNAME ?? "stored");
  return sent;
});
var removeStoredFds = (function removeStoredFds(name, options = {}) {
  const sent = notify({ FDSTOREREMOVE: "1", FDNAME: checkName(name) }, options);
  recordRemovedFds(name);
  return sent;
});
var createMemfd = (function createMemfd(name, data = new Uint8Array(0)) {
  const c = libc();
  if (!c.memfd_create) {
    throw new ListenFdsError(
      "Cannot create a memfd: the C library has no memfd_create",
      { code: "UNSUPPORTED_PLATFORM" }
    );
  }
  const fd = c.memfd_create(cString(name), LINUX.MFD_CLOEXEC);
  if (fd === -1) {
    throw syscallError(`Cannot create memfd "${name}"`, "memfd_create");
  }
  try {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    let written = 0;
    while (written < bytes.length) {
      const chunk = bytes.subarray(written);
      const result = Number(c.write(fd, chunk, BigInt(chunk.length)));
      if (result === -1) {
        throw syscallError(`Cannot write memfd "${name}"`, "write", fd);
      }
      written += result;
    }
    seekStart(fd);
    return fd;
  } catch (error) {
    c.close(fd);
    throw error;
  }
});
var readMemfd = (function readMemfd(fd) {
  seekStart(fd);
  return readToEnd(fd);
});
var closeFd = (function closeFd(fd) {
  if (libc().close(fd) === -1) {
    const code = errno();
    throw errnoError(
      `Cannot close fd ${fd}`,
      "close",
      code,
      fd,
      code === LINUX.EBADF ? "FD_NOT_OPEN" : "SYSCALL_FAILED"
    );
  }
});
var seekStart = (function seekStart(fd) {
  if (Number(libc().lseek(fd, 0n, LINUX.SEEK_SET)) === -1) {
    throw syscallError(`Cannot seek fd ${fd}`, "lseek", fd);
  }
});
var checkName = (function checkName(name) {
  let reason;
  if (name.length === 0) reason = "it is empty";
  else if (name.length > FDNAME_MAX) {
    reason = `it is longer than ${FDNAME_MAX} characters`;
  } else if (name.includes(":")) reason = `it contains ":"`;
  else if (/[^\x20-\x7e]/.test(name)) {
    reason = "it is not printable ASCII";
  }
  if (reason !== void 0) {
    throw new ListenFdsError(
      `Cannot use fd store name "${name}": ${reason}`,
      { code: "INVALID_ARGUMENT", value: name }
    );
  }
  return name;
});
var FDNAME_MAX = 255;

export {
  storeFds,
  removeStoredFds,
  createMemfd,
  readMemfd,
  closeFd
};

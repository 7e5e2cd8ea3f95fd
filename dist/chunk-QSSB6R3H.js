// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _notify/upgrade_state.ts
var launcherPid = (function launcherPid() {
  try {
    return Deno.env.get(LAUNCHER_PID) || void 0;
  } catch {
    return void 0;
  }
});
var takeUpgradeSocket = (function takeUpgradeSocket() {
  let value;
  try {
    value = Deno.env.get(UPGRADE_SOCKET);
  } catch {
    return void 0;
  }
  if (value === void 0) return void 0;
  try {
    Deno.env.delete(UPGRADE_SOCKET);
  } catch {
  }
  return value === "" ? void 0 : value;
});
var onStoreFds = (function onStoreFds(listener) {
  storeListeners.add(listener);
  return () => storeListeners.delete(listener);
});
var recordStoredFds = (function recordStoredFds(fds, name) {
  for (const listener of storeListeners) listener("store", fds, name);
});
var recordRemovedFds = (function recordRemovedFds(name) {
  for (const listener of storeListeners) listener("remove", [], name);
});
var UPGRADE_SOCKET = "LISTEN_FDS_UPGRADE_SOCKET";
var LAUNCHER_PID = "LISTEN_FDS_LAUNCHER_PID";
var storeListeners = /* @__PURE__ */ new Set();

export {
  UPGRADE_SOCKET,
  LAUNCHER_PID,
  launcherPid,
  takeUpgradeSocket,
  onStoreFds,
  recordStoredFds,
  recordRemovedFds
};

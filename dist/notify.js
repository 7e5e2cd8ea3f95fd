// @ts-self-types="../notify.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  startWatchdog
} from "./chunk-JDG4N5YD.js";
import {
  Upgrader,
  handleReload,
  handleShutdown,
  handleUpgrades
} from "./chunk-CIRICE5H.js";
import "./chunk-ZMYEM3UJ.js";
import {
  closeFd,
  createMemfd,
  readMemfd,
  removeStoredFds,
  storeFds
} from "./chunk-4DSOLANS.js";
import {
  notify,
  notifyErrno,
  notifyExtendTimeout,
  notifyMainPid,
  notifyReady,
  notifyReloading,
  notifyStatus,
  notifyStopping
} from "./chunk-SBZDNJS6.js";
import {
  UPGRADE_SOCKET
} from "./chunk-QSSB6R3H.js";
import "./chunk-FK4EHELS.js";
import "./chunk-PAPTTHZC.js";
import "./chunk-U4BYJLBS.js";
import "./chunk-CDRIS56Y.js";
export {
  UPGRADE_SOCKET,
  Upgrader,
  closeFd,
  createMemfd,
  handleReload,
  handleShutdown,
  handleUpgrades,
  notify,
  notifyErrno,
  notifyExtendTimeout,
  notifyMainPid,
  notifyReady,
  notifyReloading,
  notifyStatus,
  notifyStopping,
  readMemfd,
  removeStoredFds,
  startWatchdog,
  storeFds
};

// @ts-self-types="../notify.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  startWatchdog
} from "./chunk-UCYDVRW7.js";
import {
  Upgrader,
  handleReload,
  handleShutdown,
  handleUpgrades
} from "./chunk-TDTAYJOP.js";
import "./chunk-KJW2FMYV.js";
import {
  closeFd,
  createMemfd,
  readMemfd,
  removeStoredFds,
  storeFds
} from "./chunk-AOGSLNQN.js";
import {
  notify,
  notifyErrno,
  notifyExtendTimeout,
  notifyMainPid,
  notifyReady,
  notifyReloading,
  notifyStatus,
  notifyStopping
} from "./chunk-LCIEVHLO.js";
import {
  UPGRADE_SOCKET
} from "./chunk-QSSB6R3H.js";
import "./chunk-RR7I4F42.js";
import "./chunk-J6QSTLGZ.js";
import "./chunk-RG433I5V.js";
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

// @ts-self-types="../notify.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  startWatchdog
} from "./chunk-WKGC7YL6.js";
import {
  Upgrader,
  handleReload,
  handleShutdown,
  handleUpgrades
} from "./chunk-PFOGAWUU.js";
import "./chunk-3IMFFLA2.js";
import {
  closeFd,
  createMemfd,
  readMemfd,
  removeStoredFds,
  storeFds
} from "./chunk-XQWO2A33.js";
import {
  notify,
  notifyErrno,
  notifyExtendTimeout,
  notifyMainPid,
  notifyReady,
  notifyReloading,
  notifyStatus,
  notifyStopping
} from "./chunk-H4NUR4RC.js";
import {
  UPGRADE_SOCKET
} from "./chunk-QSSB6R3H.js";
import "./chunk-34DTO6HU.js";
import "./chunk-ATU2CMSV.js";
import "./chunk-JA5XPPH4.js";
import "./chunk-K37FGBCC.js";
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

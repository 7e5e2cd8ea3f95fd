// @ts-self-types="../notify.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  startWatchdog
} from "./chunk-KURQHUBG.js";
import {
  Upgrader,
  handleReload,
  handleShutdown,
  handleUpgrades
} from "./chunk-FBGSOUFU.js";
import "./chunk-DLM7XSEF.js";
import {
  closeFd,
  createMemfd,
  readMemfd,
  removeStoredFds,
  storeFds
} from "./chunk-EYQOGWW5.js";
import {
  notify,
  notifyErrno,
  notifyExtendTimeout,
  notifyMainPid,
  notifyReady,
  notifyReloading,
  notifyStatus,
  notifyStopping
} from "./chunk-F6CZZ5OY.js";
import {
  UPGRADE_SOCKET
} from "./chunk-QSSB6R3H.js";
import "./chunk-34DTO6HU.js";
import "./chunk-K44P4FQW.js";
import "./chunk-MONFF6AQ.js";
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

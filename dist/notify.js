// @ts-self-types="../notify.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  startWatchdog
} from "./chunk-3ICIJJSP.js";
import {
  Upgrader,
  handleReload,
  handleShutdown,
  handleUpgrades
} from "./chunk-Q3MBBKSR.js";
import "./chunk-GRYDIXI6.js";
import {
  closeFd,
  createMemfd,
  readMemfd,
  removeStoredFds,
  storeFds
} from "./chunk-TY2RU3GK.js";
import {
  notify,
  notifyErrno,
  notifyExtendTimeout,
  notifyMainPid,
  notifyReady,
  notifyReloading,
  notifyStatus,
  notifyStopping
} from "./chunk-IW6ZKCGU.js";
import {
  UPGRADE_SOCKET
} from "./chunk-QSSB6R3H.js";
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

// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  Upgrader,
  handleUpgrades,
  ownCommand
} from "./chunk-TDTAYJOP.js";
import "./chunk-KJW2FMYV.js";
import "./chunk-LCIEVHLO.js";
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
  handleUpgrades,
  ownCommand
};

// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  Upgrader,
  handleUpgrades,
  ownCommand
} from "./chunk-CIRICE5H.js";
import "./chunk-ZMYEM3UJ.js";
import "./chunk-SBZDNJS6.js";
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
  handleUpgrades,
  ownCommand
};

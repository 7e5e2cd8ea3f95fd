// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  Upgrader,
  handleUpgrades,
  ownCommand
} from "./chunk-FXVTX7BJ.js";
import "./chunk-35C53FWI.js";
import "./chunk-WL2VJLAU.js";
import {
  UPGRADE_SOCKET
} from "./chunk-QSSB6R3H.js";
import "./chunk-4ZCYPBYK.js";
import "./chunk-BVV2NGQX.js";
import "./chunk-ZZF6E63G.js";
export {
  UPGRADE_SOCKET,
  Upgrader,
  handleUpgrades,
  ownCommand
};

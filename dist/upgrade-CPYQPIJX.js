// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  Upgrader,
  handleUpgrades,
  ownCommand
} from "./chunk-Q3MBBKSR.js";
import "./chunk-GRYDIXI6.js";
import "./chunk-IW6ZKCGU.js";
import {
  UPGRADE_SOCKET
} from "./chunk-QSSB6R3H.js";
export {
  UPGRADE_SOCKET,
  Upgrader,
  handleUpgrades,
  ownCommand
};

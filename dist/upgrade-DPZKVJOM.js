// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  Upgrader,
  handleUpgrades,
  ownCommand
} from "./chunk-PFOGAWUU.js";
import "./chunk-3IMFFLA2.js";
import "./chunk-H4NUR4RC.js";
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
  handleUpgrades,
  ownCommand
};

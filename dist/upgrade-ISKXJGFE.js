// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  Upgrader,
  handleUpgrades,
  ownCommand
} from "./chunk-FBGSOUFU.js";
import "./chunk-DLM7XSEF.js";
import "./chunk-F6CZZ5OY.js";
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
  handleUpgrades,
  ownCommand
};

// @ts-self-types="../parallel.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  serveParallel
} from "./chunk-J3G6NTAO.js";
import "./chunk-UKPU5SPL.js";
import "./chunk-4DSOLANS.js";
import "./chunk-SBZDNJS6.js";
import "./chunk-TQZLEGYX.js";
import "./chunk-QSSB6R3H.js";
import "./chunk-FK4EHELS.js";
import "./chunk-F5KE7DI7.js";
import "./chunk-PAPTTHZC.js";
import "./chunk-U4BYJLBS.js";
import "./chunk-CDRIS56Y.js";
export {
  serveParallel
};

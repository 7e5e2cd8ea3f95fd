// @ts-self-types="../mod.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  ListenFds,
  adoptInetdConn
} from "./chunk-UKPU5SPL.js";
import "./chunk-FK4EHELS.js";
import "./chunk-F5KE7DI7.js";
import "./chunk-PAPTTHZC.js";
import "./chunk-U4BYJLBS.js";
import {
  ListenFdsError
} from "./chunk-CDRIS56Y.js";
export {
  ListenFds,
  ListenFdsError,
  adoptInetdConn
};

// @ts-self-types="../mod.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  ListenFds,
  adoptInetdConn
} from "./chunk-TYBGBO3P.js";
import "./chunk-4ZCYPBYK.js";
import "./chunk-XNGF5WY7.js";
import "./chunk-BVV2NGQX.js";
import {
  ListenFdsError
} from "./chunk-ZZF6E63G.js";
export {
  ListenFds,
  ListenFdsError,
  adoptInetdConn
};

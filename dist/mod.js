// @ts-self-types="../mod.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  ListenFds,
  adoptInetdConn
} from "./chunk-ZCCFTZYZ.js";
import "./chunk-34DTO6HU.js";
import "./chunk-KZOVERPN.js";
import "./chunk-ATU2CMSV.js";
import "./chunk-JA5XPPH4.js";
import {
  ListenFdsError
} from "./chunk-K37FGBCC.js";
export {
  ListenFds,
  ListenFdsError,
  adoptInetdConn
};

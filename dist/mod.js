// @ts-self-types="../mod.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  ListenFds,
  adoptInetdConn
} from "./chunk-4P2ZTLKV.js";
import "./chunk-34DTO6HU.js";
import "./chunk-OBCSXAKW.js";
import "./chunk-K44P4FQW.js";
import "./chunk-MONFF6AQ.js";
import {
  ListenFdsError
} from "./chunk-K37FGBCC.js";
export {
  ListenFds,
  ListenFdsError,
  adoptInetdConn
};

// @ts-self-types="../mod.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  ListenFds,
  adoptInetdConn
} from "./chunk-2Q5RA42L.js";
import "./chunk-RR7I4F42.js";
import "./chunk-6YBZHHGD.js";
import "./chunk-J6QSTLGZ.js";
import "./chunk-RG433I5V.js";
import {
  ListenFdsError
} from "./chunk-CDRIS56Y.js";
export {
  ListenFds,
  ListenFdsError,
  adoptInetdConn
};

// @ts-self-types="../parallel.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  serveParallel
} from "./chunk-R7WDLRHZ.js";
import "./chunk-2Q5RA42L.js";
import "./chunk-AOGSLNQN.js";
import "./chunk-LCIEVHLO.js";
import "./chunk-MXRLQYJS.js";
import "./chunk-QSSB6R3H.js";
import "./chunk-RR7I4F42.js";
import "./chunk-6YBZHHGD.js";
import "./chunk-J6QSTLGZ.js";
import "./chunk-RG433I5V.js";
import "./chunk-CDRIS56Y.js";
export {
  serveParallel
};

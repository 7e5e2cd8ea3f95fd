// @ts-self-types="../parallel.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  serveParallel
} from "./chunk-CWNXRVPX.js";
import "./chunk-ZCCFTZYZ.js";
import "./chunk-XQWO2A33.js";
import "./chunk-H4NUR4RC.js";
import "./chunk-VE5J6TNR.js";
import "./chunk-QSSB6R3H.js";
import "./chunk-34DTO6HU.js";
import "./chunk-KZOVERPN.js";
import "./chunk-ATU2CMSV.js";
import "./chunk-JA5XPPH4.js";
import "./chunk-K37FGBCC.js";
export {
  serveParallel
};

// @ts-self-types="../parallel.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  serveParallel
} from "./chunk-BFLURPGL.js";
import "./chunk-TYBGBO3P.js";
import "./chunk-27OJ2Z7U.js";
import "./chunk-WL2VJLAU.js";
import "./chunk-KSGTC3EN.js";
import "./chunk-QSSB6R3H.js";
import "./chunk-4ZCYPBYK.js";
import "./chunk-XNGF5WY7.js";
import "./chunk-BVV2NGQX.js";
import "./chunk-ZZF6E63G.js";
export {
  serveParallel
};

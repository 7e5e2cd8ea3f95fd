// @ts-self-types="../parallel.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  serveParallel
} from "./chunk-EUFOMDH3.js";
import "./chunk-TY2RU3GK.js";
import "./chunk-IW6ZKCGU.js";
import "./chunk-UHFLBLON.js";
import "./chunk-QSSB6R3H.js";
export {
  serveParallel
};

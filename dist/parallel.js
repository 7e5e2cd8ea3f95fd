// @ts-self-types="../parallel.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  serveParallel
} from "./chunk-METHBOCK.js";
import "./chunk-4P2ZTLKV.js";
import "./chunk-EYQOGWW5.js";
import "./chunk-F6CZZ5OY.js";
import "./chunk-RC2RQ6NP.js";
import "./chunk-QSSB6R3H.js";
import "./chunk-34DTO6HU.js";
import "./chunk-OBCSXAKW.js";
import "./chunk-K44P4FQW.js";
import "./chunk-MONFF6AQ.js";
import "./chunk-K37FGBCC.js";
export {
  serveParallel
};

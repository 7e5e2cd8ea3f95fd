// @ts-self-types="../env.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  parseListenEnv
} from "./chunk-RR7I4F42.js";
import {
  ListenFdsError
} from "./chunk-CDRIS56Y.js";
export {
  ListenFdsError,
  parseListenEnv
};

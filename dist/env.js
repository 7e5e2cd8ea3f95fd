// @ts-self-types="../env.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  parseListenEnv
} from "./chunk-4ZCYPBYK.js";
import {
  ListenFdsError
} from "./chunk-ZZF6E63G.js";
export {
  ListenFdsError,
  parseListenEnv
};

// @ts-self-types="../env.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  parseListenEnv
} from "./chunk-34DTO6HU.js";
import {
  ListenFdsError
} from "./chunk-K37FGBCC.js";
export {
  ListenFdsError,
  parseListenEnv
};

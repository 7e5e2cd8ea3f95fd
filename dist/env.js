// @ts-self-types="../env.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// env.ts
import { parseListenEnv } from "./_core.js";
import { ListenFdsError } from "./_core.js";
export {
  ListenFdsError,
  parseListenEnv
};

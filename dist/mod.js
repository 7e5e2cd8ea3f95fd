// @ts-self-types="../mod.ts"
// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// mod.ts
import { ListenFds } from "./_core.js";
import { adoptInetdConn } from "./_core.js";
import { ListenFdsError } from "./_core.js";
export {
  ListenFds,
  ListenFdsError,
  adoptInetdConn
};

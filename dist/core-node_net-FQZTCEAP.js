// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  NodeConn,
  NodeListener,
  nodeBuiltin,
  nodeListener
} from "./core-chunk-6AIDEHLG.js";
export {
  NodeConn,
  NodeListener,
  nodeBuiltin,
  nodeListener
};

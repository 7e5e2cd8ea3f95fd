// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  NodeConn,
  NodeListener,
  nodeBuiltin,
  nodeListener
} from "./chunk-4XNIASX6.js";
export {
  NodeConn,
  NodeListener,
  nodeBuiltin,
  nodeListener
};

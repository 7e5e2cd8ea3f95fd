// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  NodeConn,
  NodeListener,
  nodeBuiltin,
  nodeListener
} from "./chunk-O5CT57J7.js";
export {
  NodeConn,
  NodeListener,
  nodeBuiltin,
  nodeListener
};

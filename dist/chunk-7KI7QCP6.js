// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _serve_module.ts
import { ListenFdsError } from "./_core.js";
import { libc } from "./_core.js";
import { adoptServe } from "./_core.js";
var loadServeModule = (async function loadServeModule(specifier, args) {
  if (args !== void 0) {
    Object.defineProperty(Deno, "args", {
      value: Object.freeze([...args]),
      configurable: true,
      enumerable: true
    });
  }
  const module = await import(specifier);
  const exported = module.default;
  if (exported === null || typeof exported !== "object") {
    throw new ListenFdsError(
      `Cannot serve ${specifier}: it has no default export; export default { fetch(request) { \u2026 } }`,
      { code: "INVALID_ARGUMENT", value: specifier }
    );
  }
  if (typeof exported.fetch !== "function") {
    throw new ListenFdsError(
      `Cannot serve ${specifier}: its default export has no fetch() function`,
      { code: "INVALID_ARGUMENT", value: specifier }
    );
  }
  if (exported.onListen !== void 0 && typeof exported.onListen !== "function") {
    throw new ListenFdsError(
      `Cannot serve ${specifier}: the onListen of its default export is not a function`,
      { code: "INVALID_ARGUMENT", value: specifier }
    );
  }
  return exported;
});
var serveSockets = (function serveSockets(exported, fds, options) {
  const servers = [];
  const handler = (request, info) => exported.fetch(request, info);
  let next = 0;
  try {
    for (; next < fds.length; next++) {
      const server = adoptServe(fds[next], {
        handler,
        onListen() {
        },
        ...options.drainTimeout !== void 0 ? { drainTimeout: options.drainTimeout } : {},
        ...options.via !== void 0 ? { via: options.via } : {}
      });
      servers.push(server);
    }
  } catch (error) {
    for (const fd of fds.slice(next)) libc().close(fd);
    for (const server of servers) void server.shutdown();
    throw error;
  }
  if (options.callOnListen && servers[0]) {
    exported.onListen?.(servers[0].addr);
  }
  return servers;
});

export {
  loadServeModule,
  serveSockets
};

// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  loadServeModule,
  serveSockets
} from "./chunk-7KI7QCP6.js";

// _serve_worker.ts
var send = (function send(message) {
  scope.postMessage(message);
});
var describe = (function describe(error) {
  if (error instanceof Error) {
    const code = error.code;
    return typeof code === "string" ? { message: error.message, code } : { message: `${error.name}: ${error.message}` };
  }
  return { message: String(error) };
});
var scope = globalThis;
var exit = Deno.exit.bind(Deno);
Object.defineProperty(Deno, "exit", {
  value: (code) => {
    send({ type: "exit", code: code ?? 0 });
    return exit(code);
  },
  configurable: true,
  writable: true
});
var close = scope.close.bind(scope);
scope.close = () => {
  send({ type: "exit", code: 0 });
  close();
};
var exported;
var servers = [];
scope.onmessage = async (event) => {
  const message = event.data;
  switch (message.type) {
    case "load":
      try {
        exported = await loadServeModule(message.module, message.args);
        send({ type: "loaded", onListen: exported.onListen !== void 0 });
      } catch (error) {
        send({ type: "failed", ...describe(error) });
      }
      return;
    case "serve": {
      const options = {
        callOnListen: message.callOnListen,
        drainTimeout: message.drainTimeout,
        via: message.via
      };
      try {
        servers = serveSockets(exported, message.fds, options);
        send({
          type: "serving",
          addr: servers[0].addr
        });
      } catch (error) {
        send({ type: "failed", ...describe(error) });
      }
      return;
    }
    case "shutdown":
      await Promise.allSettled(servers.map((server) => server.shutdown()));
      send({ type: "stopped" });
      return;
  }
};

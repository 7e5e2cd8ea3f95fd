/**
 * The script every worker of {@linkcode serveParallel} runs. The protocol,
 * one message at a time:
 *
 * 1. main → `load` (module URL, `Deno.args`); worker → `loaded` or `failed`.
 * 2. main → `serve` (the fds, duplicated for this worker; from now on the
 *    worker owns them: it adopts them or closes them, in one synchronous
 *    step); worker → `serving` or `failed`.
 * 3. main → `shutdown`; worker drains and stops its servers → `stopped`.
 *
 * At any time the worker may send `exit` (the module called `Deno.exit()` or
 * `self.close()`); an uncaught error reaches main as the worker's `error`
 * event.
 *
 * Internal: not one of the package's exports.
 *
 * @module
 */

import {
  loadServeModule,
  type ServeDefaultExport,
  serveSockets,
  type ServeSocketsOptions,
} from "./_serve_module.ts";
import type { MainToWorker, WorkerToMain } from "./_serve_protocol.ts";

const scope = globalThis as unknown as {
  postMessage(message: WorkerToMain): void;
  close(): void;
  onmessage: ((event: MessageEvent<MainToWorker>) => void) | null;
};

function send(message: WorkerToMain): void {
  scope.postMessage(message);
}

function describe(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string"
      ? { message: error.message, code }
      : { message: `${error.name}: ${error.message}` };
  }
  return { message: String(error) };
}

// Exits the module makes on purpose are reported: a worker that leaves
// quietly would otherwise never be noticed.
const exit = Deno.exit.bind(Deno);
Object.defineProperty(Deno, "exit", {
  value: (code?: number): never => {
    send({ type: "exit", code: code ?? 0 });
    return exit(code);
  },
  configurable: true,
  writable: true,
});
const close = scope.close.bind(scope);
scope.close = (): void => {
  send({ type: "exit", code: 0 });
  close();
};

let exported: ServeDefaultExport | undefined;
let servers: Deno.HttpServer[] = [];

scope.onmessage = async (event): Promise<void> => {
  const message = event.data;
  switch (message.type) {
    case "load":
      try {
        exported = await loadServeModule(message.module, message.args);
        send({ type: "loaded", onListen: exported.onListen !== undefined });
      } catch (error) {
        send({ type: "failed", ...describe(error) });
      }
      return;
    case "serve": {
      const options: ServeSocketsOptions = {
        callOnListen: message.callOnListen,
        drainTimeout: message.drainTimeout,
        via: message.via,
      };
      try {
        servers = serveSockets(exported!, message.fds, options);
        send({
          type: "serving",
          addr: servers[0]!.addr as Deno.NetAddr | Deno.UnixAddr,
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

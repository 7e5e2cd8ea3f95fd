/**
 * The messages between {@linkcode serveParallel} and its workers
 * (`_serve_worker.ts` describes the sequence).
 *
 * Internal: not one of the package's exports.
 *
 * @module
 */

import type { HandOffVia } from "./_adopt/options.ts";

/** A message from the main thread to a worker. */
export type MainToWorker =
  | { type: "load"; module: string; args?: string[] | undefined }
  | {
    type: "serve";
    fds: number[];
    callOnListen: boolean;
    drainTimeout?: number | undefined;
    via?: HandOffVia | undefined;
  }
  | { type: "shutdown" };

/** A message from a worker to the main thread. */
export type WorkerToMain =
  | { type: "loaded"; onListen: boolean }
  | { type: "serving"; addr: Deno.NetAddr | Deno.UnixAddr }
  | { type: "failed"; message: string; code?: string }
  | { type: "exit"; code: number }
  | { type: "stopped" };

/**
 * The option types of the hand-off methods of `ListenFds`: which activated fd
 * to use, how to hand it over, and the ordinary `Deno.listen`/`Deno.serve`
 * options to bind with when the process was not activated.
 *
 * @module
 */

import type { HandOffOptions } from "./placeholder.ts";
import type { AdoptServeOptions } from "./serve.ts";

export type { HandOffOptions, HandOffVia } from "./placeholder.ts";
export type { AdoptServeOptions } from "./serve.ts";

/**
 * Which activated fd to use: the first untaken fd with `name`, or the fd at
 * `index`; with neither, the first untaken fd.
 */
export interface FdSelector {
  /** The name from `LISTEN_FDNAMES` (`FileDescriptorName=`). */
  name?: string;
  /** The position in `LISTEN_FDS` order, from 0. */
  index?: number;
}

/**
 * Options of `ListenFds.listen()`: the selector, the hand-off choice, and the
 * `Deno.listen()` options used when no activated fd matches the selector.
 */
export type ListenOrBindOptions =
  & FdSelector
  & HandOffOptions
  & (
    | (Deno.TcpListenOptions & { transport?: "tcp" })
    | Deno.UnixListenOptions & { transport: "unix" }
  );

/**
 * Options of `ListenFds.serve()`: the selector, the hand-off choice, and the
 * `Deno.serve()` options; the address fields (`port`, `hostname`, `path`)
 * are used only when no activated fd matches the selector.
 */
export type ServeOrBindOptions =
  & FdSelector
  & AdoptServeOptions
  & (
    | Omit<Deno.ServeTcpOptions, "onListen">
    | Omit<Deno.ServeUnixOptions, "onListen">
  );

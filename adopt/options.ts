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
 * Which activated fd to use: the first untaken fd with `name`, else the fd at
 * `index`. With neither: the fd, when exactly one was passed; when several
 * were, an `FD_NOT_FOUND` error (choose one by name or index).
 */
export interface FdSelector {
  /** The name from `LISTEN_FDNAMES` (`FileDescriptorName=`). */
  name?: string;
  /** The position in `LISTEN_FDS` order, from 0. */
  index?: number;
}

/** Whether a hand-off may bind its own address. */
export interface FallbackOptions {
  /**
   * `true`: when the process was not socket-activated at all (`LISTEN_FDS`
   * is not set), bind the address in these options instead (development
   * without systemd). `false`: demand activation, with a `NOT_ACTIVATED`
   * error when there is none. Either way, an activated process never binds
   * the address: a selector that matches no untaken fd is `FD_NOT_FOUND`.
   *
   * @default {true}
   */
  fallback?: boolean;
}

/**
 * Options of `ListenFds.listen()`: the selector, the hand-off choice, and the
 * `Deno.listen()` options used when the process was not activated (not
 * needed with `fallback: false`).
 */
export type ListenOrBindOptions =
  & FdSelector
  & HandOffOptions
  & (
    | (
      & { fallback?: true }
      & (
        | (Deno.TcpListenOptions & { transport?: "tcp" })
        | Deno.UnixListenOptions & { transport: "unix" }
      )
    )
    | (
      & { fallback: false }
      & Partial<Deno.TcpListenOptions>
      & { transport?: "tcp" | "unix"; path?: string }
    )
  );

/**
 * Options of `ListenFds.serve()`: the selector, the hand-off choice,
 * `fallback`, and the `Deno.serve()` options; the address fields (`port`,
 * `hostname`, `path`) are used only when the process was not activated.
 */
export type ServeOrBindOptions =
  & FdSelector
  & AdoptServeOptions
  & FallbackOptions
  & (
    | Omit<Deno.ServeTcpOptions, "onListen">
    | Omit<Deno.ServeUnixOptions, "onListen">
  );

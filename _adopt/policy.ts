/**
 * The hand-off policy: `via` (adopt into Deno's reactor, the `node:` path, or
 * adopt and fall back to `node:` when the takeover cannot be verified) and
 * what a `fallback` binds (the caller's own `Deno.listen`/`Deno.serve`
 * options without the hand-off's). When a hand-off may fall back at all
 * (only when the process was not socket-activated) is decided in one place
 * too: `ListenFds`'s `#handOff()`, which owns the fds.
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";
import type { FallbackOptions, FdSelector, HandOffOptions } from "./options.ts";

/**
 * Whether this Deno's `node:net`/`node:http` can listen on an inherited fd
 * (TCP from 2.8.0, Unix from 2.8.3).
 *
 * @param version The Deno version, `Deno.version.deno` by default.
 * @returns `true` from Deno 2.8.3.
 */
export function nodeFdSupported(version: string = Deno.version.deno): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  return major > 2 ||
    (major === 2 && (minor > 8 || (minor === 8 && patch >= 3)));
}

/**
 * Runs an adoption according to `via`: adopt, use the `node:` path, or adopt
 * and fall back to the `node:` path when the takeover cannot be verified.
 *
 * @param fd The activated fd.
 * @param action What is being done.
 * @param options The `via` choice.
 * @param adopt The native takeover.
 * @param node The `node:` path.
 * @returns Whatever the chosen path returns.
 */
export function chooseVia<T>(
  fd: number,
  action: string,
  options: HandOffOptions,
  adopt: () => T,
  node: () => T,
): T {
  const via = options.via ?? "auto";
  if (via === "node") {
    if (!nodeFdSupported()) {
      throw new ListenFdsError(
        `Cannot ${action} through node: node:net cannot listen on an fd before Deno 2.8.3, this is ${Deno.version.deno}`,
        { code: "UNSUPPORTED_PLATFORM", fd },
      );
    }
    return node();
  }
  try {
    return adopt();
  } catch (error) {
    if (
      via === "adopt" || !(error instanceof ListenFdsError) ||
      error.code !== "ADOPTION_FAILED"
    ) throw error;
    if (!nodeFdSupported()) {
      throw new ListenFdsError(
        `${error.message}; the node:net fallback needs Deno 2.8.3 or later, this is ${Deno.version.deno}`,
        { code: "ADOPTION_FAILED", fd, cause: error },
      );
    }
    return node();
  }
}

/**
 * The options a hand-off binds with when the process was not activated:
 * the caller's, without the selector, `via` and `fallback`.
 *
 * @param options The hand-off's options.
 * @returns The `Deno.listen()`/`Deno.serve()` options.
 */
export function bindOptions<
  T extends FdSelector & HandOffOptions & FallbackOptions,
>(
  options: T,
): Omit<T, "name" | "index" | "via" | "fallback"> {
  const {
    name: _name,
    index: _index,
    via: _via,
    fallback: _fallback,
    ...bind
  } = options;
  return bind;
}

/**
 * A debounced file watcher for restarting the child.
 *
 * @module
 */

import { ListenFdsError } from "../errors.ts";

/** A running watcher. */
export interface PathWatcher {
  /** Stops watching; no more callbacks after this returns. */
  close(): void;
}

/**
 * Watches paths (recursively) and calls `onChange` once things have been
 * quiet for `debounce` ms after a change. Access events are ignored.
 *
 * @param paths Files or directories.
 * @param debounce The quiet time in ms.
 * @param onChange Called with the changed paths (deduplicated).
 * @returns The watcher.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` when a path cannot be watched.
 */
export function watchPaths(
  paths: readonly string[],
  debounce: number,
  onChange: (changed: string[]) => void,
): PathWatcher {
  let watcher: Deno.FsWatcher;
  try {
    watcher = Deno.watchFs([...paths], { recursive: true });
  } catch (error) {
    throw new ListenFdsError(
      `Cannot watch ${paths.map((p) => `"${p}"`).join(", ")}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { code: "INVALID_ARGUMENT", cause: error },
    );
  }
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = new Set<string>();
  (async () => {
    try {
      for await (const event of watcher) {
        if (closed) break;
        if (event.kind === "access") continue;
        for (const path of event.paths) changed.add(path);
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = undefined;
          if (closed) return;
          const list = [...changed];
          changed.clear();
          onChange(list);
        }, debounce);
      }
    } catch (error) {
      if (!closed) throw error;
    }
  })();
  return {
    close(): void {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      try {
        watcher.close();
      } catch {
        // already closed
      }
    },
  };
}

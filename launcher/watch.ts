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

/** The part of {@linkcode Deno.FsWatcher} the watcher uses. */
export type FsEventSource = AsyncIterable<Deno.FsEvent> & { close(): void };

/** Options of {@linkcode watchPaths}. */
export interface WatchOptions {
  /**
   * Called when watching fails after it started (the event stream threw).
   * Watching then starts again, at once and then every second until it
   * works; changes keep restarting the child.
   */
  onError?: (error: unknown) => void;
  /** Opens the event stream (`Deno.watchFs` by default; for tests). */
  watch?: (paths: string[]) => FsEventSource;
}

/** How long to wait before watching again when it cannot be started, in ms. */
const RETRY_DELAY = 1000;

/**
 * Watches paths (recursively) and calls `onChange` once things have been
 * quiet for `debounce` ms after a change. Access events are ignored.
 *
 * @param paths Files or directories.
 * @param debounce The quiet time in ms.
 * @param onChange Called with the changed paths (deduplicated), the most
 * telling first (see {@linkcode rankChangedPaths}).
 * @param options Error reporting.
 * @returns The watcher.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` when a path cannot be watched.
 */
export function watchPaths(
  paths: readonly string[],
  debounce: number,
  onChange: (changed: string[]) => void,
  options: WatchOptions = {},
): PathWatcher {
  const open = options.watch ??
    ((list: string[]) => Deno.watchFs(list, { recursive: true }));
  let watcher: FsEventSource;
  try {
    watcher = open([...paths]);
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
  let retry: ReturnType<typeof setTimeout> | undefined;
  const changed = new Set<string>();
  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // a failing reporter must not stop the watching
    }
  };
  const consume = async (source: FsEventSource): Promise<void> => {
    try {
      for await (const event of source) {
        if (closed) break;
        if (event.kind === "access") continue;
        for (const path of event.paths) changed.add(path);
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = undefined;
          if (closed) return;
          const list = rankChangedPaths([...changed]);
          changed.clear();
          onChange(list);
        }, debounce);
      }
    } catch (error) {
      if (closed) return;
      report(error);
      try {
        source.close();
      } catch {
        // already closed
      }
      reopen();
    }
  };
  const reopen = (): void => {
    if (closed) return;
    try {
      watcher = open([...paths]);
    } catch (error) {
      report(error);
      retry = setTimeout(reopen, RETRY_DELAY);
      return;
    }
    void consume(watcher);
  };
  void consume(watcher);
  return {
    close(): void {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (retry !== undefined) clearTimeout(retry);
      try {
        watcher.close();
      } catch {
        // already closed
      }
    },
  };
}

/**
 * Editors save through temporary files (vim's `4913` probe, `x.swp` and
 * `x~`, emacs's `.#x` and `#x#`, JetBrains' `x___jb_tmp___`, `x.tmp.123`),
 * which show up among the changes next to the file that was saved.
 */
const EDITOR_TEMPORARY =
  /(?:^4913$|^\.#|^#.*#$|~$|\.sw[a-p]$|\.kate-swp$|___jb_(?:tmp|old)___$|\.(?:tmp|temp|crswap)(?:\.[\w-]+)?$)/i;

/**
 * Orders changed paths so that the file a person edited comes first: paths
 * that still exist before deleted ones, and ordinary names before editors'
 * temporary files (which are usually gone again by the time the watcher
 * reports). The order is otherwise kept.
 *
 * @param paths The changed paths.
 * @returns The same paths, the most telling first.
 */
export function rankChangedPaths(paths: readonly string[]): string[] {
  const rank = (path: string): number => {
    const name = path.slice(path.lastIndexOf("/") + 1);
    let exists = true;
    try {
      Deno.lstatSync(path);
    } catch {
      exists = false;
    }
    return (EDITOR_TEMPORARY.test(name) ? 2 : 0) + (exists ? 0 : 1);
  };
  return paths
    .map((path, index) => ({ path, index, rank: rank(path) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ path }) => path);
}

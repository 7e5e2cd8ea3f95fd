/**
 * A debounced file watcher for restarting the child.
 *
 * @module
 */

import { ListenFdsError } from "../_errors.ts";

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
  let source: FsEventSource;
  try {
    source = open([...paths]);
  } catch (error) {
    throw new ListenFdsError(
      `Cannot watch ${paths.map((p) => `"${p}"`).join(", ")}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { code: "INVALID_ARGUMENT", cause: error },
    );
  }
  const watch = new Watch(() => open([...paths]), debounce, onChange, options);
  void watch.consume(source);
  return watch;
}

/**
 * A running watch: collects changed paths until `debounce` ms pass without
 * one, and opens the event source again when it fails.
 */
class Watch implements PathWatcher {
  #closed = false;
  #source: FsEventSource | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #changed = new Set<string>();

  constructor(
    private readonly open: () => FsEventSource,
    private readonly debounce: number,
    private readonly onChange: (changed: string[]) => void,
    private readonly options: WatchOptions,
  ) {}

  async consume(source: FsEventSource): Promise<void> {
    this.#source = source;
    try {
      for await (const event of source) {
        if (this.#closed) break;
        if (event.kind === "access") continue;
        for (const path of event.paths) this.#changed.add(path);
        this.#schedule();
      }
    } catch (error) {
      if (this.#closed) return;
      this.#report(error);
      closeQuietly(source);
      this.#reopen();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#retry);
    if (this.#source) closeQuietly(this.#source);
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      const list = rankChangedPaths([...this.#changed]);
      this.#changed.clear();
      this.onChange(list);
    }, this.debounce);
  }

  #reopen(): void {
    if (this.#closed) return;
    let source: FsEventSource;
    try {
      source = this.open();
    } catch (error) {
      this.#report(error);
      this.#retry = setTimeout(() => this.#reopen(), RETRY_DELAY);
      return;
    }
    void this.consume(source);
  }

  #report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // a failing reporter must not stop the watching
    }
  }
}

function closeQuietly(source: FsEventSource): void {
  try {
    source.close();
  } catch {
    // already closed
  }
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

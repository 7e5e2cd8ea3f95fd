/**
 * Offline stand-in for `@std/path`.
 *
 * This module is used only through `tests/offline/import_map.json`, so that
 * the test suite can run on machines that cannot reach jsr.io. It is our own
 * small implementation of the std path functions the tests use, with POSIX
 * semantics only (this project supports Linux and macOS) and the same
 * results as std's POSIX functions. The real dependency is the `@std/path`
 * that `deno.json` declares.
 *
 * @module
 */

/**
 * The character used to separate path segments (always `/` here).
 *
 * @example Usage
 * ```ts
 * import { SEPARATOR } from "@std/path";
 *
 * console.log(SEPARATOR); // "/"
 * ```
 */
export const SEPARATOR: "/" | "\\" = "/";

function assertPath(path: unknown): asserts path is string {
  if (typeof path !== "string") {
    throw new TypeError(
      `Path must be a string, received "${JSON.stringify(path)}"`,
    );
  }
}

/** Accepts a path or a `file:` URL and returns the path. */
function toPath(path: string | URL): string {
  return path instanceof URL ? fromFileUrl(path) : path;
}

/** Removes trailing slashes, but never shortens the path below 1 char. */
function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  return path.slice(0, end);
}

/**
 * Resolves `.` and `..` segments and drops empty segments; `..` that would
 * go above the start is kept only when `allowAboveRoot` is true.
 */
function normalizeSegments(path: string, allowAboveRoot: boolean): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") {
      out.push(segment);
    } else if (out.length > 0 && out.at(-1) !== "..") {
      out.pop();
    } else if (allowAboveRoot) {
      out.push("..");
    }
  }
  return out.join("/");
}

/**
 * Verifies whether provided path is absolute.
 *
 * @param path The path to verify.
 * @returns Whether the path is absolute.
 *
 * @example Usage
 * ```ts
 * import { isAbsolute } from "@std/path";
 *
 * isAbsolute("/home/user"); // true
 * ```
 */
export function isAbsolute(path: string): boolean {
  assertPath(path);
  return path.startsWith("/");
}

/**
 * Normalizes a path, resolving `..` and `.` segments; a trailing slash is
 * kept.
 *
 * @param path The path or `file:` URL to normalize.
 * @returns The normalized path.
 *
 * @example Usage
 * ```ts
 * import { normalize } from "@std/path";
 *
 * normalize("/foo/bar//baz/asdf/quux/.."); // "/foo/bar/baz/asdf"
 * ```
 */
export function normalize(path: string | URL): string {
  path = toPath(path);
  assertPath(path);
  const absolute = path.startsWith("/");
  const trailingSlash = path.endsWith("/");
  let result = normalizeSegments(path, !absolute);
  if (result === "" && !absolute) result = ".";
  if (result !== "" && trailingSlash) result += "/";
  return absolute ? `/${result}` : result;
}

/**
 * Joins path segments and normalizes the result; empty segments are
 * ignored and joining nothing gives `"."`.
 *
 * @param path The first path segment, or a `file:` URL.
 * @param paths The other path segments.
 * @returns The joined and normalized path.
 *
 * @example Usage
 * ```ts
 * import { join } from "@std/path";
 *
 * join("/foo", "bar", "baz/asdf", "quux", ".."); // "/foo/bar/baz/asdf"
 * ```
 */
export function join(path: string | URL, ...paths: string[]): string {
  if (path === undefined) return "."; // std's runtime behaviour for join()
  path = toPath(path);
  const segments = path ? [path, ...paths] : paths;
  segments.forEach(assertPath);
  const joined = segments.filter((segment) => segment.length > 0).join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * Returns the directory part of a path; trailing slashes are ignored.
 *
 * @param path The path or `file:` URL.
 * @returns The directory path (`"."` when there is none).
 *
 * @example Usage
 * ```ts
 * import { dirname } from "@std/path";
 *
 * dirname("/home/user/Documents/"); // "/home/user"
 * ```
 */
export function dirname(path: string | URL): string {
  path = toPath(path);
  assertPath(path);
  const trimmed = trimTrailingSlashes(path);
  const slash = trimmed.lastIndexOf("/");
  if (slash === -1) return ".";
  if (slash === 0) return "/";
  return trimTrailingSlashes(trimmed.slice(0, slash));
}

/**
 * Returns the last segment of a path, trailing slashes ignored, without
 * `suffix` if it ends with it.
 *
 * @param path The path or `file:` URL.
 * @param suffix The optional suffix (such as an extension) to remove.
 * @returns The last segment of the path.
 *
 * @example Usage
 * ```ts
 * import { basename } from "@std/path";
 *
 * basename("/home/user/file.txt", ".txt"); // "file"
 * ```
 */
export function basename(path: string | URL, suffix = ""): string {
  path = toPath(path);
  assertPath(path);
  const trimmed = trimTrailingSlashes(path);
  const name = trimmed === "/"
    ? "/"
    : trimmed.slice(trimmed.lastIndexOf("/") + 1);
  if (suffix && suffix.length < name.length && name.endsWith(suffix)) {
    return name.slice(0, -suffix.length);
  }
  return name;
}

/**
 * Returns the extension of the last segment of a path, from its last `.`;
 * `""` for no extension and for dot-files.
 *
 * @param path The path or `file:` URL.
 * @returns The extension, such as `".ts"`.
 *
 * @example Usage
 * ```ts
 * import { extname } from "@std/path";
 *
 * extname("/home/user/Documents/file.ts"); // ".ts"
 * ```
 */
export function extname(path: string | URL): string {
  path = toPath(path);
  assertPath(path);
  const trimmed = path.replace(/\/+$/, "");
  const name = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || name === "..") return "";
  return name.slice(dot);
}

/**
 * Resolves path segments into an absolute path, from right to left,
 * starting from the current working directory when needed.
 *
 * @param pathSegments The path segments to process.
 * @returns The normalized absolute path, without a trailing slash.
 *
 * @example Usage
 * ```ts
 * import { resolve } from "@std/path";
 *
 * resolve("/foo", "bar", "baz/asdf", "quux", ".."); // "/foo/bar/baz/asdf"
 * ```
 */
export function resolve(...pathSegments: string[]): string {
  const parts: string[] = [];
  for (let i = pathSegments.length - 1; i >= -1; i--) {
    const segment = i >= 0 ? pathSegments[i] : Deno.cwd();
    assertPath(segment);
    if (segment.length === 0) continue;
    parts.unshift(segment);
    if (segment.startsWith("/")) break;
  }
  const joined = parts.join("/");
  const absolute = joined.startsWith("/");
  const result = normalizeSegments(joined, !absolute);
  if (absolute) return `/${result}`;
  return result === "" ? "." : result;
}

/**
 * Returns the relative path from `from` to `to`, both resolved first.
 *
 * @param from The path to start from.
 * @param to The path to reach.
 * @returns The relative path (`""` when both are the same).
 *
 * @example Usage
 * ```ts
 * import { relative } from "@std/path";
 *
 * relative("/data/orandea/test/aaa", "/data/orandea/impl/bbb"); // "../../impl/bbb"
 * ```
 */
export function relative(from: string, to: string): string {
  assertPath(from);
  assertPath(to);
  const fromParts = resolve(from).split("/").filter((part) => part !== "");
  const toParts = resolve(to).split("/").filter((part) => part !== "");
  let common = 0;
  while (
    common < fromParts.length && common < toParts.length &&
    fromParts[common] === toParts[common]
  ) {
    common++;
  }
  const up = fromParts.slice(common).map(() => "..");
  return [...up, ...toParts.slice(common)].join("/");
}

/**
 * Converts a `file:` URL to a path.
 *
 * @param url The file URL to convert.
 * @returns The path.
 * @throws {TypeError} If the URL is not a `file:` URL.
 *
 * @example Usage
 * ```ts
 * import { fromFileUrl } from "@std/path";
 *
 * fromFileUrl("file:///home/foo"); // "/home/foo"
 * ```
 */
export function fromFileUrl(url: URL | string): string {
  url = url instanceof URL ? url : new URL(url);
  if (url.protocol !== "file:") {
    throw new TypeError(`URL must be a file URL: received "${url.protocol}"`);
  }
  // A "%" that does not start an escape sequence stands for itself.
  return decodeURIComponent(
    url.pathname.replace(/%(?![0-9A-Fa-f]{2})/g, "%25"),
  );
}

const WHITESPACE_ESCAPES: Record<string, string> = {
  "\t": "%09",
  "\n": "%0A",
  "\v": "%0B",
  "\f": "%0C",
  "\r": "%0D",
  " ": "%20",
};

/**
 * Converts an absolute path to a `file:` URL.
 *
 * @param path The absolute path to convert.
 * @returns The file URL.
 * @throws {TypeError} If the path is not absolute.
 *
 * @example Usage
 * ```ts
 * import { toFileUrl } from "@std/path";
 *
 * toFileUrl("/home/foo").href; // "file:///home/foo"
 * ```
 */
export function toFileUrl(path: string): URL {
  if (!isAbsolute(path)) {
    throw new TypeError(`Path must be absolute: received "${path}"`);
  }
  const url = new URL("file:///");
  url.pathname = path
    .replace(/^\/+/, "/")
    .replaceAll("%", "%25")
    .replaceAll("\\", "%5C")
    .replace(/[\t\n\v\f\r ]/g, (c) => WHITESPACE_ESCAPES[c] ?? c);
  return url;
}

// Self-tests for the offline `@std/path` stand-in. They check the adapter
// with the plain helpers below, never with the adapter itself. The expected
// values are those of std's POSIX path functions.
import {
  basename,
  dirname,
  extname,
  fromFileUrl,
  isAbsolute,
  join,
  normalize,
  relative,
  resolve,
  SEPARATOR,
  toFileUrl,
} from "./path.ts";

/** Fails unless `actual === expected`. */
function same(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) {
    throw new Error(
      `${what}: got ${Deno.inspect(actual)}, expected ${
        Deno.inspect(expected)
      }`,
    );
  }
}

/** Fails unless `fn` throws an instance of `Class`. */
function mustThrow(fn: () => unknown, Class: typeof Error): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof Class) return;
    throw new Error(`expected ${Class.name}, got ${Deno.inspect(error)}`);
  }
  throw new Error("expected a throw, but nothing was thrown");
}

Deno.test("SEPARATOR is a slash", () => {
  same(SEPARATOR, "/", "SEPARATOR");
});

Deno.test("join() joins and normalizes segments", () => {
  const cases: [string[], string][] = [
    [[""], "."],
    [["", ""], "."],
    [["a"], "a"],
    [["/a", "b", "c"], "/a/b/c"],
    [["/a/", "b/"], "/a/b/"],
    [["a", "", "b"], "a/b"],
    [["/foo", "bar", "baz/asdf", "quux", ".."], "/foo/bar/baz/asdf"],
    [["a", "../.."], ".."],
    [["/", ".."], "/"],
    [["./a", "./b"], "a/b"],
    [["a//b"], "a/b"],
    [["/a", "/b"], "/a/b"],
  ];
  for (const [args, expected] of cases) {
    same(join(args[0]!, ...args.slice(1)), expected, `join(${args})`);
  }
  same((join as (...paths: string[]) => string)(), ".", "join()");
  same(join(new URL("file:///a/b"), "../c"), "/a/c", "join(URL)");
});

Deno.test("normalize() resolves dots and keeps a trailing slash", () => {
  same(normalize(""), ".", "empty");
  same(normalize("./"), "./", "dot slash");
  same(normalize("/foo/bar//baz/asdf/quux/.."), "/foo/bar/baz/asdf", "std");
  same(normalize("../a/./b/"), "../a/b/", "relative");
  same(normalize("/../a"), "/a", "above root");
});

Deno.test("dirname() returns the parent directory", () => {
  const cases: [string, string][] = [
    ["", "."],
    ["a", "."],
    ["/", "/"],
    ["//", "/"],
    ["/a", "/"],
    ["/a/b", "/a"],
    ["/a/b/", "/a"],
    ["a//b", "a"],
    ["/home/user/Documents/", "/home/user"],
  ];
  for (const [path, expected] of cases) {
    same(dirname(path), expected, `dirname(${JSON.stringify(path)})`);
  }
  same(dirname(new URL("file:///a/b")), "/a", "dirname(URL)");
});

Deno.test("basename() returns the last segment without the suffix", () => {
  const cases: [string, string, string][] = [
    ["", "", ""],
    ["/", "", "/"],
    ["//", "", "/"],
    ["a", "", "a"],
    ["/a/b", "", "b"],
    ["/a/b/", "", "b"],
    ["/a/file.txt", ".txt", "file"],
    ["/a/file.txt", ".md", "file.txt"],
    ["/a/.txt", ".txt", ".txt"],
    ["/a/b.txt/", ".txt", "b"],
  ];
  for (const [path, suffix, expected] of cases) {
    same(basename(path, suffix), expected, `basename(${path}, ${suffix})`);
  }
  same(basename(new URL("file:///a/b.ts")), "b.ts", "basename(URL)");
});

Deno.test("extname() returns the extension of the last segment", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["/a/b.ts", ".ts"],
    ["/a/b.tar.gz", ".gz"],
    ["/a/b.ts/", ".ts"],
    ["/a/.bashrc", ""],
    ["/a/b.", "."],
    ["/a.b/c", ""],
    ["..", ""],
    ["...", "."],
    ["..a", ".a"],
  ];
  for (const [path, expected] of cases) {
    same(extname(path), expected, `extname(${JSON.stringify(path)})`);
  }
});

Deno.test("resolve() makes paths absolute from the working directory", () => {
  const cwd = Deno.cwd();
  same(resolve(), cwd, "resolve()");
  same(resolve(""), cwd, "resolve('')");
  same(resolve("a/b", "../c"), `${cwd === "/" ? "" : cwd}/a/c`, "relative");
  same(
    resolve("/foo", "bar", "baz/asdf", "quux", ".."),
    "/foo/bar/baz/asdf",
    "std",
  );
  same(resolve("/a", "/b", "c"), "/b/c", "last absolute wins");
  same(resolve("/a/b/"), "/a/b", "no trailing slash");
  same(resolve("/.."), "/", "root");
});

Deno.test("relative() walks from one path to another", () => {
  const cases: [string, string, string][] = [
    ["/data/orandea/test/aaa", "/data/orandea/impl/bbb", "../../impl/bbb"],
    ["/a/b", "/a/b", ""],
    ["/a/b", "/a/b/c", "c"],
    ["/a/b/c", "/a/b", ".."],
    ["/a/b", "/a/bc", "../bc"],
    ["/", "/a", "a"],
    ["/a", "/", ".."],
  ];
  for (const [from, to, expected] of cases) {
    same(relative(from, to), expected, `relative(${from}, ${to})`);
  }
});

Deno.test("isAbsolute() checks for a leading slash", () => {
  same(isAbsolute("/a"), true, "absolute");
  same(isAbsolute("a"), false, "relative");
  same(isAbsolute(""), false, "empty");
});

Deno.test("fromFileUrl() decodes file URLs", () => {
  same(fromFileUrl("file:///home/foo"), "/home/foo", "string");
  same(fromFileUrl(new URL("file:///a%20b")), "/a b", "URL, escape");
  same(fromFileUrl("file:///a%25b"), "/a%b", "percent");
  same(fromFileUrl("file:///a%zz"), "/a%zz", "lone percent");
});

Deno.test("fromFileUrl() throws TypeError on non-file URLs", () => {
  mustThrow(() => fromFileUrl("http://example.com/a"), TypeError);
  mustThrow(() => fromFileUrl(new URL("https://example.com/")), TypeError);
});

Deno.test("toFileUrl() encodes absolute paths", () => {
  same(toFileUrl("/home/foo").href, "file:///home/foo", "plain");
  same(toFileUrl("/a b%c").href, "file:///a%20b%25c", "escapes");
  same(toFileUrl("//a").href, "file:///a", "leading slashes");
  same(fromFileUrl(toFileUrl("/x/ y%z\\w")), "/x/ y%z\\w", "round trip");
});

Deno.test("toFileUrl() throws TypeError on relative paths", () => {
  mustThrow(() => toFileUrl("a/b"), TypeError);
  mustThrow(() => toFileUrl(""), TypeError);
});

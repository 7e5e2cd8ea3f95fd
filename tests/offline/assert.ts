/**
 * Offline stand-in for `@std/assert`.
 *
 * This module is used only through `tests/offline/import_map.json`, so that
 * the test suite can run on machines that cannot reach jsr.io. It is our own
 * small implementation of the std assertions the tests use, with the same
 * signatures and the same pass/fail behaviour; failure messages are plain
 * text rather than std's coloured diffs. The real dependency is the
 * `@std/assert` that `deno.json` declares.
 *
 * @module
 */

/**
 * Error thrown when an assertion fails.
 *
 * @example Usage
 * ```ts
 * import { AssertionError } from "@std/assert";
 *
 * const error = new AssertionError("Assertion failed");
 * ```
 */
export class AssertionError extends Error {
  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   * @param options Additional options, such as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AssertionError";
  }
}

/** Values that are falsy in JavaScript. */
export type Falsy = false | 0 | 0n | "" | null | undefined;

/** An array-like object that is not a string. */
export type ArrayLikeArg<T> = ArrayLike<T> & object;

// deno-lint-ignore no-explicit-any
type ErrorConstructorLike<E> = abstract new (...args: any[]) => E;

/** Formats a value for a failure message, like std's `format()`. */
function format(value: unknown): string {
  return Deno.inspect(value, {
    depth: Infinity,
    sorted: true,
    trailingComma: true,
    compact: false,
    iterableLimit: Infinity,
    getters: true,
    strAbbreviateSize: Infinity,
    colors: false,
  });
}

/** Returns `: msg` when a user message is given, else `.`. */
function suffix(msg: string | undefined): string {
  return msg ? `: ${msg}` : ".";
}

/** Shows the actual and expected values on separate, aligned lines. */
function showValues(actual: unknown, expected: unknown): string {
  const show = (value: unknown): string =>
    format(value).split("\n").join("\n              ");
  return `\n\n    actual:   ${show(actual)}\n    expected: ${show(expected)}`;
}

// ---------------------------------------------------------------------------
// equal()

const temporal = (globalThis as { Temporal?: Record<string, unknown> })
  .Temporal ?? {};

/** Prototypes whose instances are compared by their string form. */
const COMPARED_AS_STRINGS = new Set<unknown>(
  [
    RegExp,
    URL,
    URLSearchParams,
    Intl.Locale,
    ...[
      "Duration",
      "Instant",
      "PlainDate",
      "PlainDateTime",
      "PlainTime",
      "PlainYearMonth",
      "PlainMonthDay",
      "ZonedDateTime",
    ].map((name) => temporal[name] as { prototype: unknown } | undefined),
  ].filter((ctor) => ctor !== undefined).map((ctor) => ctor.prototype),
);

function isPrimitive(value: unknown): boolean {
  return value === null ||
    (typeof value !== "object" && typeof value !== "function");
}

/** `Object.is`, except that `+0` and `-0` are equal (SameValueZero). */
function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || Object.is(a, b);
}

function isPlainPrototype(proto: unknown): boolean {
  return proto === null || proto === Object.prototype;
}

function samePrototype(a: object, b: object): boolean {
  const protoA = Object.getPrototypeOf(a);
  const protoB = Object.getPrototypeOf(b);
  return protoA === protoB ||
    (isPlainPrototype(protoA) && isPlainPrototype(protoB));
}

function ownKeys(obj: object): (string | symbol)[] {
  return [
    ...Object.getOwnPropertyNames(obj),
    ...Object.getOwnPropertySymbols(obj),
  ];
}

/** All own and inherited keys, up to (excluding) Object/Array.prototype. */
function keysUpTheChain(obj: object | null): Set<string | symbol> {
  const keys = new Set<string | symbol>();
  while (
    obj !== null && obj !== Object.prototype && obj !== Array.prototype
  ) {
    for (const key of ownKeys(obj)) keys.add(key);
    obj = Object.getPrototypeOf(obj);
  }
  return keys;
}

function sameElements(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!sameValueZero(a[i], b[i])) return false;
  }
  return true;
}

/**
 * Deep equality comparison used in assertions.
 *
 * Primitives are compared with SameValueZero (`NaN` equals `NaN`, `0` equals
 * `-0`); objects must have the same prototype and deeply equal keys and
 * values. Comparing `WeakMap` or `WeakSet` instances throws a `TypeError`.
 *
 * @param a The actual value.
 * @param b The expected value.
 * @returns `true` if the values are deeply equal, `false` otherwise.
 *
 * @example Usage
 * ```ts
 * import { equal } from "@std/assert";
 *
 * equal({ foo: "bar" }, { foo: "bar" }); // true
 * equal({ foo: "bar" }, { foo: "baz" }); // false
 * ```
 */
export function equal(a: unknown, b: unknown): boolean {
  const seen = new Map<unknown, unknown>();

  function compareCollections(
    a: Map<unknown, unknown> | Set<unknown>,
    b: Map<unknown, unknown> | Set<unknown>,
  ): boolean {
    if (a.size !== b.size) return false;
    const aKeys = [...a.keys()];
    if (aKeys.every(isPrimitive)) {
      if (a instanceof Set) return aKeys.every((key) => b.has(key));
      const bMap = b as Map<unknown, unknown>;
      return aKeys.every((key) =>
        bMap.has(key) && compare(a.get(key), bMap.get(key))
      );
    }
    // Keys may be objects: every entry of `a` needs a deeply equal entry
    // in `b`.
    return [...a.entries()].every(([aKey, aValue]) =>
      [...b.entries()].some(([bKey, bValue]) =>
        compare(aKey, bKey) &&
        ((aKey === aValue && bKey === bValue) || compare(aValue, bValue))
      )
    );
  }

  function compare(a: unknown, b: unknown): boolean {
    if (sameValueZero(a, b)) return true;
    if (isPrimitive(a) || isPrimitive(b)) return false;
    if (a instanceof Date && b instanceof Date) {
      return Object.is(a.getTime(), b.getTime());
    }
    if (typeof a !== "object" || typeof b !== "object") return false;
    // Both are non-null objects from here on.
    const x = a as object;
    const y = b as object;
    if (!samePrototype(x, y)) return false;
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      return sameElements(
        x as unknown as ArrayLike<unknown>,
        y as unknown as ArrayLike<unknown>,
      );
    }
    if (
      x instanceof ArrayBuffer ||
      (typeof SharedArrayBuffer === "function" &&
        x instanceof SharedArrayBuffer)
    ) {
      return sameElements(
        new Uint8Array(x as ArrayBuffer),
        new Uint8Array(y as ArrayBuffer),
      );
    }
    if (x instanceof WeakMap) {
      throw new TypeError("Cannot compare WeakMap instances");
    }
    if (x instanceof WeakSet) {
      throw new TypeError("Cannot compare WeakSet instances");
    }
    if (x instanceof WeakRef) {
      return compare(x.deref(), (y as WeakRef<WeakKey>).deref());
    }
    if (seen.get(x) === y) return true; // cycle already being compared
    if (Object.keys(x).length !== Object.keys(y).length) return false;
    seen.set(x, y);

    if (
      (x instanceof Map || x instanceof Set) &&
      (y instanceof Map || y instanceof Set)
    ) {
      return compareCollections(x, y);
    }

    const proto = Object.getPrototypeOf(x);
    let keys: Iterable<string | symbol>;
    if (isPlainPrototype(proto) || proto === Array.prototype) {
      keys = ownKeys({ ...x, ...y });
    } else if (COMPARED_AS_STRINGS.has(proto)) {
      return String(x) === String(y);
    } else {
      keys = keysUpTheChain(x).union(keysUpTheChain(y));
    }
    const xs = x as Record<string | symbol, unknown>;
    const ys = y as Record<string | symbol, unknown>;
    for (const key of keys) {
      if (!compare(xs[key], ys[key])) return false;
      if ((key in x) !== (key in y)) return false;
    }
    return true;
  }

  return compare(a, b);
}

// ---------------------------------------------------------------------------
// Assertions

/**
 * Make an assertion, error will be thrown if `expr` does not have truthy
 * value.
 *
 * @param expr The expression to test.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assert } from "@std/assert";
 *
 * assert("hello".includes("ello")); // Doesn't throw
 * assert("hello".includes("world")); // Throws
 * ```
 */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg);
}

/**
 * Make an assertion, error will be thrown if `expr` has a truthy value.
 *
 * @param expr The expression to test.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertFalse } from "@std/assert";
 *
 * assertFalse(false); // Doesn't throw
 * assertFalse(true); // Throws
 * ```
 */
export function assertFalse(expr: unknown, msg = ""): asserts expr is Falsy {
  if (expr) throw new AssertionError(msg);
}

/**
 * Make an assertion that `actual` and `expected` are deeply equal, using
 * {@linkcode equal}.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals({ foo: "bar" }, { foo: "bar" }); // Doesn't throw
 * assertEquals({ foo: "bar" }, { foo: "baz" }); // Throws
 * ```
 */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (equal(actual, expected)) return;
  let message = `Values are not equal${suffix(msg)}${
    showValues(actual, expected)
  }`;
  if (format(actual) === format(expected)) {
    message += "\n    (they print the same: prototypes or hidden keys differ)";
  }
  throw new AssertionError(message);
}

/**
 * Make an assertion that `actual` and `expected` are not deeply equal.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertNotEquals } from "@std/assert";
 *
 * assertNotEquals(1, 2); // Doesn't throw
 * assertNotEquals(1, 1); // Throws
 * ```
 */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!equal(actual, expected)) return;
  throw new AssertionError(
    `Expected actual: ${format(actual)} not to be: ${format(expected)}${
      suffix(msg)
    }`,
  );
}

/**
 * Make an assertion that `actual` and `expected` are strictly equal, using
 * `Object.is()`.
 *
 * @typeParam T The type of the expected value.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertStrictEquals } from "@std/assert";
 *
 * const a = {};
 * assertStrictEquals(a, a); // Doesn't throw
 * assertStrictEquals(a, {}); // Throws
 * ```
 */
export function assertStrictEquals<T>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is T {
  if (Object.is(actual, expected)) return;
  const printed = format(actual);
  if (printed === format(expected)) {
    throw new AssertionError(
      `Values have the same structure but are not reference-equal${
        suffix(msg)
      }\n\n    ${printed.split("\n").join("\n    ")}\n`,
    );
  }
  throw new AssertionError(
    `Values are not strictly equal${suffix(msg)}${
      showValues(actual, expected)
    }`,
  );
}

/**
 * Make an assertion that `actual` and `expected` are not strictly equal,
 * using `Object.is()`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertNotStrictEquals } from "@std/assert";
 *
 * assertNotStrictEquals(1, 2); // Doesn't throw
 * assertNotStrictEquals(1, 1); // Throws
 * ```
 */
export function assertNotStrictEquals<T>(
  actual: T,
  expected: T,
  msg?: string,
): void {
  if (!Object.is(actual, expected)) return;
  throw new AssertionError(
    `Expected "actual" to not be strictly equal to: ${format(actual)}${
      suffix(msg)
    }\n`,
  );
}

/**
 * Make an assertion that `actual` is not `null` or `undefined`.
 *
 * @typeParam T The type of the actual value.
 * @param actual The actual value to check.
 * @param msg The optional message to include in the error if the assertion
 * fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertExists } from "@std/assert";
 *
 * assertExists("something"); // Doesn't throw
 * assertExists(undefined); // Throws
 * ```
 */
export function assertExists<T>(
  actual: T,
  msg?: string,
): asserts actual is NonNullable<T> {
  if (actual === undefined || actual === null) {
    throw new AssertionError(
      `Expected actual: "${actual}" to not be null or undefined${suffix(msg)}`,
    );
  }
}

/**
 * Make an assertion that `actual` is an instance of `expectedType`.
 *
 * @typeParam T The expected type (a class).
 * @param actual The object to check.
 * @param expectedType The expected class constructor.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertInstanceOf } from "@std/assert";
 *
 * assertInstanceOf(new Date(), Date); // Doesn't throw
 * assertInstanceOf(new Date(), Number); // Throws
 * ```
 */
export function assertInstanceOf<
  // deno-lint-ignore no-explicit-any
  T extends abstract new (...args: any[]) => any,
>(
  actual: unknown,
  expectedType: T,
  msg = "",
): asserts actual is InstanceType<T> {
  if (actual instanceof expectedType) return;
  const expectedName = expectedType.name;
  const actualName = actual === null
    ? "null"
    : typeof actual === "object"
    ? (actual.constructor?.name ?? "Object")
    : typeof actual;
  let message = `Expected object to be an instance of "${expectedName}"`;
  if (actualName === "function") {
    message += " but was not an instanced object";
  } else if (actualName !== expectedName) {
    message += ` but was "${actualName}"`;
  }
  throw new AssertionError(message + suffix(msg));
}

/**
 * Make an assertion that `error` is an `Error`, optionally of class
 * `ErrorClass` and with a message that includes (or matches) `msgMatches`.
 *
 * @typeParam E The type of the error to assert.
 * @param error The error to assert.
 * @param ErrorClass The optional error class to assert.
 * @param msgMatches The optional string or RegExp the message must match.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertIsError } from "@std/assert";
 *
 * assertIsError(new RangeError("Out of range"), RangeError, "range"); // Doesn't throw
 * assertIsError(null); // Throws
 * ```
 */
export function assertIsError<E extends Error = Error>(
  error: unknown,
  ErrorClass?: ErrorConstructorLike<E>,
  msgMatches?: string | RegExp,
  msg?: string,
): asserts error is E {
  if (!(error instanceof Error)) {
    throw new AssertionError(
      `Expected "error" to be an Error object${suffix(msg)}`,
    );
  }
  if (ErrorClass && !(error instanceof ErrorClass)) {
    throw new AssertionError(
      `Expected error to be instance of "${ErrorClass.name}", but was "${error.constructor?.name}"${
        suffix(msg)
      }`,
    );
  }
  if (!msgMatches) return;
  const message = stripAnsi(error.message);
  const matches = typeof msgMatches === "string"
    ? message.includes(stripAnsi(msgMatches))
    : msgMatches.test(message);
  if (!matches) {
    const wanted = typeof msgMatches === "string"
      ? JSON.stringify(msgMatches)
      : String(msgMatches);
    throw new AssertionError(
      `Expected error message to include ${wanted}, but got ${
        JSON.stringify(error.message)
      }${suffix(msg)}`,
    );
  }
}

const ANSI_PATTERN = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, "");
}

/**
 * Make an assertion that `actual` matches the RegExp `expected`.
 *
 * @param actual The actual value to match.
 * @param expected The expected pattern.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertMatch } from "@std/assert";
 *
 * assertMatch("Raptor", /Raptor/); // Doesn't throw
 * assertMatch("Denosaurus", /Raptor/); // Throws
 * ```
 */
export function assertMatch(
  actual: string,
  expected: RegExp,
  msg?: string,
): void {
  if (expected.test(actual)) return;
  throw new AssertionError(
    `Expected actual: "${actual}" to match: "${expected}"${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `actual` does not match the RegExp `expected`.
 *
 * @param actual The actual value to match.
 * @param expected The pattern that must not match.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertNotMatch } from "@std/assert";
 *
 * assertNotMatch("Denosaurus", /Raptor/); // Doesn't throw
 * assertNotMatch("Raptor", /Raptor/); // Throws
 * ```
 */
export function assertNotMatch(
  actual: string,
  expected: RegExp,
  msg?: string,
): void {
  if (!expected.test(actual)) return;
  throw new AssertionError(
    `Expected actual: "${actual}" to not match: "${expected}"${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `actual` includes the string `expected`.
 *
 * @param actual The string to search in.
 * @param expected The substring that must be present.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertStringIncludes } from "@std/assert";
 *
 * assertStringIncludes("Hello", "ello"); // Doesn't throw
 * assertStringIncludes("Hello", "world"); // Throws
 * ```
 */
export function assertStringIncludes(
  actual: string,
  expected: string,
  msg?: string,
): void {
  if (actual.includes(expected)) return;
  throw new AssertionError(
    `Expected actual: "${actual}" to contain: "${expected}"${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `actual` includes every item of `expected`, each
 * found with {@linkcode equal}.
 *
 * @typeParam T The type of the elements.
 * @param actual The array-like object to search in.
 * @param expected The items that must be present.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertArrayIncludes } from "@std/assert";
 *
 * assertArrayIncludes([1, 2], [2]); // Doesn't throw
 * assertArrayIncludes([1, 2], [3]); // Throws
 * ```
 */
export function assertArrayIncludes<T>(
  actual: ArrayLikeArg<T>,
  expected: ArrayLikeArg<T>,
  msg?: string,
): void {
  const haystack = Array.from(actual);
  const missing = Array.from(expected).filter((item) =>
    isPrimitive(item)
      ? !Array.prototype.includes.call(actual, item)
      : !haystack.some((candidate) => equal(item, candidate))
  );
  if (missing.length === 0) return;
  throw new AssertionError(
    `Expected actual: "${format(actual)}" to include: "${format(expected)}"${
      suffix(msg)
    }\nmissing: ${format(missing)}`,
  );
}

/**
 * Make an assertion that `actual` is greater than `expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message that replaces the default one on failure.
 *
 * @example Usage
 * ```ts ignore
 * import { assertGreater } from "@std/assert";
 *
 * assertGreater(2, 1); // Doesn't throw
 * assertGreater(1, 1); // Throws
 * ```
 */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (actual > expected) return;
  throw new AssertionError(
    msg ?? `Expect ${format(actual)} > ${format(expected)}`,
  );
}

/**
 * Make an assertion that `actual` is greater than or equal to `expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message that replaces the default one on failure.
 *
 * @example Usage
 * ```ts ignore
 * import { assertGreaterOrEqual } from "@std/assert";
 *
 * assertGreaterOrEqual(2, 2); // Doesn't throw
 * assertGreaterOrEqual(1, 2); // Throws
 * ```
 */
export function assertGreaterOrEqual<T>(
  actual: T,
  expected: T,
  msg?: string,
): void {
  if (actual >= expected) return;
  throw new AssertionError(
    msg ?? `Expect ${format(actual)} >= ${format(expected)}`,
  );
}

/**
 * Make an assertion that `actual` is less than `expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message that replaces the default one on failure.
 *
 * @example Usage
 * ```ts ignore
 * import { assertLess } from "@std/assert";
 *
 * assertLess(1, 2); // Doesn't throw
 * assertLess(2, 1); // Throws
 * ```
 */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (actual < expected) return;
  throw new AssertionError(
    msg ?? `Expect ${format(actual)} < ${format(expected)}`,
  );
}

/**
 * Make an assertion that `actual` is less than or equal to `expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message that replaces the default one on failure.
 *
 * @example Usage
 * ```ts ignore
 * import { assertLessOrEqual } from "@std/assert";
 *
 * assertLessOrEqual(2, 2); // Doesn't throw
 * assertLessOrEqual(3, 2); // Throws
 * ```
 */
export function assertLessOrEqual<T>(
  actual: T,
  expected: T,
  msg?: string,
): void {
  if (actual <= expected) return;
  throw new AssertionError(
    msg ?? `Expect ${format(actual)} <= ${format(expected)}`,
  );
}

type Loose = Record<PropertyKey, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === "object" && value !== null;
}

function setKey(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    configurable: true,
    enumerable: true,
    writable: true,
  });
}

/**
 * Copies the parts of `actual` whose keys also appear in `shape`, turning
 * nested objects into plain objects (so class instances compare by content).
 */
function project(actual: Loose, shape: Loose): Loose {
  const seen = new Map<object, object>();

  function projectValue(value: unknown, subset: unknown): unknown {
    if (value instanceof RegExp || value instanceof Date) return value;
    if (Array.isArray(value) && Array.isArray(subset)) {
      return projectArray(value, subset);
    }
    if (!isObject(value) || !isObject(subset)) return value;
    if (value instanceof Map && subset instanceof Map) {
      return new Map(
        [...value].filter(([key]) => subset.has(key)).map((
          [key, item],
        ) => [key, projectValue(item, subset.get(key))]),
      );
    }
    if (value instanceof Set && subset instanceof Set) {
      return value.intersection(subset);
    }
    return projectObject(value, subset);
  }

  function projectArray(value: unknown[], subset: unknown[]): unknown[] {
    if (seen.get(value) === subset) return value;
    seen.set(value, subset);
    const count = Math.min(value.length, subset.length);
    return value.slice(0, count).map((item, i) =>
      projectValue(item, subset[i])
    );
  }

  function projectObject(value: Loose, subset: Loose): Loose {
    if (seen.get(value) === subset) return value;
    seen.set(value, subset);
    const out: Loose = {};
    const keys = Reflect.ownKeys(value);
    const subsetKeys = Reflect.ownKeys(subset);
    const common = keys.filter((key) => subsetKeys.includes(key));
    if (keys.length > 0 && subsetKeys.length > 0 && common.length === 0) {
      // Nothing in common: keep everything so the failure shows the object.
      for (const key of keys) setKey(out, key, value[key]);
      return out;
    }
    for (const key of common) {
      setKey(out, key, projectValue(value[key], subset[key]));
    }
    return out;
  }

  return projectObject(actual, shape);
}

/**
 * Make an assertion that `expected` object is a subset of `actual` object,
 * deeply.
 *
 * @param actual The actual value to be matched.
 * @param expected The expected value to match.
 * @param msg The optional message to display if the assertion fails.
 *
 * @example Usage
 * ```ts ignore
 * import { assertObjectMatch } from "@std/assert";
 *
 * assertObjectMatch({ foo: "bar", n: 1 }, { foo: "bar" }); // Doesn't throw
 * assertObjectMatch({ foo: "bar" }, { foo: "baz" }); // Throws
 * ```
 */
export function assertObjectMatch(
  // deno-lint-ignore no-explicit-any
  actual: Record<PropertyKey, any>,
  expected: Record<PropertyKey, unknown>,
  msg?: string,
): void {
  if (!isObject(actual)) {
    throw new TypeError(
      `Cannot assertObjectMatch ${
        actual === null ? null : `type ${typeof actual}`
      }`,
    );
  }
  assertEquals(project(actual, expected), project(expected, expected), msg);
}

/** Whether `value` is `Error` or a subclass of it. */
function isErrorClass<E>(
  value: unknown,
): value is ErrorConstructorLike<E> {
  if (typeof value !== "function") return false;
  const proto = (value as { prototype?: unknown }).prototype;
  return proto === Error.prototype || proto instanceof Error;
}

/**
 * Executes a function, expecting it to throw. If it does not, then it
 * throws.
 *
 * @param fn The function to execute.
 * @param msg The optional message to display if the assertion fails.
 * @returns The error that was thrown.
 *
 * @example Usage
 * ```ts ignore
 * import { assertThrows } from "@std/assert";
 *
 * assertThrows(() => { throw new TypeError("hello world!"); }); // Doesn't throw
 * assertThrows(() => console.log("hello world!")); // Throws
 * ```
 */
export function assertThrows(fn: () => unknown, msg?: string): unknown;
/**
 * Executes a function, expecting it to throw an instance of `ErrorClass`
 * whose message includes `msgIncludes`. If it does not, then it throws.
 *
 * @typeParam E The error class to assert.
 * @param fn The function to execute.
 * @param ErrorClass The error class to assert.
 * @param msgIncludes The string that should be included in the error message.
 * @param msg The optional message to display if the assertion fails.
 * @returns The error that was thrown.
 *
 * @example Usage
 * ```ts ignore
 * import { assertThrows } from "@std/assert";
 *
 * assertThrows(() => { throw new TypeError("hello world!"); }, TypeError); // Doesn't throw
 * assertThrows(() => { throw new TypeError("hello world!"); }, RangeError); // Throws
 * ```
 */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass: ErrorConstructorLike<E>,
  msgIncludes?: string,
  msg?: string,
): E;
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  errorClassOrMsg?: ErrorConstructorLike<E> | string,
  msgIncludesOrMsg?: string,
  msg?: string,
): unknown {
  let ErrorClass: ErrorConstructorLike<E> | undefined;
  let msgIncludes: string | undefined;
  if (typeof errorClassOrMsg === "string") {
    msg = errorClassOrMsg;
  } else if (errorClassOrMsg === undefined || isErrorClass(errorClassOrMsg)) {
    ErrorClass = errorClassOrMsg;
    msgIncludes = msgIncludesOrMsg;
  } else {
    msg = msgIncludesOrMsg;
  }
  try {
    fn();
  } catch (error) {
    if (ErrorClass) {
      if (!(error instanceof Error)) {
        throw new AssertionError(`A non-Error object was thrown${suffix(msg)}`);
      }
      assertIsError(error, ErrorClass, msgIncludes, msg);
    }
    return error;
  }
  throw new AssertionError(`Expected function to throw${suffix(msg)}`);
}

/**
 * Executes a function which returns a promise, expecting it to reject.
 *
 * @param fn The function to execute.
 * @param msg The optional message to display if the assertion fails.
 * @returns The promise which resolves to the thrown error.
 *
 * @example Usage
 * ```ts ignore
 * import { assertRejects } from "@std/assert";
 *
 * await assertRejects(async () => Promise.reject(new Error())); // Doesn't throw
 * await assertRejects(async () => console.log("Hello world")); // Throws
 * ```
 */
export function assertRejects(
  fn: () => PromiseLike<unknown>,
  msg?: string,
): Promise<unknown>;
/**
 * Executes a function which returns a promise, expecting it to reject with
 * an instance of `ErrorClass` whose message includes `msgIncludes`.
 *
 * @typeParam E The error class to assert.
 * @param fn The function to execute.
 * @param ErrorClass The error class to assert.
 * @param msgIncludes The string that should be included in the error message.
 * @param msg The optional message to display if the assertion fails.
 * @returns The promise which resolves to the thrown error.
 *
 * @example Usage
 * ```ts ignore
 * import { assertRejects } from "@std/assert";
 *
 * await assertRejects(async () => Promise.reject(new Error()), Error); // Doesn't throw
 * await assertRejects(async () => Promise.reject(new Error()), SyntaxError); // Throws
 * ```
 */
export function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass: ErrorConstructorLike<E>,
  msgIncludes?: string,
  msg?: string,
): Promise<E>;
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  errorClassOrMsg?: ErrorConstructorLike<E> | string,
  msgIncludesOrMsg?: string,
  msg?: string,
): Promise<unknown> {
  let ErrorClass: ErrorConstructorLike<E> | undefined;
  let msgIncludes: string | undefined;
  if (typeof errorClassOrMsg === "string") {
    msg = errorClassOrMsg;
  } else if (errorClassOrMsg === undefined || isErrorClass(errorClassOrMsg)) {
    ErrorClass = errorClassOrMsg;
    msgIncludes = msgIncludesOrMsg;
  }
  let returned: unknown;
  try {
    returned = fn();
  } catch {
    returned = undefined;
  }
  const thenable = typeof returned === "object" && returned !== null &&
    typeof (returned as { then?: unknown }).then === "function";
  if (!thenable) {
    throw new AssertionError(
      `Function throws when expected to reject${suffix(msg)}`,
    );
  }
  try {
    await returned;
  } catch (error) {
    if (ErrorClass) {
      if (!(error instanceof Error)) {
        throw new AssertionError(
          `A non-Error object was rejected${suffix(msg)}`,
        );
      }
      assertIsError(error, ErrorClass, msgIncludes, msg);
    }
    return error;
  }
  throw new AssertionError(`Expected function to reject${suffix(msg)}`);
}

/**
 * Forcefully throws a failed assertion.
 *
 * @param msg Optional message to include in the error.
 * @returns Never returns, always throws.
 *
 * @example Usage
 * ```ts ignore
 * import { fail } from "@std/assert";
 *
 * fail("Deliberately failed!"); // Throws
 * ```
 */
export function fail(msg?: string): never {
  throw new AssertionError(`Failed assertion${suffix(msg)}`);
}

/**
 * Use this to assert unreachable code.
 *
 * @param msg Optional message to include in the error.
 * @returns Never returns, always throws.
 *
 * @example Usage
 * ```ts ignore
 * import { unreachable } from "@std/assert";
 *
 * unreachable(); // Throws
 * ```
 */
export function unreachable(msg?: string): never {
  throw new AssertionError(`Unreachable${suffix(msg)}`);
}

/**
 * Use this to stub out methods that will throw when invoked.
 *
 * @param msg Optional message to include in the error.
 * @returns Never returns, always throws.
 *
 * @example Usage
 * ```ts ignore
 * import { unimplemented } from "@std/assert";
 *
 * unimplemented(); // Throws
 * ```
 */
export function unimplemented(msg?: string): never {
  throw new AssertionError(`Unimplemented${suffix(msg)}`);
}

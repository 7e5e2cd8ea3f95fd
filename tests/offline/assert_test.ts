// Self-tests for the offline `@std/assert` stand-in. They check the adapter
// with the plain helpers below, never with the adapter itself.
import {
  assert,
  assertArrayIncludes,
  assertEquals,
  assertExists,
  assertFalse,
  assertGreater,
  assertGreaterOrEqual,
  assertInstanceOf,
  AssertionError,
  assertIsError,
  assertLess,
  assertLessOrEqual,
  assertMatch,
  assertNotEquals,
  assertNotMatch,
  assertNotStrictEquals,
  assertObjectMatch,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
  equal,
  fail,
  unimplemented,
  unreachable,
} from "./assert.ts";

// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

/** Fails unless `condition` holds. */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

/** Returns the error `fn` throws; fails if it does not throw `Class`. */
function mustThrow(
  fn: () => unknown,
  Class: ErrorClass = AssertionError,
  includes?: string,
): Error {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof Class)) {
      throw new Error(`expected ${Class.name}, got ${Deno.inspect(error)}`);
    }
    if (includes !== undefined && !error.message.includes(includes)) {
      throw new Error(
        `expected message to include ${JSON.stringify(includes)}, got ${
          JSON.stringify(error.message)
        }`,
      );
    }
    return error;
  }
  throw new Error("expected a throw, but nothing was thrown");
}

/** Returns the reason `fn()` rejects with; fails unless it is a `Class`. */
async function mustReject(
  fn: () => Promise<unknown>,
  Class: ErrorClass = AssertionError,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof Class)) {
      throw new Error(`expected ${Class.name}, got ${Deno.inspect(error)}`);
    }
    if (includes !== undefined && !error.message.includes(includes)) {
      throw new Error(
        `expected message to include ${JSON.stringify(includes)}, got ${
          JSON.stringify(error.message)
        }`,
      );
    }
    return error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

Deno.test("AssertionError has the std name, message and cause", () => {
  const cause = new Error("inner");
  const error = new AssertionError("boom", { cause });
  check(error instanceof Error, "extends Error");
  check(error.name === "AssertionError", "name");
  check(error.message === "boom", "message");
  check(error.cause === cause, "cause");
});

Deno.test("assert() passes on truthy and throws on falsy values", () => {
  assert(true);
  assert(1);
  assert("x");
  assert({});
  for (const value of [false, 0, 0n, "", null, undefined, NaN]) {
    const error = mustThrow(() => assert(value));
    check(error.message === "", "empty message by default");
  }
  check(mustThrow(() => assert(false, "why")).message === "why", "msg");
});

Deno.test("assertFalse() passes on falsy and throws on truthy values", () => {
  assertFalse(false);
  assertFalse(0);
  assertFalse(null);
  assertFalse("");
  mustThrow(() => assertFalse(true));
  check(mustThrow(() => assertFalse(1, "why")).message === "why", "msg");
});

Deno.test("equal() follows std's rules for primitives", () => {
  check(equal(1, 1), "1 == 1");
  check(!equal(1, 2), "1 != 2");
  check(equal(NaN, NaN), "NaN == NaN");
  check(equal(0, -0), "0 == -0 (SameValueZero)");
  check(!equal(1, "1"), "no coercion");
  check(!equal(null, undefined), "null != undefined");
  check(equal(1n, 1n), "bigint");
  check(!equal(Symbol("a"), Symbol("a")), "distinct symbols");
  check(!equal(() => {}, () => {}), "distinct functions");
});

Deno.test("equal() compares objects and arrays deeply", () => {
  check(equal({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), "nested");
  check(!equal({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }), "nested diff");
  check(!equal({ a: 1 }, { a: 1, b: 2 }), "extra key");
  check(!equal({ a: undefined }, { b: undefined }), "different keys");
  check(!equal({ a: undefined }, {}), "undefined key vs missing key");
  check(equal(Object.create(null), {}), "null prototype equals {}");
  check(!equal([1, 2], [2, 1]), "array order");
  check(!equal([, 1], [undefined, 1]), "holes differ from undefined");
  const sym = Symbol("s");
  check(equal({ [sym]: 1 }, { [sym]: 1 }), "symbol keys");
  check(!equal({ [sym]: 1 }, { [sym]: 2 }), "symbol key values");
});

Deno.test("equal() compares class instances by prototype and content", () => {
  class A {
    constructor(public x = 1) {}
  }
  class B {
    constructor(public x = 1) {}
  }
  check(equal(new A(), new A()), "same class");
  check(!equal(new A(1), new A(2)), "same class, other field");
  check(!equal(new A(), new B()), "different classes");
  check(!equal(new A(), { x: 1 }), "instance vs plain object");
});

Deno.test("equal() handles built-in types", () => {
  check(equal(new Date(1), new Date(1)), "dates");
  check(!equal(new Date(1), new Date(2)), "other dates");
  check(equal(new Date(NaN), new Date(NaN)), "invalid dates");
  check(equal(/a/g, /a/g), "regexps");
  check(!equal(/a/g, /a/i), "regexp flags");
  check(equal(new URL("http://x/a"), new URL("http://x/a")), "urls");
  check(!equal(new URL("http://x/a"), new URL("http://x/b")), "other urls");
  check(equal(new Uint8Array([1, 2]), new Uint8Array([1, 2])), "typed");
  check(!equal(new Uint8Array([1, 2]), new Uint8Array([1, 3])), "typed diff");
  check(!equal(new Uint8Array([1]), new Int8Array([1])), "typed kinds");
  check(equal(new Float64Array([-0]), new Float64Array([0])), "typed -0");
  check(
    equal(new Uint8Array([1]).buffer, new Uint8Array([1]).buffer),
    "ArrayBuffer",
  );
  check(
    !equal(new Uint8Array([1]).buffer, new Uint8Array([2]).buffer),
    "ArrayBuffer diff",
  );
});

Deno.test("equal() compares maps and sets by content", () => {
  check(equal(new Map([[1, { a: 1 }]]), new Map([[1, { a: 1 }]])), "maps");
  check(!equal(new Map([[1, { a: 1 }]]), new Map([[1, { a: 2 }]])), "values");
  check(!equal(new Map([[1, 1]]), new Map([[2, 1]])), "keys");
  check(equal(new Map([[{ k: 1 }, 1]]), new Map([[{ k: 1 }, 1]])), "obj key");
  check(!equal(new Map([[{ k: 1 }, 1]]), new Map([[{ k: 2 }, 1]])), "obj key");
  check(equal(new Set([1, 2]), new Set([2, 1])), "set order ignored");
  check(!equal(new Set([1, 2]), new Set([1, 3])), "set content");
  check(!equal(new Set([1]), new Set([1, 2])), "set size");
  check(equal(new Set([{ a: 1 }]), new Set([{ a: 1 }])), "set of objects");
  check(!equal(new Set([{ a: 1 }]), new Set([{ a: 2 }])), "set of objects");
  check(!equal(new Map(), new Set()), "map vs set");
});

Deno.test("equal() handles cycles and rejects weak collections", () => {
  type Node = { v: number; self?: Node };
  const a: Node = { v: 1 };
  a.self = a;
  const b: Node = { v: 1 };
  b.self = b;
  const c: Node = { v: 2 };
  c.self = c;
  check(equal(a, b), "equal cycles");
  check(!equal(a, c), "unequal cycles");
  mustThrow(() => equal(new WeakMap(), new WeakMap()), TypeError, "WeakMap");
  mustThrow(() => equal(new WeakSet(), new WeakSet()), TypeError, "WeakSet");
  check(!equal(new WeakMap(), {}), "WeakMap vs object");
});

Deno.test("assertEquals() passes on deeply equal values", () => {
  assertEquals(1, 1);
  assertEquals({ a: [1, new Map([[1, new Set([2])]])] }, {
    a: [1, new Map([[1, new Set([2])]])],
  });
  assertEquals(NaN, NaN);
});

Deno.test("assertEquals() throws on unequal values, showing both", () => {
  const error = mustThrow(() => assertEquals(1, 2), AssertionError);
  check(error.message.startsWith("Values are not equal."), error.message);
  check(error.message.includes("actual:   1"), "shows actual");
  check(error.message.includes("expected: 2"), "shows expected");
  const withMsg = mustThrow(() => assertEquals("a", "b", "custom"));
  check(withMsg.message.startsWith("Values are not equal: custom"), "msg");
});

Deno.test("assertEquals() throws on unequal nested maps", () => {
  mustThrow(() =>
    assertEquals(new Map([[1, { a: 1 }]]), new Map([[1, { a: 2 }]]))
  );
});

Deno.test("assertNotEquals() throws on deeply equal values", () => {
  assertNotEquals(1, 2);
  assertNotEquals({ a: 1 }, { a: 2 });
  mustThrow(() => assertNotEquals({ a: 1 }, { a: 1 }), AssertionError);
  mustThrow(() => assertNotEquals(1, 1, "why"), AssertionError, ": why");
});

Deno.test("assertStrictEquals() uses Object.is()", () => {
  const obj = {};
  assertStrictEquals(obj, obj);
  assertStrictEquals(NaN, NaN);
  mustThrow(() => assertStrictEquals({}, {}), AssertionError, "same structure");
  mustThrow(() => assertStrictEquals(0, -0));
  mustThrow(() => assertStrictEquals(1, 2, "why"), AssertionError, ": why");
});

Deno.test("assertNotStrictEquals() throws on the same value", () => {
  assertNotStrictEquals({}, {});
  assertNotStrictEquals(0, -0);
  mustThrow(() => assertNotStrictEquals(1, 1));
  mustThrow(
    () => assertNotStrictEquals("a", "a", "why"),
    AssertionError,
    "why",
  );
});

Deno.test("assertExists() throws on null and undefined only", () => {
  assertExists(0);
  assertExists("");
  assertExists(false);
  mustThrow(() => assertExists(null), AssertionError, "null or undefined");
  mustThrow(() => assertExists(undefined, "why"), AssertionError, ": why");
});

Deno.test("assertInstanceOf() throws on other types", () => {
  assertInstanceOf(new TypeError("x"), Error);
  const error = mustThrow(() => assertInstanceOf(new Date(), Map));
  check(error.message.includes('but was "Date"'), error.message);
  mustThrow(() => assertInstanceOf(null, Map), AssertionError, '"null"');
  mustThrow(() => assertInstanceOf(1, Number), AssertionError, '"number"');
  mustThrow(() => assertInstanceOf({}, Map, "why"), AssertionError, ": why");
});

Deno.test("assertIsError() checks class and message", () => {
  assertIsError(new RangeError("out of range"), RangeError, "range");
  assertIsError(new RangeError("out of range"), Error, /out/);
  mustThrow(() => assertIsError("oops"), AssertionError, "Error object");
  mustThrow(() => assertIsError(new Error("x"), TypeError));
  mustThrow(() => assertIsError(new Error("x"), Error, "y"));
  mustThrow(() => assertIsError(new Error("x"), Error, /y/));
});

Deno.test("assertMatch() and assertNotMatch() test the RegExp", () => {
  assertMatch("Raptor", /apt/);
  assertNotMatch("Raptor", /xyz/);
  mustThrow(() => assertMatch("Raptor", /xyz/), AssertionError, "to match");
  mustThrow(() => assertNotMatch("Raptor", /apt/), AssertionError, "not match");
  mustThrow(() => assertMatch("a", /b/, "why"), AssertionError, ": why");
});

Deno.test("assertStringIncludes() throws on a missing substring", () => {
  assertStringIncludes("Hello", "ell");
  mustThrow(() => assertStringIncludes("Hello", "xyz"), AssertionError, "xyz");
  mustThrow(() => assertStringIncludes("a", "b", "why"), AssertionError, "why");
});

Deno.test("assertArrayIncludes() compares items deeply", () => {
  assertArrayIncludes([1, 2, 3], [3, 1]);
  assertArrayIncludes<unknown>([{ a: 1 }, [2]], [[2], { a: 1 }]);
  assertArrayIncludes([NaN], [NaN]);
  mustThrow(() => assertArrayIncludes([1, 2], [3]), AssertionError, "missing");
  mustThrow(() => assertArrayIncludes([{ a: 1 }], [{ a: 2 }]));
  mustThrow(() => assertArrayIncludes([1], [2], "why"), AssertionError, "why");
});

Deno.test("assertGreater() and friends compare with < and >", () => {
  assertGreater(2, 1);
  assertGreaterOrEqual(2, 2);
  assertLess(1, 2);
  assertLessOrEqual(2, 2);
  mustThrow(() => assertGreater(1, 1), AssertionError, "Expect 1 > 1");
  mustThrow(() => assertGreaterOrEqual(1, 2), AssertionError, "1 >= 2");
  mustThrow(() => assertLess(2, 2), AssertionError, "2 < 2");
  mustThrow(() => assertLessOrEqual(3, 2), AssertionError, "3 <= 2");
  check(mustThrow(() => assertLess(2, 1, "why")).message === "why", "msg");
});

Deno.test("assertObjectMatch() passes when expected is a deep subset", () => {
  class Point {
    constructor(public x: number, public y: number) {}
  }
  assertObjectMatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } });
  assertObjectMatch({ p: new Point(1, 2) }, { p: { x: 1 } });
  assertObjectMatch({ list: [{ a: 1, b: 2 }] }, { list: [{ a: 1 }] });
  assertObjectMatch({ m: new Map([[1, { a: 1, b: 2 }]]) }, {
    m: new Map([[1, { a: 1 }]]),
  });
  assertObjectMatch({ d: new Date(5), r: /x/ }, { d: new Date(5), r: /x/ });
  assertObjectMatch({ a: 1 }, {});
});

Deno.test("assertObjectMatch() throws on a mismatch", () => {
  mustThrow(() => assertObjectMatch({ a: 1 }, { a: 2 }));
  mustThrow(() => assertObjectMatch({ a: 1 }, { b: 1 }));
  mustThrow(() => assertObjectMatch({ b: { c: 2 } }, { b: { c: 3 } }));
  mustThrow(() => assertObjectMatch({ list: [1] }, { list: [1, 2] }));
  mustThrow(() => assertObjectMatch({ d: new Date(5) }, { d: new Date(6) }));
  mustThrow(() => assertObjectMatch({ a: 1 }, { a: 2 }, "why"), Error, "why");
  mustThrow(
    () => assertObjectMatch(1 as unknown as Record<string, unknown>, {}),
    TypeError,
    "Cannot assertObjectMatch type number",
  );
});

Deno.test("assertThrows() returns the thrown error", () => {
  const thrown = new TypeError("hello world");
  const returned = assertThrows(() => {
    throw thrown;
  });
  check(returned === thrown, "returns the error (no class)");
  const typed: TypeError = assertThrows(
    () => {
      throw thrown;
    },
    TypeError,
    "world",
  );
  check(typed === thrown, "returns the error (with class)");
  const nonError = assertThrows(() => {
    throw "a string";
  });
  check(nonError === "a string", "non-Error values are fine without a class");
});

Deno.test("assertThrows() throws when the function does not throw", () => {
  const error = mustThrow(() => assertThrows(() => {}));
  check(error.message === "Expected function to throw.", error.message);
  mustThrow(() => assertThrows(() => {}, "why"), AssertionError, "throw: why");
  mustThrow(() => assertThrows(async () => {}), AssertionError, "to throw");
});

Deno.test("assertThrows() throws on the wrong class or message", () => {
  const fn = (): never => {
    throw new TypeError("hello world");
  };
  mustThrow(() => assertThrows(fn, RangeError), AssertionError, "RangeError");
  mustThrow(() => assertThrows(fn, TypeError, "bye"), AssertionError, "bye");
  mustThrow(
    () => assertThrows(fn, RangeError, undefined, "why"),
    AssertionError,
    ": why",
  );
  mustThrow(
    () =>
      assertThrows(() => {
        throw "a string";
      }, Error),
    AssertionError,
    "non-Error",
  );
});

Deno.test("assertRejects() resolves to the rejection reason", async () => {
  const thrown = new RangeError("out of range");
  const returned = await assertRejects(() => Promise.reject(thrown));
  check(returned === thrown, "returns the error (no class)");
  const typed: RangeError = await assertRejects(
    async () => {
      await Promise.resolve();
      throw thrown;
    },
    RangeError,
    "range",
  );
  check(typed === thrown, "returns the error (with class)");
});

Deno.test("assertRejects() rejects when the promise resolves", async () => {
  const error = await mustReject(() => assertRejects(() => Promise.resolve()));
  check(error.message === "Expected function to reject.", error.message);
  await mustReject(
    () => assertRejects(() => Promise.resolve(1), "why"),
    AssertionError,
    "reject: why",
  );
});

Deno.test("assertRejects() rejects when fn throws or returns no promise", async () => {
  await mustReject(
    () =>
      assertRejects((): Promise<never> => {
        throw new Error("sync");
      }),
    AssertionError,
    "Function throws when expected to reject",
  );
  await mustReject(
    () => assertRejects((() => 1) as unknown as () => Promise<number>),
    AssertionError,
    "Function throws when expected to reject",
  );
});

Deno.test("assertRejects() rejects on the wrong class or message", async () => {
  const fn = (): Promise<never> => Promise.reject(new TypeError("hello"));
  await mustReject(() => assertRejects(fn, RangeError), AssertionError);
  await mustReject(() => assertRejects(fn, TypeError, "bye"), AssertionError);
  await mustReject(
    () => assertRejects(() => Promise.reject("a string"), Error),
    AssertionError,
    "non-Error",
  );
});

Deno.test("fail(), unreachable() and unimplemented() always throw", () => {
  check(mustThrow(() => fail()).message === "Failed assertion.", "fail");
  check(mustThrow(() => fail("x")).message === "Failed assertion: x", "fail");
  check(mustThrow(() => unreachable()).message === "Unreachable.", "unr");
  check(mustThrow(() => unreachable("x")).message === "Unreachable: x", "u");
  check(mustThrow(() => unimplemented()).message === "Unimplemented.", "un");
  check(
    mustThrow(() => unimplemented("x")).message === "Unimplemented: x",
    "unimplemented",
  );
});

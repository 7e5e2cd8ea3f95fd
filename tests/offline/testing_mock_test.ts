// Self-tests for the offline `@std/testing/mock` stand-in. They check the
// adapter with the plain helpers below, never with the adapter itself.
import { AssertionError } from "./assert.ts";
import {
  assertSpyCall,
  assertSpyCallArg,
  assertSpyCallArgs,
  assertSpyCalls,
  type MethodSpy,
  MockError,
  resolvesNext,
  returnsNext,
  type Spy,
  spy,
  type SpyCall,
  type Stub,
  stub,
} from "./testing_mock.ts";

// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

/** Fails unless `condition` holds. */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

/** Fails unless `actual` and `expected` print the same. */
function sameShape(actual: unknown, expected: unknown, what: string): void {
  const a = Deno.inspect(actual, { depth: Infinity, sorted: true });
  const b = Deno.inspect(expected, { depth: Infinity, sorted: true });
  if (a !== b) throw new Error(`${what}: got ${a}, expected ${b}`);
}

/** Returns the error `fn` throws; fails if it does not throw `Class`. */
function mustThrow(
  fn: () => unknown,
  Class: ErrorClass,
  includes?: string,
): Error {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof Class)) {
      throw new Error(`expected ${Class.name}, got ${Deno.inspect(error)}`);
    }
    if (includes !== undefined && !error.message.includes(includes)) {
      throw new Error(`expected ${JSON.stringify(includes)} in ${error}`);
    }
    return error;
  }
  throw new Error("expected a throw, but nothing was thrown");
}

/** Returns the reason `promise` rejects with; fails unless it is a `Class`. */
async function mustReject(
  promise: Promise<unknown>,
  Class: ErrorClass,
  includes?: string,
): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof Class)) {
      throw new Error(`expected ${Class.name}, got ${Deno.inspect(error)}`);
    }
    if (includes !== undefined && !error.message.includes(includes)) {
      throw new Error(`expected ${JSON.stringify(includes)} in ${error}`);
    }
    return error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

class Counter {
  count = 0;
  add(n: number): number {
    this.count += n;
    return this.count;
  }
}

Deno.test("MockError has the std name", () => {
  const error = new MockError("x");
  check(error instanceof Error, "extends Error");
  check(error.name === "MockError", "name");
  check(error.message === "x", "message");
});

Deno.test("spy() records calls of a no-op function", () => {
  const func: Spy<unknown, [number, string], undefined> = spy();
  check(func(1, "a") === undefined, "returns undefined");
  sameShape(func.calls, [{ args: [1, "a"], returned: undefined }], "calls");
  check(!("self" in func.calls[0]!), "no self for a plain call");
  check(func.restored === false, "restored");
  mustThrow(() => func.restore(), MockError, "cannot be restored");
});

Deno.test("spy() calls through and records returns and errors", () => {
  const boom = new RangeError("boom");
  const func = spy((n: number): number => {
    if (n < 0) throw boom;
    return n * 2;
  });
  check(func(2) === 4, "calls through");
  mustThrow(() => func(-1), RangeError);
  const calls: SpyCall<unknown, [number], number>[] = func.calls;
  sameShape(
    calls,
    [{ args: [2], returned: 4 }, { args: [-1], error: boom }],
    "",
  );
  const obj = { func };
  obj.func(3);
  check(func.calls[2]?.self === obj, "records self for method calls");
});

Deno.test("spy() on a method calls through and restores it", () => {
  const counter = new Counter();
  const original = Counter.prototype.add;
  const add: MethodSpy<Counter, [number], number> = spy(counter, "add");
  check(counter.add === add, "installed");
  check(add.original === original, "original");
  check(counter.add(2) === 2 && counter.count === 2, "calls through");
  check(add.calls[0]?.self === counter, "self");
  add.restore();
  check(add.restored, "restored flag");
  check(counter.add === original, "method restored");
  check(!Object.hasOwn(counter, "add"), "inherited method: own key deleted");
  mustThrow(() => add.restore(), MockError, "already restored");
});

Deno.test("spy() is disposable with using", () => {
  const obj = { f: (): number => 1 };
  const original = obj.f;
  {
    using f = spy(obj, "f");
    obj.f();
    check(f.calls.length === 1, "recorded");
  }
  check(obj.f === original, "restored at the end of the block");
  const descriptor = Object.getOwnPropertyDescriptor(obj, "f");
  check(
    descriptor?.writable === true && descriptor.enumerable === true,
    "desc",
  );
});

Deno.test("spy() throws MockError on non-methods and double spies", () => {
  const obj = { n: 1, f: (): void => {} };
  mustThrow(() => spy(obj, "n"), MockError, "not an instance method");
  using _ = spy(obj, "f");
  mustThrow(() => spy(obj, "f"), MockError, "already spying");
  const frozen = {};
  Object.defineProperty(frozen, "g", { value: () => {}, configurable: false });
  mustThrow(() => spy(frozen as { g(): void }, "g"), MockError, "configurable");
});

Deno.test("stub() replaces a method and restores it", () => {
  const counter = new Counter();
  const add: Stub<Counter, [number], number> = stub(counter, "add", () => 42);
  check(counter.add(1) === 42, "fake used");
  check(counter.count === 0, "original not called");
  check(add.original === Counter.prototype.add, "original");
  check(typeof add.fake === "function", "fake");
  sameShape(add.calls, [{ args: [1], returned: 42, self: counter }], "calls");
  add.restore();
  check(counter.add(1) === 1, "original back");
  mustThrow(() => add.restore(), MockError, "already restored");
});

Deno.test("stub() without a fake returns undefined", () => {
  const obj = { f: (): number => 1 };
  using f = stub(obj, "f");
  check(obj.f() === undefined, "returns undefined");
  check(f.calls.length === 1, "recorded");
});

Deno.test("stub() is disposable with using and restores own methods", () => {
  const obj = { f: (): number => 1 };
  const original = obj.f;
  {
    using _ = stub(obj, "f", () => 2);
    check(obj.f() === 2, "stubbed");
  }
  check(obj.f === original, "restored");
  check(Object.getOwnPropertyDescriptor(obj, "f")?.writable === true, "desc");
});

Deno.test("stub() accepts a missing method", () => {
  const obj: { f?: () => number } = {};
  {
    using _ = stub(obj, "f", () => 3);
    check(obj.f?.() === 3, "stubbed");
  }
  check(!("f" in obj), "removed again");
});

Deno.test("stub() throws MockError on stubbed or non-configurable methods", () => {
  const obj = { n: 1, f: (): number => 1 };
  mustThrow(() => stub(obj, "n"), MockError, "not an instance method");
  using _ = stub(obj, "f");
  mustThrow(() => stub(obj, "f"), MockError, "already spying");
  mustThrow(() => spy(obj, "f"), MockError, "already spying");
  const fixed = {};
  Object.defineProperty(fixed, "g", { value: () => 1, configurable: false });
  mustThrow(
    () => stub(fixed as { g(): number }, "g"),
    MockError,
    "non-configurable",
  );
});

Deno.test("assertSpyCalls() throws AssertionError on the wrong count", () => {
  const func = spy();
  assertSpyCalls(func, 0);
  func();
  assertSpyCalls(func, 1);
  mustThrow(() => assertSpyCalls(func, 2), AssertionError, "not called as");
  mustThrow(() => assertSpyCalls(func, 0), AssertionError, "more than");
});

Deno.test("assertSpyCall() checks args, self and the returned value", () => {
  const counter = new Counter();
  using add = spy(counter, "add");
  counter.add(5);
  assertSpyCall(add, 0);
  assertSpyCall(add, 0, { args: [5], self: counter, returned: 5 });
  assertSpyCall(add, 0, { args: [5] });
  mustThrow(() => assertSpyCall(add, 1), AssertionError, "not called as much");
  mustThrow(() => assertSpyCall(add, 0, { args: [6] }), AssertionError, "args");
  mustThrow(
    () => assertSpyCall(add, 0, { self: new Counter() }),
    AssertionError,
    "expected self",
  );
  mustThrow(
    () => assertSpyCall(add, 0, { returned: 6 }),
    AssertionError,
    "did not return expected value",
  );
  mustThrow(
    () => assertSpyCall(add, 0, { error: { Class: Error } }),
    AssertionError,
    "a value was returned",
  );
  mustThrow(
    () => assertSpyCall(add, 0, { returned: 5, error: {} }),
    TypeError,
    "only one should be expected",
  );
});

Deno.test("assertSpyCall() checks the thrown error", () => {
  const func = spy((): never => {
    throw new TypeError("bad input");
  });
  mustThrow(() => func(), TypeError);
  assertSpyCall(func, 0, { error: { Class: TypeError, msgIncludes: "bad" } });
  mustThrow(
    () => assertSpyCall(func, 0, { error: { Class: RangeError } }),
    AssertionError,
  );
  mustThrow(
    () => assertSpyCall(func, 0, { error: { msgIncludes: "good" } }),
    AssertionError,
  );
  mustThrow(
    () => assertSpyCall(func, 0, { returned: undefined }),
    AssertionError,
    "an error was thrown",
  );
});

Deno.test("assertSpyCallArgs() and assertSpyCallArg() compare arguments", () => {
  const func = spy();
  func(1, { a: 2 }, "c");
  sameShape(
    assertSpyCallArgs(func, 0, [1, { a: 2 }, "c"]),
    [1, { a: 2 }, "c"],
    "all",
  );
  assertSpyCallArgs(func, 0, 1, [{ a: 2 }, "c"]);
  assertSpyCallArgs(func, 0, 1, 2, [{ a: 2 }]);
  check(assertSpyCallArg(func, 0, 2, "c") === "c", "single arg");
  mustThrow(() => assertSpyCallArgs(func, 0, [1]), AssertionError);
  mustThrow(
    () => assertSpyCallArgs(func, 0, 1, [{ a: 3 }, "c"]),
    AssertionError,
  );
  mustThrow(() => assertSpyCallArg(func, 0, 0, 2), AssertionError);
  mustThrow(() => assertSpyCallArgs(func, 1, []), AssertionError);
});

Deno.test("returnsNext() returns values in order, then throws MockError", () => {
  const boom = new Error("boom");
  const next = returnsNext<number>([1, boom, 2]);
  check(next() === 1, "first");
  check(mustThrow(() => next(), Error) === boom, "throws Error values");
  check(next() === 2, "third");
  mustThrow(() => next(), MockError, "more than 3 time(s)");
});

Deno.test("resolvesNext() resolves values in order, then rejects", async () => {
  const boom = new Error("boom");
  const next = resolvesNext<number>([1, Promise.resolve(2), boom]);
  check(await next() === 1, "first");
  check(await next() === 2, "awaits promises");
  check(await mustReject(next(), Error) === boom, "rejects Error values");
  await mustReject(next(), MockError, "more than 3 time(s)");
  const fromAsync = resolvesNext((async function* (): AsyncGenerator<number> {
    yield 7;
  })());
  check(await fromAsync() === 7, "async iterable");
});

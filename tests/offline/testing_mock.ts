/**
 * Offline stand-in for `@std/testing/mock`.
 *
 * This module is used only through `tests/offline/import_map.json`, so that
 * the test suite can run on machines that cannot reach jsr.io. It is our own
 * small implementation of the std spies, stubs and spy assertions the tests
 * use, with the same types, shapes and pass/fail behaviour (constructor
 * spies and mock sessions are not provided). The real dependency is the
 * `@std/testing` that `deno.json` declares.
 *
 * @module
 */

import {
  assertEquals,
  AssertionError,
  assertIsError,
  equal,
} from "./assert.ts";

/**
 * An error related to spying on a function or instance method.
 *
 * @example Usage
 * ```ts
 * import { MockError } from "@std/testing/mock";
 *
 * const error = new MockError("Cannot stub: already spying on instance method");
 * ```
 */
export class MockError extends Error {
  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   */
  constructor(message: string) {
    super(message);
    this.name = "MockError";
  }
}

/** Call information recorded by a spy. */
export interface SpyCall<
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
  // deno-lint-ignore no-explicit-any
  Return = any,
> {
  /** Arguments passed to a function when called. */
  args: Args;
  /** The value that was returned by a function. */
  returned?: Return;
  /** The error value that was thrown by a function. */
  error?: Error;
  /** The instance that a method was called on. */
  self?: Self;
}

/** A function or instance method wrapper that records all calls made to it. */
export interface Spy<
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
  // deno-lint-ignore no-explicit-any
  Return = any,
> {
  (this: Self, ...args: Args): Return;
  /** The function that is being spied on. */
  original: (this: Self, ...args: Args) => Return;
  /** Information about calls made to the function or instance method. */
  calls: SpyCall<Self, Args, Return>[];
  /** Whether or not the original instance method has been restored. */
  restored: boolean;
  /** If spying on an instance method, this restores the original one. */
  restore(): void;
}

/** An instance method wrapper that records all calls made to it. */
export interface MethodSpy<
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
  // deno-lint-ignore no-explicit-any
  Return = any,
> extends Spy<Self, Args, Return>, Disposable {}

/** An instance method replacement that records all calls made to it. */
export interface Stub<
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
  // deno-lint-ignore no-explicit-any
  Return = any,
> extends MethodSpy<Self, Args, Return> {
  /** The function that is used instead of the original. */
  fake: (this: Self, ...args: Args) => Return;
}

/** A spy, as accepted by the spy assertions. */
export type SpyLike<
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
  // deno-lint-ignore no-explicit-any
  Return = any,
> = Spy<Self, Args, Return>;

/** Gets the parameter types of the method `Prop` of `Self`. */
export type GetParametersFromProp<
  Self,
  Prop extends keyof Self,
> = Self[Prop] extends (...args: infer Args) => unknown ? Args : unknown[];

/** Gets the return type of the method `Prop` of `Self`. */
export type GetReturnFromProp<
  Self,
  Prop extends keyof Self,
> // deno-lint-ignore no-explicit-any
 = Self[Prop] extends (...args: any[]) => infer Return ? Return : unknown;

/** Call information that {@linkcode assertSpyCall} checks. */
export interface ExpectedSpyCall<
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
  // deno-lint-ignore no-explicit-any
  Return = any,
> {
  /** Arguments passed to a function when called. */
  args?: [...Args, ...unknown[]];
  /** The instance that a method was called on. */
  self?: Self;
  /** The value that was returned by a function. */
  returned?: Return;
  /** The expected thrown error. */
  error?: {
    /** The class for the error that was thrown by a function. */
    // deno-lint-ignore no-explicit-any
    Class?: new (...args: any[]) => Error;
    /** Part of the message for the error that was thrown by a function. */
    msgIncludes?: string;
  };
}

type Fn<Self, Args extends unknown[], Return> = (
  this: Self,
  ...args: Args
) => Return;

function isSpy(value: unknown): boolean {
  if (typeof value !== "function") return false;
  const candidate = value as unknown as Record<string, unknown>;
  return typeof candidate.original === "function" &&
    typeof candidate.restored === "boolean" &&
    typeof candidate.restore === "function" &&
    Array.isArray(candidate.calls);
}

/**
 * Builds the recording wrapper around `impl`, with the std spy properties.
 * `restore` is undefined for plain function spies, which cannot be restored;
 * `fake` is given for stubs only.
 */
function recorder<Self, Args extends unknown[], Return>(
  impl: Fn<Self, Args, Return>,
  original: Fn<Self, Args, Return>,
  restore?: () => void,
  fake?: Fn<Self, Args, Return>,
): Spy<Self, Args, Return> {
  const calls: SpyCall<Self, Args, Return>[] = [];
  let restored = false;
  const wrapper = function (this: Self, ...args: Args): Return {
    const call: SpyCall<Self, Args, Return> = { args };
    if (this) call.self = this;
    try {
      call.returned = impl.apply(this, args);
      return call.returned;
    } catch (error) {
      call.error = error as Error;
      throw error;
    } finally {
      calls.push(call);
    }
  } as Spy<Self, Args, Return>;
  Object.defineProperties(wrapper, {
    original: { enumerable: true, value: original },
    ...(fake ? { fake: { enumerable: true, value: fake } } : {}),
    calls: { enumerable: true, value: calls },
    restored: { enumerable: true, get: () => restored },
    restore: {
      enumerable: true,
      value: () => {
        if (!restore) {
          throw new MockError("Cannot restore: function cannot be restored");
        }
        if (restored) {
          throw new MockError(
            "Cannot restore: instance method already restored",
          );
        }
        restore();
        restored = true;
      },
    },
  });
  if (restore) {
    Object.defineProperty(wrapper, Symbol.dispose, {
      value: () => wrapper.restore(),
    });
  }
  return wrapper;
}

/**
 * Replaces `self[property]` with a recorder of `fake`, or of the original
 * method when there is no fake; `verb` is used in error messages.
 */
function replaceMethod<Self, Args extends unknown[], Return>(
  verb: "spy" | "stub",
  self: Self,
  property: keyof Self,
  fake?: Fn<Self, Args, Return>,
): MethodSpy<Self, Args, Return> {
  const current = self[property];
  const isMissing = verb === "stub" && current === undefined;
  if (!isMissing && typeof current !== "function") {
    throw new MockError(`Cannot ${verb}: property is not an instance method`);
  }
  if (isSpy(current)) {
    throw new MockError(`Cannot ${verb}: already spying on instance method`);
  }
  const descriptor = Object.getOwnPropertyDescriptor(self, property);
  if (descriptor && !descriptor.configurable) {
    throw new MockError(`Cannot ${verb}: non-configurable instance method`);
  }
  const original = current as unknown as Fn<Self, Args, Return>;
  const restore = (): void => {
    if (descriptor) Object.defineProperty(self, property, descriptor);
    else delete self[property];
  };
  const wrapper = recorder(
    fake ?? original,
    original,
    restore,
    fake,
  ) as MethodSpy<Self, Args, Return>;
  Object.defineProperty(self, property, {
    configurable: true,
    enumerable: descriptor?.enumerable ?? false,
    writable: descriptor?.writable ?? false,
    value: wrapper,
  });
  return wrapper;
}

/**
 * Creates a spy function that records calls and returns `undefined`.
 *
 * @typeParam Self The `this` type of the spy.
 * @typeParam Args The arguments of the spy.
 * @typeParam Return The return type of the spy.
 * @returns The spy function.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCalls, spy } from "@std/testing/mock";
 *
 * const func = spy();
 * func();
 * assertSpyCalls(func, 1);
 * ```
 */
export function spy<
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
  Return = undefined,
>(): Spy<Self, Args, Return>;
/**
 * Wraps a function with a spy that records calls and calls through.
 *
 * @typeParam Self The `this` type of the function.
 * @typeParam Args The arguments of the function.
 * @typeParam Return The return type of the function.
 * @param func The function to spy on.
 * @returns The spy function.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCall, spy } from "@std/testing/mock";
 *
 * const double = spy((n: number) => n * 2);
 * double(3);
 * assertSpyCall(double, 0, { args: [3], returned: 6 });
 * ```
 */
export function spy<
  Self,
  Args extends unknown[],
  Return,
>(func: (this: Self, ...args: Args) => Return): Spy<Self, Args, Return>;
/**
 * Replaces the instance method `self[property]` with a spy that calls the
 * original. Restore it with `.restore()` or `using`.
 *
 * @typeParam Self The type of the instance.
 * @typeParam Prop The name of the method.
 * @param self The instance holding the method.
 * @param property The name of the method to spy on.
 * @returns The method spy.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCalls, spy } from "@std/testing/mock";
 *
 * const obj = { f: () => 1 };
 * using f = spy(obj, "f");
 * obj.f();
 * assertSpyCalls(f, 1);
 * ```
 */
export function spy<
  Self,
  Prop extends keyof Self,
>(
  self: Self,
  property: Prop,
): MethodSpy<
  Self,
  GetParametersFromProp<Self, Prop>,
  GetReturnFromProp<Self, Prop>
>;
export function spy<Self, Args extends unknown[], Return>(
  funcOrSelf?: Fn<Self, Args, Return> | Self,
  property?: keyof Self,
): Spy<Self, Args, Return> {
  if (!funcOrSelf) {
    const noop = (() => undefined) as unknown as Fn<Self, Args, Return>;
    return recorder(noop, noop);
  }
  if (property !== undefined) {
    return replaceMethod<Self, Args, Return>(
      "spy",
      funcOrSelf as Self,
      property,
    );
  }
  const func = funcOrSelf as Fn<Self, Args, Return>;
  if (Function.prototype.toString.call(func).startsWith("class")) {
    throw new MockError(
      "Cannot spy: constructor spies are not supported offline",
    );
  }
  return recorder(func, func);
}

/**
 * Replaces the instance method `self[property]` with a stub that records
 * calls and runs `func` (or returns `undefined`). Restore it with
 * `.restore()` or `using`.
 *
 * @typeParam Self The type of the instance.
 * @typeParam Prop The name of the method.
 * @param self The instance holding the method.
 * @param property The name of the method to stub.
 * @returns The stub.
 *
 * @example Usage
 * ```ts ignore
 * import { stub } from "@std/testing/mock";
 *
 * using _ = stub(Math, "random", () => 0.5);
 * Math.random(); // 0.5
 * ```
 */
export function stub<
  Self,
  Prop extends keyof Self,
>(
  self: Self,
  property: Prop,
): Stub<Self, GetParametersFromProp<Self, Prop>, GetReturnFromProp<Self, Prop>>;
/**
 * Replaces the instance method `self[property]` with a stub that records
 * calls and runs `func`. Restore it with `.restore()` or `using`.
 *
 * @typeParam Self The type of the instance.
 * @typeParam Prop The name of the method.
 * @param self The instance holding the method.
 * @param property The name of the method to stub.
 * @param func The fake implementation.
 * @returns The stub.
 *
 * @example Usage
 * ```ts ignore
 * import { stub } from "@std/testing/mock";
 *
 * using _ = stub(Date, "now", () => 0);
 * Date.now(); // 0
 * ```
 */
export function stub<
  Self,
  Prop extends keyof Self,
>(
  self: Self,
  property: Prop,
  func: (
    this: Self,
    ...args: GetParametersFromProp<Self, Prop>
  ) => GetReturnFromProp<Self, Prop>,
): Stub<Self, GetParametersFromProp<Self, Prop>, GetReturnFromProp<Self, Prop>>;
export function stub<Self, Args extends unknown[], Return>(
  self: Self,
  property: keyof Self,
  func?: Fn<Self, Args, Return>,
): Stub<Self, Args, Return> {
  const fake = func ?? (() => undefined) as unknown as Fn<Self, Args, Return>;
  const wrapper = replaceMethod<Self, Args, Return>(
    "stub",
    self,
    property,
    fake,
  ) as Stub<Self, Args, Return>;
  return wrapper;
}

/** Formats a value for a failure message. */
function show(value: unknown): string {
  return Deno.inspect(value, { depth: Infinity, sorted: true, colors: false });
}

/** Throws an AssertionError with `title` if `actual` and `expected` differ. */
function expectEqual(title: string, actual: unknown, expected: unknown): void {
  if (equal(actual, expected)) return;
  throw new AssertionError(
    `${title}:\n    actual:   ${show(actual)}\n    expected: ${show(expected)}`,
  );
}

function getCall(spy: SpyLike, callIndex: number): SpyCall {
  const call = spy.calls[callIndex];
  if (call === undefined) {
    throw new AssertionError("Spy not called as much as expected");
  }
  return call;
}

/**
 * Asserts that a spy is called as much as expected and no more.
 *
 * @typeParam Self The `this` type of the spy.
 * @typeParam Args The arguments of the spy.
 * @typeParam Return The return type of the spy.
 * @param spy The spy to check.
 * @param expectedCalls The number of calls expected.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCalls, spy } from "@std/testing/mock";
 *
 * const func = spy();
 * func();
 * assertSpyCalls(func, 1); // Doesn't throw
 * assertSpyCalls(func, 2); // Throws
 * ```
 */
export function assertSpyCalls<Self, Args extends unknown[], Return>(
  spy: SpyLike<Self, Args, Return>,
  expectedCalls: number,
): void {
  const actual = spy.calls.length;
  if (actual === expectedCalls) return;
  const title = actual < expectedCalls
    ? "Spy not called as much as expected"
    : "Spy called more than expected";
  throw new AssertionError(
    `${title}:\n    actual calls:   ${actual}\n    expected calls: ${expectedCalls}`,
  );
}

/**
 * Asserts that a spy is called as expected: with `args` (a prefix is
 * enough), on `self`, returning `returned` or throwing `error`.
 *
 * @typeParam Self The `this` type of the spy.
 * @typeParam Args The arguments of the spy.
 * @typeParam Return The return type of the spy.
 * @param spy The spy to check.
 * @param callIndex The index of the call to check.
 * @param expected The expected call information.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCall, spy } from "@std/testing/mock";
 *
 * const func = spy((a: number) => a + 1);
 * func(1);
 * assertSpyCall(func, 0, { args: [1], returned: 2 }); // Doesn't throw
 * ```
 */
export function assertSpyCall<Self, Args extends unknown[], Return>(
  spy: SpyLike<Self, Args, Return>,
  callIndex: number,
  expected?: ExpectedSpyCall<Self, Args, Return>,
): void {
  const call = getCall(spy, callIndex);
  if (!expected) return;
  if (expected.args) {
    expectEqual("Spy not called with expected args", call.args, expected.args);
  }
  if ("self" in expected) {
    expectEqual(
      expected.self
        ? "Spy not called as method on expected self"
        : "Spy not expected to be called as method on object",
      call.self,
      expected.self,
    );
  }
  if ("returned" in expected) {
    if ("error" in expected) {
      throw new TypeError(
        "Do not expect error and return, only one should be expected",
      );
    }
    if (call.error) {
      throw new AssertionError(
        "Spy call did not return expected value, an error was thrown.",
      );
    }
    expectEqual(
      "Spy call did not return expected value",
      call.returned,
      expected.returned,
    );
  }
  if ("error" in expected) {
    if ("returned" in call) {
      throw new AssertionError(
        "Spy call did not throw an error, a value was returned.",
      );
    }
    assertIsError(
      call.error,
      expected.error?.Class,
      expected.error?.msgIncludes,
    );
  }
}

/**
 * Asserts that a spy is called with a specific argument.
 *
 * @typeParam Self The `this` type of the spy.
 * @typeParam Args The arguments of the spy.
 * @typeParam Return The return type of the spy.
 * @typeParam ExpectedArg The expected argument type.
 * @param spy The spy to check.
 * @param callIndex The index of the call to check.
 * @param argIndex The index of the argument to check.
 * @param expected The expected argument.
 * @returns The actual argument.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCallArg, spy } from "@std/testing/mock";
 *
 * const func = spy();
 * func(7);
 * assertSpyCallArg(func, 0, 0, 7); // Doesn't throw
 * ```
 */
export function assertSpyCallArg<
  Self,
  Args extends unknown[],
  Return,
  ExpectedArg,
>(
  spy: SpyLike<Self, Args, Return>,
  callIndex: number,
  argIndex: number,
  expected: ExpectedArg,
): ExpectedArg {
  const arg = getCall(spy, callIndex).args[argIndex];
  assertEquals(arg, expected);
  return arg as ExpectedArg;
}

/**
 * Asserts that a spy is called with specific arguments.
 *
 * @typeParam Self The `this` type of the spy.
 * @typeParam Args The arguments of the spy.
 * @typeParam Return The return type of the spy.
 * @typeParam ExpectedArgs The expected arguments type.
 * @param spy The spy to check.
 * @param callIndex The index of the call to check.
 * @param expected The expected arguments (all of them).
 * @returns The actual arguments.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCallArgs, spy } from "@std/testing/mock";
 *
 * const func = spy();
 * func(1, 2);
 * assertSpyCallArgs(func, 0, [1, 2]); // Doesn't throw
 * ```
 */
export function assertSpyCallArgs<
  Self,
  Args extends unknown[],
  Return,
  ExpectedArgs extends unknown[],
>(
  spy: SpyLike<Self, Args, Return>,
  callIndex: number,
  expected: ExpectedArgs,
): ExpectedArgs;
/**
 * Asserts that a spy is called with specific arguments, from `argsStart`.
 *
 * @typeParam Self The `this` type of the spy.
 * @typeParam Args The arguments of the spy.
 * @typeParam Return The return type of the spy.
 * @typeParam ExpectedArgs The expected arguments type.
 * @param spy The spy to check.
 * @param callIndex The index of the call to check.
 * @param argsStart The index of the first argument to check.
 * @param expected The expected arguments.
 * @returns The actual arguments.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCallArgs, spy } from "@std/testing/mock";
 *
 * const func = spy();
 * func(1, 2);
 * assertSpyCallArgs(func, 0, 1, [2]); // Doesn't throw
 * ```
 */
export function assertSpyCallArgs<
  Self,
  Args extends unknown[],
  Return,
  ExpectedArgs extends unknown[],
>(
  spy: SpyLike<Self, Args, Return>,
  callIndex: number,
  argsStart: number,
  expected: ExpectedArgs,
): ExpectedArgs;
/**
 * Asserts that a spy is called with specific arguments, in
 * `[argsStart, argsEnd)`.
 *
 * @typeParam Self The `this` type of the spy.
 * @typeParam Args The arguments of the spy.
 * @typeParam Return The return type of the spy.
 * @typeParam ExpectedArgs The expected arguments type.
 * @param spy The spy to check.
 * @param callIndex The index of the call to check.
 * @param argsStart The index of the first argument to check.
 * @param argsEnd The index after the last argument to check.
 * @param expected The expected arguments.
 * @returns The actual arguments.
 *
 * @example Usage
 * ```ts ignore
 * import { assertSpyCallArgs, spy } from "@std/testing/mock";
 *
 * const func = spy();
 * func(1, 2, 3);
 * assertSpyCallArgs(func, 0, 1, 2, [2]); // Doesn't throw
 * ```
 */
export function assertSpyCallArgs<
  Self,
  Args extends unknown[],
  Return,
  ExpectedArgs extends unknown[],
>(
  spy: SpyLike<Self, Args, Return>,
  callIndex: number,
  argsStart: number,
  argsEnd: number,
  expected: ExpectedArgs,
): ExpectedArgs;
export function assertSpyCallArgs<
  Self,
  Args extends unknown[],
  Return,
  ExpectedArgs extends unknown[],
>(
  spy: SpyLike<Self, Args, Return>,
  callIndex: number,
  argsStart?: number | ExpectedArgs,
  argsEnd?: number | ExpectedArgs,
  expected?: ExpectedArgs,
): ExpectedArgs {
  const call = getCall(spy, callIndex);
  if (!expected) {
    expected = argsEnd as ExpectedArgs;
    argsEnd = undefined;
  }
  if (!expected) {
    expected = argsStart as ExpectedArgs;
    argsStart = undefined;
  }
  const start = typeof argsStart === "number" ? argsStart : 0;
  const end = typeof argsEnd === "number" ? argsEnd : undefined;
  const args = call.args.slice(start, end);
  assertEquals(args, expected);
  return args as ExpectedArgs;
}

/**
 * Creates a function that returns the given values in order, one per call;
 * an `Error` value is thrown instead of returned. Calling it once more than
 * there are values throws a {@linkcode MockError}.
 *
 * @typeParam Return The type of each returned value.
 * @typeParam Self The `this` type of the function.
 * @typeParam Args The arguments of the function.
 * @param values The values to return (or errors to throw).
 * @returns The function.
 *
 * @example Usage
 * ```ts ignore
 * import { returnsNext } from "@std/testing/mock";
 *
 * const next = returnsNext([1, 2]);
 * next(); // 1
 * next(); // 2
 * ```
 */
export function returnsNext<
  Return,
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
>(values: Iterable<Return | Error>): (this: Self, ...args: Args) => Return {
  let iterator: Iterator<Return | Error> | undefined;
  let calls = 0;
  return function (): Return {
    iterator ??= values[Symbol.iterator]();
    const next = iterator.next();
    if (next.done) {
      throw new MockError(
        `Not expected to be called more than ${calls} time(s)`,
      );
    }
    calls++;
    if (next.value instanceof Error) throw next.value;
    return next.value;
  };
}

function isAsyncIterable<T>(
  value: Iterable<T> | AsyncIterable<T>,
): value is AsyncIterable<T> {
  return typeof (value as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] ===
    "function";
}

/**
 * Creates an async function that resolves to the given values in order,
 * one per call; an `Error` value (or a rejected promise) rejects instead.
 * Calling it once more than there are values rejects with a
 * {@linkcode MockError}.
 *
 * @typeParam Return The type of each resolved value.
 * @typeParam Self The `this` type of the function.
 * @typeParam Args The arguments of the function.
 * @param iterable The values to resolve to (or errors to reject with).
 * @returns The async function.
 *
 * @example Usage
 * ```ts ignore
 * import { resolvesNext } from "@std/testing/mock";
 *
 * const next = resolvesNext([1, 2]);
 * await next(); // 1
 * ```
 */
export function resolvesNext<
  Return,
  // deno-lint-ignore no-explicit-any
  Self = any,
  // deno-lint-ignore no-explicit-any
  Args extends unknown[] = any[],
>(
  iterable:
    | Iterable<Return | Error | Promise<Return | Error>>
    | AsyncIterable<Return | Error | Promise<Return | Error>>,
): (this: Self, ...args: Args) => Promise<Return> {
  type Item = Return | Error | Promise<Return | Error>;
  let iterator: Iterator<Item> | AsyncIterator<Item> | undefined;
  let calls = 0;
  return async function (): Promise<Return> {
    iterator ??= isAsyncIterable(iterable)
      ? iterable[Symbol.asyncIterator]()
      : iterable[Symbol.iterator]();
    const next = await iterator.next();
    if (next.done) {
      throw new MockError(
        `Not expected to be called more than ${calls} time(s)`,
      );
    }
    const value = await next.value;
    calls++;
    if (value instanceof Error) throw value;
    return value;
  };
}

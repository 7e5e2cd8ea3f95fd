/**
 * The socket-activation environment parser behind `env.ts` (the public
 * entry) and `ListenFds.fromEnv()`, with the protocol's constants and the
 * parsers of each variable.
 *
 * @module
 */

import { ListenFdsError } from "./_errors.ts";
import { isCanonicalDecimal } from "./_environment.ts";

/** The first passed fd when `LISTEN_FDS_FIRST_FD` is not set (`SD_LISTEN_FDS_START`). */
export const LISTEN_FDS_START = 3;

/** The largest `LISTEN_FDS` libsystemd accepts: `INT_MAX - 3`. */
export const LISTEN_FDS_MAX = 2147483644;

/** The name of every fd when `LISTEN_FDNAMES` is not set. */
export const UNKNOWN_NAME = "unknown";

/** Every environment variable of the protocol, removed after reading. */
export const LISTEN_VARIABLES: readonly string[] = Object.freeze([
  "LISTEN_PID",
  "LISTEN_PIDFDID",
  "LISTEN_FDS",
  "LISTEN_FDNAMES",
  "LISTEN_FDS_FIRST_FD",
]);

/**
 * An environment record for {@linkcode parseListenEnv}: each value as text,
 * or as raw bytes when it is not valid UTF-8.
 */
export type ListenEnvRecord = Readonly<
  Record<string, string | Uint8Array | undefined>
>;

const INT_MAX = 2147483647;
const U64_MAX = 18446744073709551615n;

/** The socket-activation environment, validated. */
export interface ListenEnv {
  /** How many fds were passed (`LISTEN_FDS`). */
  count: number;
  /** The first passed fd (`LISTEN_FDS_FIRST_FD`, else 3). */
  firstFd: number;
  /**
   * One name per fd, in fd order, from `LISTEN_FDNAMES`; `undefined` when the
   * variable is absent, and then every fd is named `"unknown"`. (Not filled in
   * here: `LISTEN_FDS` may announce far more fds than the process has.)
   */
  names: readonly string[] | undefined;
  /** `LISTEN_PID`, when present (it matched `pid` if one was given). */
  pid: number | undefined;
  /** `LISTEN_PIDFDID`, when present. */
  pidfdId: bigint | undefined;
  /**
   * Whether `LISTEN_PIDFDID` was compared with this process's own pidfd id:
   * `false` when it is absent or when the own id could not be obtained.
   */
  pidfdIdVerified: boolean;
}

/** Options of {@linkcode parseListenEnv}. */
export interface ParseListenEnvOptions {
  /**
   * This process's pid, compared with `LISTEN_PID`. Without it `LISTEN_PID`
   * is only checked for syntax.
   */
  pid?: number;
  /**
   * Returns this process's pidfd inode id, compared with `LISTEN_PIDFDID`, or
   * `undefined` when it cannot be obtained (then the check is skipped). Only
   * called when `LISTEN_PIDFDID` is present. Without it `LISTEN_PIDFDID` is
   * only checked for syntax.
   */
  pidfdId?: () => bigint | undefined;
}

/**
 * Parses and validates the `LISTEN_*` variables of an environment record.
 *
 * Checks run in this order, and the first failure is thrown: `LISTEN_PID`
 * (syntax, then match with `pid`), `LISTEN_PIDFDID` (syntax, then match),
 * `LISTEN_FDS`, `LISTEN_FDS_FIRST_FD`, `LISTEN_FDNAMES` (syntax, then count).
 *
 * @param env The environment, e.g. `Deno.env.toObject()`; a value that is not
 * valid UTF-8 can be given as its bytes.
 * @param options This process's pid and pidfd id, to check them.
 * @returns The validated environment, or `undefined` when `LISTEN_FDS` is
 * absent (the process was not socket-activated).
 * @throws {ListenFdsError} With the code of the first rule broken, naming the
 * variable and its value.
 *
 * @example Usage
 * ```ts
 * import { parseListenEnv } from "./_env.ts";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * assertEquals(parseListenEnv({}), undefined);
 * assertEquals(parseListenEnv({ LISTEN_FDS: "1" })?.count, 1);
 * assertThrows(() => parseListenEnv({ LISTEN_FDS: "010" }));
 * ```
 */
export function parseListenEnv(
  env: ListenEnvRecord,
  options: ParseListenEnvOptions = {},
): ListenEnv | undefined {
  if (env.LISTEN_FDS === undefined) return undefined;
  const pid = checkPid(env, options.pid);
  const { pidfdId, pidfdIdVerified } = checkPidfdId(env, options.pidfdId);
  const { count, firstFd } = parseListenFdRange(env);
  const names = readNames(env, count);
  return {
    count,
    firstFd,
    names: names && Object.freeze(names),
    pid,
    pidfdId,
    pidfdIdVerified,
  };
}

/** `LISTEN_PID`, checked against this process's pid when one is given. */
function checkPid(
  env: ListenEnvRecord,
  own: number | undefined,
): number | undefined {
  const value = numberText("LISTEN_PID", env.LISTEN_PID, "INVALID_LISTEN_PID");
  const pid = parseListenPid(value);
  if (pid !== undefined && own !== undefined && pid !== own) {
    throw new ListenFdsError(
      `Cannot use LISTEN_PID: value is "${value}" but this process is ${own}; ` +
        `the variables are meant for another process, usually because the service was started through a ` +
        `wrapper that forks (deno task, a shell, npm's .bin/deno): exec the deno binary directly`,
      { code: "PID_MISMATCH", variable: "LISTEN_PID", value },
    );
  }
  return pid;
}

/** `LISTEN_PIDFDID`, checked against this process's pidfd id if known. */
function checkPidfdId(
  env: ListenEnvRecord,
  ownId: (() => bigint | undefined) | undefined,
): { pidfdId: bigint | undefined; pidfdIdVerified: boolean } {
  const value = numberText(
    "LISTEN_PIDFDID",
    env.LISTEN_PIDFDID,
    "INVALID_LISTEN_PIDFDID",
  );
  const pidfdId = parseListenPidfdId(value);
  if (pidfdId === undefined || !ownId) {
    return { pidfdId, pidfdIdVerified: false };
  }
  const own = ownId();
  if (own !== undefined && own !== pidfdId) {
    throw new ListenFdsError(
      `Cannot use LISTEN_PIDFDID: value is "${value}" but this process's pidfd id is ${own}; ` +
        `the variables are meant for another process`,
      { code: "PIDFDID_MISMATCH", variable: "LISTEN_PIDFDID", value },
    );
  }
  return { pidfdId, pidfdIdVerified: own !== undefined };
}

/** `LISTEN_FDNAMES`, which must name `count` fds when present. */
function readNames(
  env: ListenEnvRecord,
  count: number,
): string[] | undefined {
  const value = nameText(env.LISTEN_FDNAMES);
  const names = parseListenFdNames(value);
  if (names !== undefined && names.length !== count) {
    throw new ListenFdsError(
      `Cannot use LISTEN_FDNAMES: value is "${value}" with ${names.length} ${
        names.length === 1 ? "name" : "names"
      } but LISTEN_FDS is ${count}`,
      { code: "FDNAMES_COUNT_MISMATCH", variable: "LISTEN_FDNAMES", value },
    );
  }
  return names;
}

/**
 * Parses `LISTEN_FDS` and `LISTEN_FDS_FIRST_FD` only: which fds were passed.
 *
 * @param env The environment (values as text, or as bytes when they are not
 * valid UTF-8).
 * @returns The count and the first fd.
 * @throws {ListenFdsError} `INVALID_LISTEN_FDS` or
 * `INVALID_LISTEN_FDS_FIRST_FD` (also when the range would pass the largest
 * fd number: `LISTEN_FDS_FIRST_FD` moved it there).
 *
 * @example Usage
 * ```ts
 * import { parseListenFdRange } from "./_env.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(
 *   parseListenFdRange({ LISTEN_FDS: "2", LISTEN_FDS_FIRST_FD: "7" }),
 *   { count: 2, firstFd: 7 },
 * );
 * ```
 */
export function parseListenFdRange(
  env: ListenEnvRecord,
): { count: number; firstFd: number } {
  const countValue =
    numberText("LISTEN_FDS", env.LISTEN_FDS, "INVALID_LISTEN_FDS") ?? "";
  const count = parseDecimal("LISTEN_FDS", countValue, {
    code: "INVALID_LISTEN_FDS",
    min: 1,
    max: LISTEN_FDS_MAX,
  });
  const firstValue = numberText(
    "LISTEN_FDS_FIRST_FD",
    env.LISTEN_FDS_FIRST_FD,
    "INVALID_LISTEN_FDS_FIRST_FD",
  );
  const firstFd = firstValue === undefined
    ? LISTEN_FDS_START
    : parseDecimal("LISTEN_FDS_FIRST_FD", firstValue, {
      code: "INVALID_LISTEN_FDS_FIRST_FD",
      min: LISTEN_FDS_START,
      max: INT_MAX,
    });
  const last = firstFd + count - 1;
  if (last > INT_MAX) {
    // Only a LISTEN_FDS_FIRST_FD can move the range this far: from fd 3,
    // every valid LISTEN_FDS ends at INT_MAX at most.
    throw new ListenFdsError(
      `Cannot use LISTEN_FDS_FIRST_FD: value is "${firstValue}" but ${count} fds (LISTEN_FDS) from there would pass ${INT_MAX}`,
      {
        code: "INVALID_LISTEN_FDS_FIRST_FD",
        variable: "LISTEN_FDS_FIRST_FD",
        value: firstValue,
      },
    );
  }
  return { count, firstFd };
}

/**
 * Parses `LISTEN_PID`: a canonical decimal greater than 0.
 *
 * @param value The variable's value.
 * @returns The pid, or `undefined` when the variable is absent.
 * @throws {ListenFdsError} `INVALID_LISTEN_PID`.
 *
 * @example Usage
 * ```ts
 * import { parseListenPid } from "./_env.ts";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * assertEquals(parseListenPid("1234"), 1234);
 * assertThrows(() => parseListenPid("0"));
 * ```
 */
export function parseListenPid(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return parseDecimal("LISTEN_PID", value, {
    code: "INVALID_LISTEN_PID",
    min: 1,
    max: INT_MAX,
  });
}

/**
 * Parses `LISTEN_PIDFDID`: a canonical decimal unsigned 64-bit integer.
 *
 * @param value The variable's value.
 * @returns The id, or `undefined` when the variable is absent.
 * @throws {ListenFdsError} `INVALID_LISTEN_PIDFDID`.
 *
 * @example Usage
 * ```ts
 * import { parseListenPidfdId } from "./_env.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(parseListenPidfdId("18446744073709551615"), 18446744073709551615n);
 * ```
 */
export function parseListenPidfdId(
  value: string | undefined,
): bigint | undefined {
  if (value === undefined) return undefined;
  if (!isCanonicalDecimal(value)) {
    throw notCanonical("LISTEN_PIDFDID", value, "INVALID_LISTEN_PIDFDID");
  }
  const id = BigInt(value);
  if (id > U64_MAX) {
    throw new ListenFdsError(
      `Cannot use LISTEN_PIDFDID: value "${value}" is larger than ${U64_MAX}`,
      {
        code: "INVALID_LISTEN_PIDFDID",
        variable: "LISTEN_PIDFDID",
        value,
      },
    );
  }
  return id;
}

/**
 * Parses `LISTEN_FDNAMES` as libsystemd does: names separated by `:`, empty
 * names kept, a backslash makes the next character literal (`a\:b` is the one
 * name `a:b`), and a trailing lone backslash is an error.
 *
 * @param value The variable's value.
 * @returns The names, or `undefined` when the variable is absent.
 * @throws {ListenFdsError} `INVALID_LISTEN_FDNAMES`.
 *
 * @example Usage
 * ```ts
 * import { parseListenFdNames } from "./_env.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(parseListenFdNames("web::a\\:b"), ["web", "", "a:b"]);
 * ```
 */
export function parseListenFdNames(
  value: string | undefined,
): string[] | undefined {
  if (value === undefined) return undefined;
  const names: string[] = [];
  let current = "";
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (char === "\\") {
      if (i + 1 === value.length) {
        throw new ListenFdsError(
          `Cannot parse LISTEN_FDNAMES: value "${value}" ends with an escaping backslash`,
          {
            code: "INVALID_LISTEN_FDNAMES",
            variable: "LISTEN_FDNAMES",
            value,
          },
        );
      }
      current += value[++i];
    } else if (char === ":") {
      names.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  names.push(current);
  return names;
}

// Made on first use: a TextDecoder costs a fresh process ~0.1 ms to make.
let utf8: TextDecoder | undefined;
let lossyUtf8: TextDecoder | undefined;

/** The UTF-8 decoder that throws on invalid bytes. */
function strictUtf8(): TextDecoder {
  return utf8 ??= new TextDecoder("utf-8", { fatal: true });
}

/**
 * The text of a numeric variable. Bytes that are not valid UTF-8 cannot be a
 * number: the error shows them as `\xNN`.
 */
function numberText(
  variable: string,
  value: string | Uint8Array | undefined,
  code: NumberCode,
): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  try {
    return strictUtf8().decode(value);
  } catch {
    throw notCanonical(variable, showBytes(value), code);
  }
}

/** The text of `LISTEN_FDNAMES`: invalid UTF-8 bytes read as U+FFFD. */
function nameText(value: string | Uint8Array | undefined): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  return (lossyUtf8 ??= new TextDecoder()).decode(value);
}

/**
 * Shows bytes as text: valid UTF-8 as itself, every other byte as `\xNN`.
 *
 * @param bytes The bytes.
 * @returns The text.
 */
export function showBytes(bytes: Uint8Array): string {
  let text = "";
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      text += `\\x${bytes[i]!.toString(16).padStart(2, "0")}`;
      i++;
    } else {
      text += strictUtf8().decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return text;
}

/** The length of the valid UTF-8 sequence at `i`, or 0 when it is invalid. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) length = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    length = 3;
    if (b === 0xe0) low = 0xa0;
    if (b === 0xed) high = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    length = 4;
    if (b === 0xf0) low = 0x90;
    if (b === 0xf4) high = 0x8f;
  } else return 0;
  for (let k = 1; k < length; k++) {
    const next = bytes[i + k];
    if (next === undefined || next < (k === 1 ? low : 0x80)) return 0;
    if (next > (k === 1 ? high : 0xbf)) return 0;
  }
  return length;
}

type NumberCode =
  | "INVALID_LISTEN_FDS"
  | "INVALID_LISTEN_PID"
  | "INVALID_LISTEN_FDS_FIRST_FD"
  | "INVALID_LISTEN_PIDFDID";

function parseDecimal(
  variable: string,
  value: string,
  rule: {
    code:
      | "INVALID_LISTEN_FDS"
      | "INVALID_LISTEN_PID"
      | "INVALID_LISTEN_FDS_FIRST_FD";
    min: number;
    max: number;
  },
): number {
  if (!isCanonicalDecimal(value)) {
    throw notCanonical(variable, value, rule.code);
  }
  // Compare as text first so that huge values cannot lose precision.
  const number = value.length > 16 ? Infinity : Number(value);
  if (number < rule.min || number > rule.max) {
    throw new ListenFdsError(
      `Cannot use ${variable}: value "${value}" is out of range ${rule.min} to ${rule.max}`,
      { code: rule.code, variable, value },
    );
  }
  return number;
}

function notCanonical(
  variable: string,
  value: string,
  code: NumberCode,
): ListenFdsError {
  return new ListenFdsError(
    `Cannot parse ${variable}: value is "${value}", expected a decimal number without sign, spaces or leading zeros`,
    { code, variable, value },
  );
}

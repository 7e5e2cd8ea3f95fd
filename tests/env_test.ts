import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  LISTEN_FDS_MAX,
  LISTEN_VARIABLES,
  parseListenEnv,
  parseListenFdNames,
  parseListenFdRange,
  parseListenPid,
  parseListenPidfdId,
} from "../_env.ts";
import { ListenFdsError } from "../_errors.ts";
import type { ListenFdsErrorCode } from "../_errors.ts";

function rejects(
  env: Record<string, string>,
  code: ListenFdsErrorCode,
  message: string,
  options: Parameters<typeof parseListenEnv>[1] = { pid: 100 },
): ListenFdsError {
  const error = assertThrows(
    () => parseListenEnv(env, options),
    ListenFdsError,
    message,
  );
  assertEquals(error.code, code);
  return error;
}

Deno.test("parseListenEnv() returns undefined when LISTEN_FDS is absent", () => {
  assertEquals(parseListenEnv({}), undefined);
  assertEquals(
    parseListenEnv({ LISTEN_PID: "100", LISTEN_FDNAMES: "a" }, { pid: 100 }),
    undefined,
  );
});

Deno.test("parseListenEnv() reads one unnamed fd", () => {
  assertEquals(
    parseListenEnv({ LISTEN_FDS: "1", LISTEN_PID: "100" }, { pid: 100 }),
    {
      count: 1,
      firstFd: 3,
      names: undefined,
      pid: 100,
      pidfdId: undefined,
      pidfdIdVerified: false,
    },
  );
});

Deno.test("parseListenEnv() leaves names undefined without LISTEN_FDNAMES", () => {
  assertEquals(parseListenEnv({ LISTEN_FDS: "3" })?.names, undefined);
});

Deno.test("parseListenEnv() accepts an absent LISTEN_PID (systemfd --no-pid)", () => {
  const env = parseListenEnv({ LISTEN_FDS: "2" }, { pid: 100 });
  assertEquals(env?.count, 2);
  assertEquals(env?.pid, undefined);
});

Deno.test("parseListenEnv() accepts the largest LISTEN_FDS", () => {
  assertEquals(
    parseListenEnv({ LISTEN_FDS: String(LISTEN_FDS_MAX) })?.count,
    2147483644,
  );
});

for (
  const value of [
    "0",
    "-1",
    "-0",
    "",
    " 1",
    "1 ",
    "\t1",
    "+1",
    "01",
    "010",
    "0x2",
    "0b11",
    "0o7",
    "1.5",
    "1e3",
    "abc",
    "١",
    "2147483645",
    "2147483647",
    "99999999999",
    "999999999999999999999999",
  ]
) {
  Deno.test(`parseListenEnv() rejects LISTEN_FDS=${JSON.stringify(value)}`, () => {
    const error = rejects(
      { LISTEN_FDS: value },
      "INVALID_LISTEN_FDS",
      "LISTEN_FDS",
    );
    assertEquals(error.variable, "LISTEN_FDS");
    assertEquals(error.value, value);
    assertEquals(error.message.includes(`"${value}"`), true);
  });
}

Deno.test("parseListenEnv() explains a malformed LISTEN_FDS", () => {
  rejects(
    { LISTEN_FDS: "010" },
    "INVALID_LISTEN_FDS",
    'Cannot parse LISTEN_FDS: value is "010", expected a decimal number without sign, spaces or leading zeros',
  );
  rejects(
    { LISTEN_FDS: "0" },
    "INVALID_LISTEN_FDS",
    'Cannot use LISTEN_FDS: value "0" is out of range 1 to 2147483644',
  );
});

Deno.test("parseListenEnv() reads a matching LISTEN_PID", () => {
  assertEquals(
    parseListenEnv({ LISTEN_FDS: "1", LISTEN_PID: "4194304" }, { pid: 4194304 })
      ?.pid,
    4194304,
  );
});

Deno.test("parseListenEnv() rejects a LISTEN_PID of another process", () => {
  const error = rejects(
    { LISTEN_FDS: "1", LISTEN_PID: "101" },
    "PID_MISMATCH",
    'Cannot use LISTEN_PID: value is "101" but this process is 100',
  );
  assertEquals(error.message.includes("deno task"), true);
  assertEquals(error.variable, "LISTEN_PID");
  assertEquals(error.value, "101");
});

Deno.test("parseListenEnv() checks LISTEN_PID before LISTEN_FDS", () => {
  rejects({ LISTEN_FDS: "x", LISTEN_PID: "101" }, "PID_MISMATCH", "LISTEN_PID");
});

Deno.test("parseListenEnv() checks only the syntax of LISTEN_PID without a pid", () => {
  assertEquals(
    parseListenEnv({ LISTEN_FDS: "1", LISTEN_PID: "7" }, {})?.pid,
    7,
  );
  rejects(
    { LISTEN_FDS: "1", LISTEN_PID: "07" },
    "INVALID_LISTEN_PID",
    "LISTEN_PID",
    {},
  );
});

for (
  const value of [
    "",
    "0",
    "-5",
    " 100",
    "100 ",
    "+100",
    "0100",
    "0x64",
    "abc",
    "2147483648",
    "99999999999",
  ]
) {
  Deno.test(`parseListenEnv() rejects LISTEN_PID=${JSON.stringify(value)}`, () => {
    const error = rejects(
      { LISTEN_FDS: "1", LISTEN_PID: value },
      "INVALID_LISTEN_PID",
      `LISTEN_PID`,
    );
    assertEquals(error.value, value);
    assertEquals(error.message.includes(`"${value}"`), true);
  });
}

Deno.test("parseListenEnv() verifies a matching LISTEN_PIDFDID", () => {
  const env = parseListenEnv(
    { LISTEN_FDS: "1", LISTEN_PID: "100", LISTEN_PIDFDID: "5000" },
    { pid: 100, pidfdId: () => 5000n },
  );
  assertEquals(env?.pidfdId, 5000n);
  assertEquals(env?.pidfdIdVerified, true);
});

Deno.test("parseListenEnv() rejects a LISTEN_PIDFDID of another process", () => {
  const error = rejects(
    { LISTEN_FDS: "1", LISTEN_PID: "100", LISTEN_PIDFDID: "5001" },
    "PIDFDID_MISMATCH",
    `Cannot use LISTEN_PIDFDID: value is "5001" but this process's pidfd id is 5000`,
    { pid: 100, pidfdId: () => 5000n },
  );
  assertEquals(error.variable, "LISTEN_PIDFDID");
});

Deno.test("parseListenEnv() checks LISTEN_PIDFDID without LISTEN_PID", () => {
  rejects(
    { LISTEN_FDS: "1", LISTEN_PIDFDID: "1" },
    "PIDFDID_MISMATCH",
    "LISTEN_PIDFDID",
    { pid: 100, pidfdId: () => 2n },
  );
});

Deno.test("parseListenEnv() checks LISTEN_PID before LISTEN_PIDFDID", () => {
  let asked = false;
  rejects(
    { LISTEN_FDS: "1", LISTEN_PID: "99", LISTEN_PIDFDID: "1" },
    "PID_MISMATCH",
    "LISTEN_PID",
    {
      pid: 100,
      pidfdId: () => {
        asked = true;
        return 2n;
      },
    },
  );
  assertEquals(asked, false);
});

Deno.test("parseListenEnv() skips the pidfd id check when the own id is unknown", () => {
  const env = parseListenEnv(
    { LISTEN_FDS: "1", LISTEN_PIDFDID: "5" },
    { pid: 100, pidfdId: () => undefined },
  );
  assertEquals(env?.pidfdId, 5n);
  assertEquals(env?.pidfdIdVerified, false);
});

Deno.test("parseListenEnv() does not ask for the own pidfd id when LISTEN_PIDFDID is absent", () => {
  let asked = false;
  parseListenEnv({ LISTEN_FDS: "1" }, {
    pidfdId: () => {
      asked = true;
      return 1n;
    },
  });
  assertEquals(asked, false);
});

for (
  const value of [
    "",
    "-1",
    " 5",
    "5 ",
    "+5",
    "05",
    "0x5",
    "5.0",
    "18446744073709551616",
    "abc",
  ]
) {
  Deno.test(`parseListenEnv() rejects LISTEN_PIDFDID=${JSON.stringify(value)}`, () => {
    const error = rejects(
      { LISTEN_FDS: "1", LISTEN_PIDFDID: value },
      "INVALID_LISTEN_PIDFDID",
      "LISTEN_PIDFDID",
    );
    assertEquals(error.value, value);
  });
}

Deno.test("parseListenPidfdId() reads the whole unsigned 64-bit range", () => {
  assertEquals(parseListenPidfdId("0"), 0n);
  assertEquals(parseListenPidfdId("18446744073709551615"), 2n ** 64n - 1n);
  assertEquals(parseListenPidfdId(undefined), undefined);
});

Deno.test("parseListenEnv() honours LISTEN_FDS_FIRST_FD", () => {
  const env = parseListenEnv({ LISTEN_FDS: "2", LISTEN_FDS_FIRST_FD: "10" });
  assertEquals(env?.firstFd, 10);
  assertEquals(env?.count, 2);
});

for (const value of ["", "2", "0", "-3", "03", " 3", "x", "2147483648"]) {
  Deno.test(`parseListenEnv() rejects LISTEN_FDS_FIRST_FD=${JSON.stringify(value)}`, () => {
    const error = rejects(
      { LISTEN_FDS: "1", LISTEN_FDS_FIRST_FD: value },
      "INVALID_LISTEN_FDS_FIRST_FD",
      "LISTEN_FDS_FIRST_FD",
    );
    assertEquals(error.value, value);
  });
}

Deno.test("parseListenFdRange() blames LISTEN_FDS_FIRST_FD for a range past INT_MAX", () => {
  const error = assertThrows(
    () =>
      parseListenFdRange({
        LISTEN_FDS: "2",
        LISTEN_FDS_FIRST_FD: "2147483647",
      }),
    ListenFdsError,
    'Cannot use LISTEN_FDS_FIRST_FD: value is "2147483647" but 2 fds (LISTEN_FDS) from there would pass 2147483647',
  );
  assertEquals(error.code, "INVALID_LISTEN_FDS_FIRST_FD");
  assertEquals(error.variable, "LISTEN_FDS_FIRST_FD");
  assertEquals(error.value, "2147483647");
  assertEquals(
    parseListenFdRange({ LISTEN_FDS: "1", LISTEN_FDS_FIRST_FD: "2147483647" }),
    { count: 1, firstFd: 2147483647 },
  );
});

Deno.test("parseListenFdNames() follows libsystemd's splitting and escapes", () => {
  const vectors: [string, string[]][] = [
    ["a", ["a"]],
    ["a:b", ["a", "b"]],
    ["", [""]],
    [":", ["", ""]],
    ["a:", ["a", ""]],
    ["x::y", ["x", "", "y"]],
    ["a\\:b", ["a:b"]],
    ["a\\nb", ["anb"]],
    ["a\\\\b", ["a\\b"]],
    ['"a b"', ['"a b"']],
    ["a b", ["a b"]],
    ["http:http", ["http", "http"]],
    ["ü:日本", ["ü", "日本"]],
  ];
  for (const [value, names] of vectors) {
    assertEquals(parseListenFdNames(value), names, `LISTEN_FDNAMES=${value}`);
  }
  assertEquals(parseListenFdNames(undefined), undefined);
});

Deno.test("parseListenEnv() rejects LISTEN_FDNAMES ending in a backslash", () => {
  const error = rejects(
    { LISTEN_FDS: "1", LISTEN_FDNAMES: "ab\\" },
    "INVALID_LISTEN_FDNAMES",
    'Cannot parse LISTEN_FDNAMES: value "ab\\" ends with an escaping backslash',
  );
  assertEquals(error.variable, "LISTEN_FDNAMES");
});

Deno.test("parseListenEnv() keeps an escaped trailing backslash", () => {
  assertEquals(
    parseListenEnv({ LISTEN_FDS: "1", LISTEN_FDNAMES: "ab\\\\" })?.names,
    ["ab\\"],
  );
});

Deno.test("parseListenEnv() rejects too few names", () => {
  rejects(
    { LISTEN_FDS: "2", LISTEN_FDNAMES: "a" },
    "FDNAMES_COUNT_MISMATCH",
    'Cannot use LISTEN_FDNAMES: value is "a" with 1 name but LISTEN_FDS is 2',
  );
});

Deno.test("parseListenEnv() rejects too many names", () => {
  rejects(
    { LISTEN_FDS: "1", LISTEN_FDNAMES: "a:b" },
    "FDNAMES_COUNT_MISMATCH",
    'Cannot use LISTEN_FDNAMES: value is "a:b" with 2 names but LISTEN_FDS is 1',
  );
  rejects(
    { LISTEN_FDS: "2", LISTEN_FDNAMES: "a\\:b" },
    "FDNAMES_COUNT_MISMATCH",
    "with 1 name",
  );
});

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

Deno.test("parseListenEnv() accepts LISTEN_FDNAMES bytes that are not UTF-8, as libsystemd does", () => {
  // "a\xff:caf\xc3\xa9:\xc3" with a backslash-escaped colon in the middle.
  const env = parseListenEnv({
    LISTEN_FDS: "3",
    LISTEN_FDNAMES: bytes(
      0x61,
      0xff,
      0x3a,
      0x63,
      0x61,
      0x66,
      0xc3,
      0xa9,
      0x5c,
      0x3a,
      0x78,
      0x3a,
      0xc3,
    ),
  });
  assertEquals(env?.names, ["a\ufffd", "café:x", "\ufffd"]);
});

for (
  const [variable, value, shown] of [
    ["LISTEN_FDS", bytes(0x31, 0xff), "1\\xff"],
    ["LISTEN_PID", bytes(0x31, 0x30, 0x30, 0xc0, 0x80), "100\\xc0\\x80"],
    ["LISTEN_PIDFDID", bytes(0xe2, 0x82), "\\xe2\\x82"],
    ["LISTEN_FDS_FIRST_FD", bytes(0xed, 0xa0, 0x80), "\\xed\\xa0\\x80"],
  ] as const
) {
  Deno.test(`parseListenEnv() names ${variable} when its bytes are not UTF-8`, () => {
    const env: Record<string, string | Uint8Array> = { LISTEN_FDS: "1" };
    env[variable] = value;
    const error = assertThrows(
      () => parseListenEnv(env, { pid: 100 }),
      ListenFdsError,
      `Cannot parse ${variable}: value is "${shown}", expected a decimal number`,
    );
    assertEquals(error.code, `INVALID_${variable}`);
    assertEquals(error.variable, variable);
    assertEquals(error.value, shown);
  });
}

Deno.test("parseListenEnv() reads valid UTF-8 given as bytes", () => {
  assertEquals(
    parseListenEnv({ LISTEN_FDS: bytes(0x32), LISTEN_FDNAMES: bytes(0x3a) })
      ?.names,
    ["", ""],
  );
});

Deno.test("parseListenEnv() ignores the bytes of other variables without LISTEN_FDS", () => {
  assertEquals(
    parseListenEnv({ LISTEN_PID: bytes(0xff), LISTEN_FDNAMES: bytes(0xff) }),
    undefined,
  );
});

Deno.test("parseListenEnv() returns frozen names", () => {
  const env = parseListenEnv({ LISTEN_FDS: "1", LISTEN_FDNAMES: "web" });
  assertEquals(Object.isFrozen(env?.names), true);
});

Deno.test("parseListenPid() returns undefined when absent", () => {
  assertEquals(parseListenPid(undefined), undefined);
  assertEquals(parseListenPid("1"), 1);
});

Deno.test("LISTEN_VARIABLES lists every protocol variable", () => {
  assertEquals([...LISTEN_VARIABLES].sort(), [
    "LISTEN_FDNAMES",
    "LISTEN_FDS",
    "LISTEN_FDS_FIRST_FD",
    "LISTEN_PID",
    "LISTEN_PIDFDID",
  ]);
});

Deno.test("ListenFdsError carries its details", () => {
  const error = new ListenFdsError("Cannot do x", {
    code: "SYSCALL_FAILED",
    fd: 3,
    syscall: "fcntl",
    errno: 9,
    cause: "c",
  });
  assertInstanceOf(error, Error);
  assertEquals(error.name, "ListenFdsError");
  assertEquals([error.code, error.fd, error.syscall, error.errno], [
    "SYSCALL_FAILED",
    3,
    "fcntl",
    9,
  ]);
  assertEquals(error.cause, "c");
  assertEquals(
    "cause" in new ListenFdsError("x", { code: "FD_NOT_FOUND" }),
    false,
  );
});

// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  CANONICAL_DECIMAL,
  ListenFdsError
} from "./chunk-CDRIS56Y.js";

// _env.ts
var LISTEN_FDS_START = 3;
var LISTEN_FDS_MAX = 2147483644;
var UNKNOWN_NAME = "unknown";
var LISTEN_VARIABLES = Object.freeze([
  "LISTEN_PID",
  "LISTEN_PIDFDID",
  "LISTEN_FDS",
  "LISTEN_FDNAMES",
  "LISTEN_FDS_FIRST_FD"
]);
var INT_MAX = 2147483647;
var U64_MAX = 18446744073709551615n;
function parseListenEnv(env, options = {}) {
  if (env.LISTEN_FDS === void 0) return void 0;
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
    pidfdIdVerified
  };
}
function checkPid(env, own) {
  const value = numberText("LISTEN_PID", env.LISTEN_PID, "INVALID_LISTEN_PID");
  const pid = parseListenPid(value);
  if (pid !== void 0 && own !== void 0 && pid !== own) {
    throw new ListenFdsError(`Cannot use LISTEN_PID: value is "${value}" but this process is ${own}; the variables are meant for another process, usually because the service was started through a wrapper that forks (deno task, a shell, npm's .bin/deno): exec the deno binary directly`, {
      code: "PID_MISMATCH",
      variable: "LISTEN_PID",
      value
    });
  }
  return pid;
}
function checkPidfdId(env, ownId) {
  const value = numberText("LISTEN_PIDFDID", env.LISTEN_PIDFDID, "INVALID_LISTEN_PIDFDID");
  const pidfdId = parseListenPidfdId(value);
  if (pidfdId === void 0 || !ownId) {
    return {
      pidfdId,
      pidfdIdVerified: false
    };
  }
  const own = ownId();
  if (own !== void 0 && own !== pidfdId) {
    throw new ListenFdsError(`Cannot use LISTEN_PIDFDID: value is "${value}" but this process's pidfd id is ${own}; the variables are meant for another process`, {
      code: "PIDFDID_MISMATCH",
      variable: "LISTEN_PIDFDID",
      value
    });
  }
  return {
    pidfdId,
    pidfdIdVerified: own !== void 0
  };
}
function readNames(env, count) {
  const value = nameText(env.LISTEN_FDNAMES);
  const names = parseListenFdNames(value);
  if (names !== void 0 && names.length !== count) {
    throw new ListenFdsError(`Cannot use LISTEN_FDNAMES: value is "${value}" with ${names.length} ${names.length === 1 ? "name" : "names"} but LISTEN_FDS is ${count}`, {
      code: "FDNAMES_COUNT_MISMATCH",
      variable: "LISTEN_FDNAMES",
      value
    });
  }
  return names;
}
function parseListenFdRange(env) {
  const countValue = numberText("LISTEN_FDS", env.LISTEN_FDS, "INVALID_LISTEN_FDS") ?? "";
  const count = parseDecimal("LISTEN_FDS", countValue, {
    code: "INVALID_LISTEN_FDS",
    min: 1,
    max: LISTEN_FDS_MAX
  });
  const firstValue = numberText("LISTEN_FDS_FIRST_FD", env.LISTEN_FDS_FIRST_FD, "INVALID_LISTEN_FDS_FIRST_FD");
  const firstFd = firstValue === void 0 ? LISTEN_FDS_START : parseDecimal("LISTEN_FDS_FIRST_FD", firstValue, {
    code: "INVALID_LISTEN_FDS_FIRST_FD",
    min: LISTEN_FDS_START,
    max: INT_MAX
  });
  const last = firstFd + count - 1;
  if (last > INT_MAX) {
    throw new ListenFdsError(`Cannot use LISTEN_FDS_FIRST_FD: value is "${firstValue}" but ${count} fds (LISTEN_FDS) from there would pass ${INT_MAX}`, {
      code: "INVALID_LISTEN_FDS_FIRST_FD",
      variable: "LISTEN_FDS_FIRST_FD",
      value: firstValue
    });
  }
  return {
    count,
    firstFd
  };
}
function parseListenPid(value) {
  if (value === void 0) return void 0;
  return parseDecimal("LISTEN_PID", value, {
    code: "INVALID_LISTEN_PID",
    min: 1,
    max: INT_MAX
  });
}
function parseListenPidfdId(value) {
  if (value === void 0) return void 0;
  if (!CANONICAL_DECIMAL.test(value)) {
    throw notCanonical("LISTEN_PIDFDID", value, "INVALID_LISTEN_PIDFDID");
  }
  const id = BigInt(value);
  if (id > U64_MAX) {
    throw new ListenFdsError(`Cannot use LISTEN_PIDFDID: value "${value}" is larger than ${U64_MAX}`, {
      code: "INVALID_LISTEN_PIDFDID",
      variable: "LISTEN_PIDFDID",
      value
    });
  }
  return id;
}
function parseListenFdNames(value) {
  if (value === void 0) return void 0;
  const names = [];
  let current = "";
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === "\\") {
      if (i + 1 === value.length) {
        throw new ListenFdsError(`Cannot parse LISTEN_FDNAMES: value "${value}" ends with an escaping backslash`, {
          code: "INVALID_LISTEN_FDNAMES",
          variable: "LISTEN_FDNAMES",
          value
        });
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
var utf8;
var lossyUtf8;
function numberText(variable, value, code) {
  if (value === void 0 || typeof value === "string") return value;
  try {
    return (utf8 ??= new TextDecoder("utf-8", {
      fatal: true
    })).decode(value);
  } catch {
    throw notCanonical(variable, showBytes(value), code);
  }
}
function nameText(value) {
  if (value === void 0 || typeof value === "string") return value;
  return (lossyUtf8 ??= new TextDecoder()).decode(value);
}
function showBytes(bytes) {
  let text = "";
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      text += `\\x${bytes[i].toString(16).padStart(2, "0")}`;
      i++;
    } else {
      text += (utf8 ??= new TextDecoder("utf-8", {
        fatal: true
      })).decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return text;
}
function utf8SequenceLength(bytes, i) {
  const b = bytes[i];
  if (b < 128) return 1;
  let length;
  let low = 128;
  let high = 191;
  if (b >= 194 && b <= 223) length = 2;
  else if (b >= 224 && b <= 239) {
    length = 3;
    if (b === 224) low = 160;
    if (b === 237) high = 159;
  } else if (b >= 240 && b <= 244) {
    length = 4;
    if (b === 240) low = 144;
    if (b === 244) high = 143;
  } else return 0;
  for (let k = 1; k < length; k++) {
    const next = bytes[i + k];
    if (next === void 0 || next < (k === 1 ? low : 128)) return 0;
    if (next > (k === 1 ? high : 191)) return 0;
  }
  return length;
}
function parseDecimal(variable, value, rule) {
  if (!CANONICAL_DECIMAL.test(value)) {
    throw notCanonical(variable, value, rule.code);
  }
  const number = value.length > 16 ? Infinity : Number(value);
  if (number < rule.min || number > rule.max) {
    throw new ListenFdsError(`Cannot use ${variable}: value "${value}" is out of range ${rule.min} to ${rule.max}`, {
      code: rule.code,
      variable,
      value
    });
  }
  return number;
}
function notCanonical(variable, value, code) {
  return new ListenFdsError(`Cannot parse ${variable}: value is "${value}", expected a decimal number without sign, spaces or leading zeros`, {
    code,
    variable,
    value
  });
}

export {
  UNKNOWN_NAME,
  LISTEN_VARIABLES,
  parseListenEnv,
  parseListenFdRange,
  showBytes
};

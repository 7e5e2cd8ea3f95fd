// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
// _errors.ts
var ListenFdsError = class extends Error {
  /** The error's name, `"ListenFdsError"`. */
  name = "ListenFdsError";
  /** The stable code of the failure. */
  code;
  /** The environment variable that was rejected, if any. */
  variable;
  /** The rejected value, verbatim, if any. */
  value;
  /** The file descriptor concerned, if any. */
  fd;
  /** The libc function that failed, if any. */
  syscall;
  /** The `errno` the failed libc function left behind, if any. */
  errno;
  /**
   * Creates an error.
   *
   * @param message What failed, in std style: `Cannot parse LISTEN_FDS: value is "x"`.
   * @param options The code and the details.
   */
  constructor(message, options) {
    super(message, options.cause === void 0 ? void 0 : {
      cause: options.cause
    });
    this.code = options.code;
    this.variable = options.variable;
    this.value = options.value;
    this.fd = options.fd;
    this.syscall = options.syscall;
    this.errno = options.errno;
  }
};
function checkMilliseconds(value, what, options = {}) {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ListenFdsError(`${what} ${value} ms is not a finite non-negative number`, {
      code: "INVALID_ARGUMENT",
      value: String(value),
      fd: options.fd
    });
  }
}

// _environment.ts
var CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]*)$/;
function readEnv(name, options = {}) {
  try {
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ListenFdsError(`Cannot read ${name}: run again with --allow-env=${options.allow ?? name}`, {
        code: "PERMISSION_REQUIRED",
        variable: name,
        cause: error
      });
    }
    throw error;
  }
}
function readOptionalEnv(name) {
  try {
    if (Deno.stdin.isTerminal() && Deno.permissions.querySync({
      name: "env",
      variable: name
    }).state !== "granted") {
      return void 0;
    }
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return void 0;
    if (error instanceof Deno.errors.InvalidData) {
      throw new ListenFdsError(`Cannot use ${name}: its value is not valid UTF-8`, {
        code: "INVALID_ARGUMENT",
        variable: name,
        cause: error
      });
    }
    throw error;
  }
}
function unsetEnv(names) {
  for (const name of names) {
    try {
      Deno.env.delete(name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotCapable)) throw error;
    }
  }
}

export {
  ListenFdsError,
  checkMilliseconds,
  CANONICAL_DECIMAL,
  readEnv,
  readOptionalEnv,
  unsetEnv
};

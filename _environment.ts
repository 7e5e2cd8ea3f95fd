/**
 * The process environment, read and written in one place: Deno's permission
 * errors become `ListenFdsError`s that say what to grant, and the numbers in
 * variables follow one rule (canonical decimals).
 *
 * @module
 */

import { ListenFdsError } from "./_errors.ts";

/**
 * Whether a value is a canonical decimal: digits without sign, spaces or
 * leading zeros (`0` itself is fine). Every number read from a variable must
 * be one: `010` is neither 8 nor 10 but an error. (Checked by hand: on a fresh
 * start the first regular expression match costs ~0.5 ms.)
 *
 * @param value The text.
 * @returns `true` for a canonical decimal.
 */
export function isCanonicalDecimal(value: string): boolean {
  if (value.length === 0 || (value.length > 1 && value[0] === "0")) {
    return false;
  }
  for (let at = 0; at < value.length; at++) {
    const code = value.charCodeAt(at);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Options of {@linkcode readEnv}. */
export interface ReadEnvOptions {
  /**
   * What `--allow-env=` should name in the error (the variable by default; a
   * whole family, such as every `LISTEN_*` variable, reads better).
   */
  allow?: string;
}

/**
 * Reads a variable the caller needs.
 *
 * @param name The variable.
 * @param options The permission to name.
 * @returns Its value, or `undefined` when unset.
 * @throws {ListenFdsError} `PERMISSION_REQUIRED` without env access to it;
 * Deno's `InvalidData` when it is not valid UTF-8 (see `readTextEnv` in
 * `_notify/notify.ts`, and `getenvBytes` for the bytes).
 */
export function readEnv(
  name: string,
  options: ReadEnvOptions = {},
): string | undefined {
  try {
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ListenFdsError(
        `Cannot read ${name}: run again with --allow-env=${
          options.allow ?? name
        }`,
        { code: "PERMISSION_REQUIRED", variable: name, cause: error },
      );
    }
    throw error;
  }
}

/**
 * Reads an optional variable, such as `DENO_LISTEN_FDS_LIBC`, without
 * ever prompting: unless env access to it is already granted, it counts as
 * unset. (A prompt would block a socket-activated start until someone
 * answers it in a terminal.)
 *
 * @param name The variable.
 * @returns Its value, or `undefined` when unset or not readable.
 * @throws {ListenFdsError} `INVALID_ARGUMENT` when the value is not valid
 * UTF-8.
 */
export function readOptionalEnv(name: string): string | undefined {
  try {
    // Deno prompts only when stdin is a terminal; elsewhere (a service) a
    // read it does not allow throws NotCapable, and the query, whose first
    // use costs a fresh process ~0.4 ms, is not needed.
    if (
      Deno.stdin.isTerminal() &&
      Deno.permissions.querySync({ name: "env", variable: name }).state !==
        "granted"
    ) {
      return undefined;
    }
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return undefined;
    if (error instanceof Deno.errors.InvalidData) {
      throw new ListenFdsError(
        `Cannot use ${name}: its value is not valid UTF-8`,
        { code: "INVALID_ARGUMENT", variable: name, cause: error },
      );
    }
    throw error;
  }
}

/**
 * Removes variables from the process environment, so that children do not
 * inherit them. A variable this process may not write is left: reading it
 * already failed loudly, and there is nothing to remove it with.
 *
 * @param names The variables.
 */
export function unsetEnv(names: readonly string[]): void {
  for (const name of names) {
    try {
      Deno.env.delete(name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotCapable)) throw error;
    }
  }
}

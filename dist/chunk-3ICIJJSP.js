// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  NOTIFY_SOCKET,
  notify,
  readTextEnv
} from "./chunk-IW6ZKCGU.js";

// _notify/watchdog.ts
import { ListenFdsError } from "./_core.js";
import { isCanonicalDecimal, unsetEnv } from "./_core.js";
var watchdogInterval = (function watchdogInterval(options = {}) {
  const env = options.env;
  try {
    const usecValue = env ? env[WATCHDOG_USEC] : readTextEnv(WATCHDOG_USEC, "INVALID_WATCHDOG_USEC");
    if (usecValue === void 0) return void 0;
    if (!isCanonicalDecimal(usecValue)) {
      throw invalidUsec(usecValue, "is not a canonical decimal number");
    }
    const usec = BigInt(usecValue);
    if (usec === 0n || usec >= USEC_INFINITY) {
      throw invalidUsec(
        usecValue,
        usec === 0n ? "is 0" : "is larger than 18446744073709551614"
      );
    }
    const pidValue = env ? env[WATCHDOG_PID] : readTextEnv(WATCHDOG_PID, "INVALID_WATCHDOG_PID");
    if (pidValue !== void 0) {
      if (!isCanonicalDecimal(pidValue) || pidValue === "0" || Number(pidValue) > INT_MAX) {
        throw new ListenFdsError(
          `Cannot use ${WATCHDOG_PID}: value "${pidValue}" is not a canonical decimal in 1 \u2026 ${INT_MAX}`,
          {
            code: "INVALID_WATCHDOG_PID",
            variable: WATCHDOG_PID,
            value: pidValue
          }
        );
      }
      if (Number(pidValue) !== (options.pid ?? Deno.pid)) return void 0;
    }
    return Number(usec) / 1e3;
  } finally {
    if (options.unsetEnvironment && !env) {
      unsetEnv([WATCHDOG_USEC, WATCHDOG_PID]);
    }
  }
});
var startWatchdog = (function startWatchdog(options = {}) {
  const interval = options.interval ?? watchdogInterval(options);
  if (interval !== void 0 && !(Number.isFinite(interval) && interval > 0)) {
    throw new ListenFdsError(
      `Cannot start the watchdog: interval ${interval} ms is not a positive finite number`,
      { code: "INVALID_ARGUMENT", value: String(interval) }
    );
  }
  const socket = options.env ? options.env[NOTIFY_SOCKET] : readTextEnv(NOTIFY_SOCKET, "INVALID_NOTIFY_SOCKET");
  if (interval === void 0 || socket === void 0) {
    return {
      interval,
      running: false,
      stop() {
      },
      [Symbol.dispose]() {
      }
    };
  }
  const env = { [NOTIFY_SOCKET]: socket };
  const ping = () => {
    try {
      notify("WATCHDOG=1", { env });
    } catch (error) {
      options.onError?.(error);
    }
  };
  ping();
  let timer = setInterval(
    ping,
    Math.max(1, Math.floor(interval / 2))
  );
  Deno.unrefTimer(timer);
  const stop = () => {
    if (timer !== void 0) clearInterval(timer);
    timer = void 0;
  };
  return {
    interval,
    get running() {
      return timer !== void 0;
    },
    stop,
    [Symbol.dispose]: stop
  };
});
var invalidUsec = (function invalidUsec(value, reason) {
  return new ListenFdsError(
    `Cannot use ${WATCHDOG_USEC}: value "${value}" ${reason}`,
    { code: "INVALID_WATCHDOG_USEC", variable: WATCHDOG_USEC, value }
  );
});
var WATCHDOG_USEC = "WATCHDOG_USEC";
var WATCHDOG_PID = "WATCHDOG_PID";
var USEC_INFINITY = 18446744073709551615n;
var INT_MAX = 2147483647;

export {
  startWatchdog
};

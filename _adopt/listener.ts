/**
 * Hands an activated listening stream socket (TCP or Unix) to Deno as a
 * genuine {@linkcode Deno.Listener}: a placeholder `Deno.listen()` on loopback
 * port 0 (or a Unix path in a private directory) is created and the activated
 * socket takes its place in Deno's reactor (see `epoll.ts`).
 *
 * @module
 */

import type { HandOffOptions } from "./options.ts";
import { deferredNodeListener } from "./node.ts";
import {
  adoptIntoPlaceholder,
  listenAt,
  requireSocket,
  withPlaceholder,
} from "./placeholder.ts";
import { chooseVia } from "./policy.ts";

/**
 * Hands a listening TCP or Unix stream socket to Deno's networking.
 *
 * @param fd A listening stream socket (checked first; untouched when the
 * type is wrong).
 * @param options How to hand it over.
 * @returns A listener whose `addr` is the activated socket's address.
 * @throws {ListenFdsError} `WRONG_FD_TYPE`, `ADOPTION_FAILED`,
 * `PERMISSION_REQUIRED`.
 */
export function adoptListener(
  fd: number,
  options: HandOffOptions = {},
): Deno.Listener {
  const action = `take fd ${fd} as a listener`;
  const { address } = requireSocket(fd, action, "stream", true);
  return chooseVia(
    fd,
    action,
    options,
    () =>
      withPlaceholder(
        { fd, unix: "path" in address, action },
        listenAt,
        (listener, _place, slot) => {
          const release = (): void => listener.close();
          adoptIntoPlaceholder(listener, {
            fd,
            address,
            action,
            release,
            slot,
          });
          return listener;
        },
      ),
    () => deferredNodeListener(fd, address),
  );
}

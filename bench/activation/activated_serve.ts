/**
 * `ListenFds.fromEnv().serve()` on the activated fd 3, as a service would
 * write it.
 *
 * @module
 */

import { ListenFds } from "@listen-fds/listen-fds";

ListenFds.fromEnv().serve({
  index: 0,
  onListen(): void {},
  handler: (): Response => new Response("ok\n"),
});

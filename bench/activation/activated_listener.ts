/**
 * `ListenFds.fromEnv().takeListener(0)` on the activated fd 3, raw reply.
 *
 * @module
 */

import { ListenFds } from "@listen-fds/listen-fds";
import { answerAll } from "./raw_reply.ts";

await answerAll(ListenFds.fromEnv().takeListener(0));

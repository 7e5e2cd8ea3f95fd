/**
 * The launcher's notify socket for hot upgrades (`--upgrade-on`): children
 * get its address as `NOTIFY_SOCKET`, and the launcher hears their
 * `READY=1` (with `STATUS=`/`ERRNO=`) and who sent it, polling the socket
 * without blocking.
 *
 * @module
 */

import { readProcFile } from "../_adopt/proc.ts";
import { ReadinessChannel } from "../_notify/readiness.ts";
import type { ReadinessMessage } from "../_notify/readiness.ts";

/** A notification from a process, with its process group. */
export interface ChildMessage extends ReadinessMessage {
  /** The sender's process group, when it could still be read. */
  group: number | undefined;
}

/** How often the socket is read while an upgrade waits, in ms. */
const FAST_MS = 5;
/** How often it is read otherwise (so it never fills up), in ms. */
const SLOW_MS = 100;

/** The launcher's notify socket; see the module documentation. */
export class ChildNotifications {
  readonly #channel: ReadinessChannel;
  readonly #onMessage: (message: ChildMessage) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #fast = false;

  private constructor(
    channel: ReadinessChannel,
    onMessage: (message: ChildMessage) => void,
  ) {
    this.#channel = channel;
    this.#onMessage = onMessage;
    this.#schedule();
  }

  /**
   * Opens the socket and starts reading it.
   *
   * @param onMessage Called with each notification, from any sender.
   * @returns The open socket.
   * @throws {ListenFdsError} `SYSCALL_FAILED` when it cannot be made.
   */
  static open(onMessage: (message: ChildMessage) => void): ChildNotifications {
    const channel = ReadinessChannel.open(
      "@listen-fds-launch",
      "launcher's notify",
    );
    return new ChildNotifications(channel, onMessage);
  }

  /** The `NOTIFY_SOCKET` value for children. */
  get address(): string {
    return this.#channel.address;
  }

  /**
   * Reads every few milliseconds (an upgrade is waiting for `READY=1`)
   * instead of every 100.
   *
   * @param fast Whether to.
   */
  set fast(fast: boolean) {
    if (fast === this.#fast) return;
    this.#fast = fast;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#schedule();
    }
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#read();
      this.#schedule();
    }, this.#fast ? FAST_MS : SLOW_MS);
  }

  #read(): number {
    let count = 0;
    while (true) {
      const message = this.#channel.receive(() => true);
      if (!message) return count;
      count++;
      this.#onMessage({ ...message, group: processGroupOf(message.pid) });
    }
  }

  /**
   * Reads what is queued now, without waiting for the next poll: a child
   * that sent `STATUS=` and exited is heard before its exit is handled.
   *
   * @returns How many notifications were passed on.
   */
  flush(): number {
    return this.#read();
  }

  /** Stops reading and closes the socket. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#channel.close();
  }
}

/**
 * A process's process group, from `/proc/<pid>/stat`.
 *
 * @param pid The process.
 * @returns The group, or `undefined` when the process is gone.
 */
export function processGroupOf(pid: number): number | undefined {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // After the parenthesised command name: state, ppid, pgrp.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const group = Number(fields[2]);
  return Number.isInteger(group) && group > 0 ? group : undefined;
}

/**
 * A private sd_notify-style socket on which a process hears `READY=1` (and
 * `STATUS=`, `ERRNO=`) from processes it started: an abstract `AF_UNIX`
 * datagram socket with `SO_PASSCRED`, so every datagram carries its sender's
 * pid and only the expected senders count. Used by a hot upgrade's
 * predecessor (`upgrade.ts`) and by the launcher's upgrades
 * (`_launcher/upgrade.ts`).
 *
 * Internal (`_` prefix): not one of the package's exports.
 *
 * @module
 */

import { errno, libc, syscallError } from "../_ffi.ts";
import {
  buildMsghdr,
  CMSGHDR,
  cmsgSpace,
  LINUX,
  readMsghdr,
  UCRED,
} from "../_linux.ts";
import { encodeUnixSockaddr } from "../_sockaddr.ts";

/** One datagram from an accepted sender. */
export interface ReadinessMessage {
  /** The sender's pid (from `SCM_CREDENTIALS`). */
  pid: number;
  /** Whether it holds `READY=1`. */
  ready: boolean;
  /** Its `STATUS=`, if any. */
  status?: string;
  /** Its `ERRNO=`, if any. */
  errno?: string;
}

/** The receiving end; see the module documentation. */
export class ReadinessChannel {
  /** The socket's address, `@prefix/pid/random`: the `NOTIFY_SOCKET` to give. */
  readonly address: string;
  #fd: number;

  private constructor(fd: number, address: string) {
    this.#fd = fd;
    this.address = address;
  }

  /**
   * Opens a channel on a fresh abstract address.
   *
   * @param prefix The address's first part, starting with `@`.
   * @param what What it is for, in error messages.
   * @returns The channel.
   * @throws {ListenFdsError} `SYSCALL_FAILED` when the socket cannot be made.
   */
  static open(prefix: string, what: string): ReadinessChannel {
    const c = libc();
    const fd = c.socket(
      LINUX.AF_UNIX,
      LINUX.SOCK_DGRAM | LINUX.SOCK_CLOEXEC | LINUX.SOCK_NONBLOCK,
      0,
    );
    if (fd === -1) {
      throw syscallError(`Cannot open the ${what} socket`, "socket");
    }
    try {
      const one = new Int32Array([1]);
      if (
        c.setsockopt(
          fd,
          LINUX.SOL_SOCKET,
          LINUX.SO_PASSCRED,
          new Uint8Array(one.buffer),
          4,
        ) === -1
      ) {
        throw syscallError(
          `Cannot enable SO_PASSCRED on the ${what} socket`,
          "setsockopt",
          fd,
        );
      }
      const random = Array.from(
        crypto.getRandomValues(new Uint8Array(12)),
        (byte) => byte.toString(16).padStart(2, "0"),
      ).join("");
      const address = `${prefix}/${Deno.pid}/${random}`;
      const { bytes, length } = encodeUnixSockaddr(address);
      if (c.bind(fd, bytes, length) === -1) {
        throw syscallError(
          `Cannot bind the ${what} socket "${address}"`,
          "bind",
          fd,
        );
      }
      return new ReadinessChannel(fd, address);
    } catch (error) {
      c.close(fd);
      throw error;
    }
  }

  /**
   * Receives the next datagram from an accepted sender, without waiting;
   * datagrams of other senders are dropped (and any fds in them closed).
   *
   * @param accept Whether datagrams of a pid count.
   * @returns The message, or `undefined` when none is queued.
   */
  receive(accept: (pid: number) => boolean): ReadinessMessage | undefined {
    const c = libc();
    while (this.#fd !== -1) {
      const data = new Uint8Array(4096);
      const control = new Uint8Array(cmsgSpace(UCRED.size) + cmsgSpace(4 * 8));
      const msghdr = buildMsghdr({ data, control });
      const received = Number(
        c.recvmsg(
          this.#fd,
          msghdr.header,
          LINUX.MSG_DONTWAIT | LINUX.MSG_CMSG_CLOEXEC,
        ),
      );
      if (received === -1) {
        if (errno() === LINUX.EINTR) continue;
        return undefined; // EAGAIN: nothing queued
      }
      const { controlLength } = readMsghdr(msghdr.header);
      msghdr.keep.length;
      const pid = readCredentials(control, controlLength);
      if (pid === 0 || !accept(pid)) continue;
      const message: ReadinessMessage = { pid, ready: false };
      const text = new TextDecoder().decode(data.subarray(0, received));
      for (const line of text.split("\n")) {
        if (line === "READY=1") message.ready = true;
        else if (line.startsWith("STATUS=")) message.status = line.slice(7);
        else if (line.startsWith("ERRNO=")) message.errno = line.slice(6);
      }
      return message;
    }
    return undefined;
  }

  /** Closes the socket. */
  close(): void {
    if (this.#fd !== -1) libc().close(this.#fd);
    this.#fd = -1;
  }
}

/** The last `STATUS=` and `ERRNO=` a process sent, for an error message. */
export class SenderReport {
  #status: string | undefined;
  #errno: string | undefined;

  /**
   * Keeps what a message says.
   *
   * @param message The message.
   */
  add(message: ReadinessMessage): void {
    if (message.status !== undefined) this.#status = message.status;
    if (message.errno !== undefined) this.#errno = message.errno;
  }

  /**
   * What the process said, as ` (it sent STATUS=…, ERRNO=…)`.
   *
   * @returns The text, empty when it said nothing.
   */
  details(): string {
    const parts: string[] = [];
    if (this.#status) parts.push(`STATUS=${this.#status}`);
    if (this.#errno) parts.push(`ERRNO=${this.#errno}`);
    return parts.length ? ` (it sent ${parts.join(", ")})` : "";
  }
}

/**
 * Reads the sender's pid from an `SCM_CREDENTIALS` control message; closes
 * any fds that came along (`SCM_RIGHTS`).
 */
function readCredentials(control: Uint8Array, length: number): number {
  const view = new DataView(control.buffer);
  let pid = 0;
  for (let offset = 0; offset + CMSGHDR.data <= length;) {
    const cmsgLength = Number(
      view.getBigUint64(offset + CMSGHDR.cmsg_len, true),
    );
    if (cmsgLength < CMSGHDR.data) break;
    const level = view.getInt32(offset + CMSGHDR.cmsg_level, true);
    const type = view.getInt32(offset + CMSGHDR.cmsg_type, true);
    if (level === LINUX.SOL_SOCKET && type === LINUX.SCM_CREDENTIALS) {
      pid = view.getInt32(offset + CMSGHDR.data + UCRED.pid, true);
    } else if (level === LINUX.SOL_SOCKET && type === LINUX.SCM_RIGHTS) {
      for (let at = CMSGHDR.data; at + 4 <= cmsgLength; at += 4) {
        libc().close(view.getInt32(offset + at, true));
      }
    }
    offset += Math.ceil(cmsgLength / CMSGHDR.align) * CMSGHDR.align;
  }
  return pid;
}

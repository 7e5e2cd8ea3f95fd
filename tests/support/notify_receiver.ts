/**
 * A datagram receiver standing in for the service manager's notify socket,
 * built on libc (`socket`, `bind`, `recvmsg`) so that tests see the exact
 * bytes and the `SCM_RIGHTS` fds of each notification.
 *
 * @module
 */

import { bindLibc, errno, libc } from "../../_ffi.ts";
import {
  buildMsghdr,
  cmsgSpace,
  LINUX,
  readMsghdr,
  readScmRights,
} from "../../_linux.ts";
import { encodeUnixSockaddr } from "../../_sockaddr.ts";

// Bound once when a test file imports this: the library stays open by design,
// which the resource sanitizer of Deno 2.0.6 would report as a leak of
// whichever test first calls a libc function.
bindLibc();

/** One received datagram. */
export interface Datagram {
  /** The payload as text. */
  text: string;
  /** The payload's bytes. */
  bytes: Uint8Array;
  /** The fds that came with it (close-on-exec; the test must close them). */
  fds: number[];
  /** Whether the kernel truncated the control data (`MSG_CTRUNC`). */
  controlTruncated: boolean;
}

/** A bound `AF_UNIX` datagram socket; close it in `finally`. */
export class NotifyReceiver implements Disposable {
  #fd: number;
  /** The address to put in `NOTIFY_SOCKET`: a path or `@name`. */
  readonly address: string;

  private constructor(fd: number, address: string) {
    this.#fd = fd;
    this.address = address;
  }

  /**
   * Binds a receiver.
   *
   * @param address A file-system path or `@name` for an abstract socket.
   * @returns The receiver.
   */
  static bind(address: string): NotifyReceiver {
    const c = libc();
    const fd = c.socket(
      LINUX.AF_UNIX,
      LINUX.SOCK_DGRAM | LINUX.SOCK_CLOEXEC | LINUX.SOCK_NONBLOCK,
      0,
    );
    if (fd === -1) throw new Error(`socket() failed: errno ${errno()}`);
    const { bytes, length } = encodeUnixSockaddr(address);
    if (c.bind(fd, bytes, length) === -1) {
      const code = errno();
      c.close(fd);
      throw new Error(`bind("${address}") failed: errno ${code}`);
    }
    return new NotifyReceiver(fd, address);
  }

  /**
   * Receives one datagram if one is queued.
   *
   * @returns The datagram, or `undefined` when none is waiting.
   */
  tryReceive(): Datagram | undefined {
    const c = libc();
    const data = new Uint8Array(65536);
    const control = new Uint8Array(cmsgSpace(4 * 300));
    const msghdr = buildMsghdr({ data, control });
    const received = Number(
      c.recvmsg(
        this.#fd,
        msghdr.header,
        LINUX.MSG_DONTWAIT | LINUX.MSG_CMSG_CLOEXEC,
      ),
    );
    if (received === -1) {
      const code = errno();
      if (code === LINUX.EAGAIN) return undefined;
      throw new Error(`recvmsg() failed: errno ${code}`);
    }
    const { controlLength, flags } = readMsghdr(msghdr.header);
    const fds = readScmRights(control, controlLength);
    // Keep the buffers alive through the call.
    msghdr.keep.length;
    const bytes = data.slice(0, received);
    return {
      text: new TextDecoder().decode(bytes),
      bytes,
      fds,
      controlTruncated: (flags & LINUX.MSG_CTRUNC) !== 0,
    };
  }

  /**
   * Waits for one datagram.
   *
   * @param timeout How long to wait, in milliseconds.
   * @returns The datagram.
   */
  async receive(timeout = 5000): Promise<Datagram> {
    const deadline = Date.now() + timeout;
    while (true) {
      const datagram = this.tryReceive();
      if (datagram) return datagram;
      if (Date.now() > deadline) {
        throw new Error(`No datagram on "${this.address}" in ${timeout} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Drains every queued datagram. @returns The datagrams. */
  drain(): Datagram[] {
    const all: Datagram[] = [];
    for (let d = this.tryReceive(); d; d = this.tryReceive()) all.push(d);
    return all;
  }

  /** Closes the socket (and unlinks a path socket). */
  close(): void {
    if (this.#fd === -1) return;
    libc().close(this.#fd);
    this.#fd = -1;
    if (!this.address.startsWith("@")) {
      try {
        Deno.removeSync(this.address);
      } catch {
        // already gone
      }
    }
  }

  /** Closes the socket. */
  [Symbol.dispose](): void {
    this.close();
  }
}

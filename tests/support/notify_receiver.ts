/**
 * A datagram receiver standing in for the service manager's notify socket,
 * built on libc (`socket`, `bind`, `recvmsg`) so that tests see the exact
 * bytes and the `SCM_RIGHTS` fds of each notification.
 *
 * @module
 */

import { bindLibc, errno, libc, LINUX } from "../../ffi.ts";
import { encodeUnixSockaddr } from "../../sockaddr.ts";

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

const MSG_CTRUNC = 0x8;

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
    const iov = new Uint8Array(16);
    const control = new Uint8Array(16 + 4 * 300);
    const header = new Uint8Array(56);
    const iovView = new DataView(iov.buffer);
    iovView.setBigUint64(0, pointer(data), true);
    iovView.setBigUint64(8, BigInt(data.length), true);
    const view = new DataView(header.buffer);
    view.setBigUint64(16, pointer(iov), true);
    view.setBigUint64(24, 1n, true);
    view.setBigUint64(32, pointer(control), true);
    view.setBigUint64(40, BigInt(control.length), true);
    const received = Number(
      c.recvmsg(
        this.#fd,
        header,
        LINUX.MSG_DONTWAIT | LINUX.MSG_CMSG_CLOEXEC,
      ),
    );
    if (received === -1) {
      const code = errno();
      if (code === LINUX.EAGAIN) return undefined;
      throw new Error(`recvmsg() failed: errno ${code}`);
    }
    const controlLength = Number(view.getBigUint64(40, true));
    const flags = view.getInt32(48, true);
    const fds: number[] = [];
    const controlView = new DataView(control.buffer);
    for (let offset = 0; offset + 16 <= controlLength;) {
      const length = Number(controlView.getBigUint64(offset, true));
      const level = controlView.getInt32(offset + 8, true);
      const type = controlView.getInt32(offset + 12, true);
      if (level === LINUX.SOL_SOCKET && type === LINUX.SCM_RIGHTS) {
        for (let at = offset + 16; at + 4 <= offset + length; at += 4) {
          fds.push(controlView.getInt32(at, true));
        }
      }
      offset += Math.ceil(length / 8) * 8;
      if (length === 0) break;
    }
    // Keep the buffers alive through the call.
    [data, iov, control].length;
    const bytes = data.slice(0, received);
    return {
      text: new TextDecoder().decode(bytes),
      bytes,
      fds,
      controlTruncated: (flags & MSG_CTRUNC) !== 0,
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

function pointer(buffer: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}

/**
 * Raw fd I/O through libc, for fds Deno has no resource for (memfds from the
 * fd store, files of `/proc` that Deno's own APIs refuse without
 * `--allow-all`).
 *
 * @module
 */

import { libc, syscallError } from "./_ffi.ts";

/**
 * The read buffer, shared: a hand-off reads several small `/proc` files, and
 * a fresh 64 KiB buffer per `read()` showed in its time.
 */
let chunk: Uint8Array | undefined;

/**
 * Reads an fd from its current offset to the end.
 *
 * @param fd The fd.
 * @returns Every byte read.
 * @throws {ListenFdsError} `SYSCALL_FAILED` when `read()` fails.
 */
export function readToEnd(fd: number): Uint8Array {
  const c = libc();
  const buffer = chunk ??= new Uint8Array(65536);
  const parts: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const n = Number(c.read(fd, buffer, BigInt(buffer.length)));
    if (n === -1) throw syscallError(`Cannot read fd ${fd}`, "read", fd);
    if (n === 0) break;
    parts.push(buffer.slice(0, n));
    total += n;
  }
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

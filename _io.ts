/**
 * Raw fd I/O through libc, for fds Deno has no resource for (memfds from the
 * fd store, files of `/proc` that Deno's own APIs refuse without
 * `--allow-all`).
 *
 * @module
 */

import { libc, syscallError } from "./_ffi.ts";

/**
 * Reads an fd from its current offset to the end.
 *
 * @param fd The fd.
 * @returns Every byte read.
 * @throws {ListenFdsError} `SYSCALL_FAILED` when `read()` fails.
 */
export function readToEnd(fd: number): Uint8Array {
  const c = libc();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const buffer = new Uint8Array(65536);
    const n = Number(c.read(fd, buffer, BigInt(buffer.length)));
    if (n === -1) throw syscallError(`Cannot read fd ${fd}`, "read", fd);
    if (n === 0) break;
    chunks.push(buffer.subarray(0, n));
    total += n;
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}

/**
 * Shared test helpers: paths, peers, free ports, child processes.
 *
 * @module
 */

import { fromFileUrl, join } from "@std/path";

/** The repository's root directory. */
export const ROOT: string = fromFileUrl(new URL("../..", import.meta.url));

/** The running Deno binary, used to start services under test. */
export const DENO: string = Deno.execPath();

/** `systemd-socket-activate` from systemd 252 (installed on the machine). */
export const SOCKET_ACTIVATE_252 = "/usr/bin/systemd-socket-activate";

/** Where `tools/systemd-262` keeps what it fetched. */
const SYSTEMD_262: string = join(ROOT, ".tools", "systemd-262");

/**
 * The systemd 262 `systemd-socket-activate` (sets `LISTEN_PIDFDID`), a
 * wrapper written by `tools/systemd-262`.
 */
export const SOCKET_ACTIVATE_262: string = join(
  SYSTEMD_262,
  "bin",
  "systemd-socket-activate",
);

/** The unpacked systemd 262 packages (`tools/systemd-262 --root`). */
export const SYSTEMD_262_ROOT: string = join(SYSTEMD_262, "root");

/**
 * Fails the test loudly when a peer program is missing: tests that need a
 * peer are never skipped.
 *
 * @param path The program's path.
 * @param install The command that provides it.
 * @returns The path, when it exists and is executable.
 */
export function requirePeer(path: string, install = "tools/setup"): string {
  try {
    const info = Deno.statSync(path);
    if (info.isFile && (info.mode ?? 0o111) & 0o111) return path;
  } catch {
    // fall through
  }
  throw new Error(
    `Cannot run this test: peer "${path}" is missing; run ${install}`,
  );
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago.
 *
 * @returns The port.
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Polls until `check` returns a value other than `undefined`/`false`.
 *
 * The timeout only guards against a hang. When waiting for a count to grow
 * (requests answered), pass `progress`: the timeout then runs from its last
 * change, so a slow but moving machine never fails the wait, and a test never
 * asserts a rate.
 *
 * @param check The condition.
 * @param options How long to wait, what to say on timeout, and what shows
 * progress.
 * @returns The first truthy value of `check`.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeout?: number; what?: string; progress?: () => unknown } = {},
): Promise<T> {
  const timeout = options.timeout ?? 10_000;
  let deadline = Date.now() + timeout;
  let last = options.progress?.();
  while (true) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    const now = options.progress?.();
    if (now !== last) {
      last = now;
      deadline = Date.now() + timeout;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${options.what ?? "condition"}${
          options.progress ? ` (no progress for ${timeout} ms)` : ""
        }`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Connects to a TCP or Unix address, retrying while it is not yet listening,
 * sends an HTTP/1.0 GET and returns the whole response text.
 *
 * @param address Where to connect.
 * @param path The request path.
 * @returns The raw response (status line, headers and body).
 */
export async function httpGet(
  address: Deno.ConnectOptions | Deno.UnixConnectOptions,
  path = "/",
): Promise<string> {
  const conn = await Deno.connect(
    address as Deno.ConnectOptions & Deno.UnixConnectOptions,
  );
  try {
    await conn.write(
      new TextEncoder().encode(`GET ${path} HTTP/1.0\r\nHost: test\r\n\r\n`),
    );
    return await new Response(conn.readable).text();
  } catch (error) {
    try {
      conn.close();
    } catch {
      // already closed by the readable stream
    }
    throw error;
  }
}

/**
 * The body of an HTTP response text.
 *
 * @param response The raw response.
 * @returns Everything after the blank line.
 */
export function bodyOf(response: string): string {
  const index = response.indexOf("\r\n\r\n");
  return index === -1 ? "" : response.slice(index + 4);
}

/**
 * Lists the open fds of a process from `/proc/<pid>/fd`.
 *
 * @param pid The process id (`"self"` for this process).
 * @returns fd number → link target, e.g. `socket:[1234]`.
 */
export function openFds(pid: number | "self"): Map<number, string> {
  const fds = new Map<number, string>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      fds.set(
        Number(entry.name),
        Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`),
      );
    } catch {
      // the fd closed while we looked (e.g. the directory fd itself)
    }
  }
  return fds;
}

/**
 * An fd number that is not open in this process right now, for tests that
 * need a closed fd whatever fds the test runner inherited.
 *
 * @param from The lowest number to consider.
 * @returns The first closed fd at or above `from`.
 */
export function closedFd(from = 600): number {
  const open = openFds("self");
  let fd = from;
  while (open.has(fd)) fd++;
  return fd;
}

/**
 * How many connections wait in the accept queue of the listening TCP socket
 * on `port` (the `rx_queue` of its LISTEN line in `/proc/net/tcp{,6}`): a
 * test can wait until a server accepted what it was sent, or until clients
 * queue for the next one, instead of sleeping.
 *
 * @param port The local port.
 * @returns The queue length (summed over listeners on that port), or
 * `undefined` when nothing listens there.
 */
export function acceptQueueLength(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  let total: number | undefined;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = Deno.readTextFileSync(file);
    } catch {
      continue; // no IPv6
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address, st 0A = LISTEN, tx_queue:rx_queue
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A") {
        total = (total ?? 0) + parseInt(fields[4]!.split(":")[1]!, 16);
      }
    }
  }
  return total;
}

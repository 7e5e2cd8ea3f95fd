/**
 * A socket-activated service for the hand-off end-to-end tests.
 *
 * Usage: `adopt_service.ts <mode> [via] [--fail-verification]`, modes:
 * - `serve`: `ListenFds.serve()` on the first fd; `GET /shutdown` stops it.
 * - `listen`: `ListenFds.takeListener(0)`, echo; the line `quit` stops it.
 * - `multi`: `serve({ name: "http" })` + `takeListener("admin")` echo;
 *   `GET /shutdown` stops both.
 * - `datagram`: `takeDatagram(0)`, echo; the datagram `quit` stops it.
 * - `conn`: `takeConn(0)` (Accept=yes), echo one line with addresses.
 * - `inetd`: `adoptInetdConn()`, echo one line with addresses.
 * - `wrong`: `takeListener(0)` must fail with WRONG_FD_TYPE, then
 *   `takeDatagram(0)` echoes once.
 *
 * Reports JSON lines on stderr (`{"event": ...}`), ending with
 * `{"event":"fds", "leaked": [...], "activatedOpen": [...]}` after the
 * resources were closed.
 *
 * @module
 */

import {
  adoptInetdConn,
  inspectFd,
  ListenFds,
  ListenFdsError,
} from "../../mod.ts";
import { testHooks } from "../../adopt/epoll.ts";
import { readFdLink } from "../../adopt/proc.ts";
import { listOpenFds } from "../../adopt/proc.ts";

const [mode = "serve", via = "auto"] = Deno.args;
if (Deno.args.includes("--fail-verification")) {
  testHooks.failVerification = true;
}

const reportFile = Deno.env.get("ADOPT_REPORT");

function report(event: string, data: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ event, ...data });
  console.error(line);
  if (reportFile) {
    Deno.writeTextFileSync(reportFile, `${line}\n`, { append: true });
  }
}

function snapshot(): Map<number, string> {
  return new Map(listOpenFds().map((fd) => [fd, readFdLink(fd) ?? ""]));
}

const before = snapshot();
const fds = ListenFds.fromEnv();
const activated = Array.from({ length: fds.length }, (_, i) => fds.borrow(i)!);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * New fds that could come from a hand-off: sockets with an address (the
 * runtime itself lazily opens unnamed Unix socket pairs, which are not ours)
 * and `/dev/null` above fd 2 (a file placeholder).
 */
function leakedFds(after: Map<number, string>): string[] {
  return [...after].filter(([fd, link]) => {
    if (before.get(fd) === link) return false;
    if (link === "/dev/null") return fd > 2;
    if (!link.startsWith("socket:")) return false;
    const address = inspectFd(fd).socket?.address;
    return address !== undefined && !("path" in address && !address.path);
  }).map(([fd, link]) => `${fd}=${link}`);
}

async function finish(): Promise<void> {
  // Connections a client closed just now may still be draining out of the
  // runtime: look again for up to 2 s before reporting a leak.
  let after = snapshot();
  for (let i = 0; i < 40 && leakedFds(after).length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    after = snapshot();
  }
  const leaked = leakedFds(after);
  const activatedOpen = activated.filter(({ fd }) =>
    after.get(fd) === before.get(fd)
  ).map(({ fd }) => fd);
  report("fds", { leaked, activatedOpen });
}

/** An address as `tcp:127.0.0.1:80` or `unix:/path`. */
function show(addr: Deno.Addr): string {
  return "path" in addr
    ? `${addr.transport}:${addr.path}`
    : "hostname" in addr
    ? `${addr.transport}:${addr.hostname}:${addr.port}`
    : JSON.stringify(addr);
}

async function echoOnce(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(1024);
  const n = await conn.read(buffer) ?? 0;
  const text = decoder.decode(buffer.subarray(0, n));
  await conn.write(
    encoder.encode(
      `${text.trim()} ${show(conn.localAddr)} ${show(conn.remoteAddr)}\n`,
    ),
  );
  conn.close();
  return text;
}

function httpServer(
  selector: { name?: string; index?: number },
): Deno.HttpServer {
  const server: Deno.HttpServer = fds.serve({
    ...selector,
    via: via as "auto",
    onListen: (addr) => report("listening", { addr: show(addr) }),
    handler: (request, info) => {
      const path = new URL(request.url).pathname;
      if (path === "/shutdown") queueMicrotask(() => void server.shutdown());
      if (path === "/error") throw new Error("handler failed");
      return Response.json({
        addr: show(server.addr),
        remote: show(info.remoteAddr),
      });
    },
    onError: () => new Response("handled", { status: 599 }),
  });
  return server;
}

async function echoListener(listener: Deno.Listener): Promise<void> {
  report("listening", { addr: show(listener.addr) });
  for await (const conn of listener) {
    const text = await echoOnce(conn);
    if (text.startsWith("quit")) listener.close();
  }
}

try {
  switch (mode) {
    case "serve": {
      await httpServer({ index: 0 }).finished;
      break;
    }
    case "listen": {
      await echoListener(fds.takeListener(0, { via: via as "auto" }));
      break;
    }
    case "multi": {
      const admin = fds.takeListener("admin");
      const server = httpServer({ name: "http" });
      const echo = echoListener(admin);
      await server.finished;
      admin.close();
      await echo;
      break;
    }
    case "datagram": {
      const socket = fds.takeDatagram(0);
      report("listening", { addr: show(socket.addr) });
      for await (const [data, from] of socket) {
        await socket.send(data, from);
        if (decoder.decode(data).startsWith("quit")) socket.close();
      }
      break;
    }
    case "conn": {
      const conn = await fds.takeConn(0);
      // systemd (not systemd-socket-activate) describes the peer in the env.
      const remote = Deno.env.get("REMOTE_ADDR");
      if (remote) {
        report("remote", {
          env: `${remote}:${Deno.env.get("REMOTE_PORT")}`,
          conn: show(conn.remoteAddr).replace(/^tcp:/, ""),
        });
      }
      await echoOnce(conn);
      break;
    }
    case "inetd": {
      await echoOnce(await adoptInetdConn());
      break;
    }
    case "wrong": {
      try {
        fds.takeListener(0);
        report("error", { code: "none" });
      } catch (error) {
        report("error", {
          code: error instanceof ListenFdsError ? error.code : String(error),
          message: (error as Error).message,
          stillThere: fds.borrow(0) !== undefined,
        });
      }
      const socket = fds.takeDatagram(0);
      const [data, from] = await socket.receive();
      await socket.send(data, from);
      socket.close();
      break;
    }
    default:
      throw new Error(`Unknown mode "${mode}"`);
  }
} catch (error) {
  report("failed", {
    code: error instanceof ListenFdsError ? error.code : undefined,
    message: (error as Error).message,
  });
  Deno.exit(3);
}
await finish();

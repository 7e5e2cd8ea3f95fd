/**
 * The portable path for `serve()`: `node:http` (or `node:https` with
 * `cert`/`key`) listens on the activated fd (`listen({ fd })`, Deno 2.8.3 or
 * later) and each request is bridged to a `fetch`-style handler, so the
 * result behaves like {@linkcode Deno.HttpServer}. It needs no permission
 * flag, but serves about 40% of native `Deno.serve` throughput.
 *
 * `node:http` is loaded only when this path is taken (see `node_net.ts`).
 *
 * @module
 */

import type * as NodeHttp from "node:http";
import type * as NodeHttps from "node:https";
import { nodeBuiltin } from "./node_net.ts";

/** What {@linkcode nodeServe} needs from `Deno.serve`'s options. */
export interface NodeServeOptions {
  /** The request handler. */
  handler: Deno.ServeHandler;
  /** Turns a handler error into a response. */
  onError?: ((error: unknown) => Response | Promise<Response>) | undefined;
  /** Shuts the server down when aborted. */
  signal?: AbortSignal | undefined;
  /** TLS certificate chain (PEM). */
  cert?: string | undefined;
  /** TLS private key (PEM). */
  key?: string | undefined;
}

function defaultOnError(error: unknown): Response {
  console.error(error);
  return new Response("Internal Server Error", { status: 500 });
}

/**
 * Serves HTTP on a listening fd through `node:http` (or `node:https` with
 * `cert`/`key`), with `Deno.serve`'s handler contract.
 *
 * @param fd The listening socket (ownership moves to the server).
 * @param addr Its address.
 * @param options Handler, error handler, signal and TLS.
 * @returns A server shaped like {@linkcode Deno.HttpServer}.
 */
export function nodeServe(
  fd: number,
  addr: Deno.Addr,
  options: NodeServeOptions,
): Deno.HttpServer {
  const tls = options.cert !== undefined && options.key !== undefined;
  const bridge = requestBridge(addr, tls ? "https" : "http", options);
  const server = tls
    ? nodeBuiltin<typeof NodeHttps>("node:https").createServer(
      { cert: options.cert, key: options.key },
      bridge,
    )
    : nodeBuiltin<typeof NodeHttp>("node:http").createServer(bridge);
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => finish = resolve);
  server.on("close", () => finish());
  server.listen({ fd });
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shuttingDown ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }).then(() => finished);
    return shuttingDown;
  };
  options.signal?.addEventListener("abort", () => void shutdown(), {
    once: true,
  });
  return {
    addr,
    finished,
    shutdown,
    ref: () => void server.ref(),
    unref: () => void server.unref(),
    [Symbol.asyncDispose]: shutdown,
  } as Deno.HttpServer;
}

type NodeRequestListener = (
  req: NodeHttp.IncomingMessage,
  res: NodeHttp.ServerResponse,
) => Promise<void>;

/**
 * The `node:http` request listener that runs a `fetch`-style handler: the
 * request becomes a {@linkcode Request}, the {@linkcode Response} is written
 * back.
 */
function requestBridge(
  addr: Deno.Addr,
  scheme: "http" | "https",
  options: NodeServeOptions,
): NodeRequestListener {
  const onError = options.onError ?? defaultOnError;
  const host = "hostname" in addr
    ? (addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname) +
      `:${addr.port}`
    : "localhost";
  return async (req, res) => {
    const request = toRequest(
      req,
      res,
      `${scheme}://${req.headers.host ?? host}`,
    );
    let response: Response;
    try {
      response = await options.handler(request, handlerInfo(req, res, addr));
    } catch (error) {
      response = await onError(error);
    }
    await writeResponse(res, response, request.method);
  };
}

/** A {@linkcode Request} for a `node:http` request. */
function toRequest(
  req: NodeHttp.IncomingMessage,
  res: NodeHttp.ServerResponse,
  origin: string,
): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = hasBody
    ? new ReadableStream<Uint8Array>({
      start(controller): void {
        req.on("data", (chunk: Uint8Array) => controller.enqueue(chunk));
        req.on("end", () => controller.close());
        req.on("error", (error: unknown) => controller.error(error));
      },
    })
    : null;
  const request = new Request(
    `${origin}${req.url ?? "/"}`,
    hasBody
      ? { method, headers, body, duplex: "half" } as RequestInit
      : { method, headers },
  );
  // An AbortSignal per request costs a third of the throughput: create
  // `request.signal` only when the handler reads it.
  let aborter: AbortController | undefined;
  Object.defineProperty(request, "signal", {
    get(): AbortSignal {
      aborter ??= new AbortController();
      if (res.destroyed && !res.writableFinished) aborter.abort();
      return aborter.signal;
    },
  });
  res.on("close", () => {
    if (!res.writableFinished) aborter?.abort();
  });
  return request;
}

/** The second argument of the handler: the peer and `completed`. */
function handlerInfo(
  req: NodeHttp.IncomingMessage,
  res: NodeHttp.ServerResponse,
  addr: Deno.Addr,
): Deno.ServeHandlerInfo {
  const remoteAddr: Deno.Addr = "path" in addr
    ? { transport: "unix", path: "" }
    : {
      transport: "tcp",
      hostname: req.socket.remoteAddress ?? "",
      port: req.socket.remotePort ?? 0,
    };
  let completed: Promise<void> | undefined;
  return {
    remoteAddr,
    get completed(): Promise<void> {
      completed ??= res.closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => res.once("close", resolve));
      return completed;
    },
  } as Deno.ServeHandlerInfo;
}

/** Writes a {@linkcode Response} (status, headers, body) to `res`. */
async function writeResponse(
  res: NodeHttp.ServerResponse,
  response: Response,
  method: string,
): Promise<void> {
  const outHeaders: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") outHeaders[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outHeaders["set-cookie"] = cookies;
  res.writeHead(response.status, response.statusText, outHeaders);
  if (response.body === null || method === "HEAD") {
    res.end();
    return;
  }
  try {
    await writeBody(res, response.body.getReader());
  } catch (error) {
    res.destroy(error as Error);
  }
}

async function writeBody(
  res: NodeHttp.ServerResponse,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<void> {
  // Fast path: a body that is one chunk goes out with res.end().
  const first = await reader.read();
  if (first.done) return void res.end();
  let next = await reader.read();
  if (next.done) return void res.end(first.value);
  res.write(first.value);
  while (!next.done) {
    if (!res.write(next.value)) await drained(res);
    if (res.destroyed) return void await reader.cancel();
    next = await reader.read();
  }
  res.end();
}

/** Waits until `res` can take more data, or is closed. */
function drained(res: NodeHttp.ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    res.once("drain", resolve);
    res.once("close", resolve);
  });
}

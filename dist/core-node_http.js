// Built from the TypeScript sources by tools/build.ts (tools/deno task build): do not edit.
import {
  nodeBuiltin
} from "./chunk-4XNIASX6.js";

// _adopt/node_http.ts
var defaultOnError = (function defaultOnError(error) {
  console.error(error);
  return new Response("Internal Server Error", { status: 500 });
});
var nodeServe = (function nodeServe(fd, addr, options) {
  const tls = options.cert !== void 0 && options.key !== void 0;
  const bridge = requestBridge(addr, tls ? "https" : "http", options);
  const server = tls ? nodeBuiltin("node:https").createServer(
    { cert: options.cert, key: options.key },
    bridge
  ) : nodeBuiltin("node:http").createServer(bridge);
  let finish;
  const finished = new Promise((resolve) => finish = resolve);
  server.on("close", () => finish());
  server.listen({ fd });
  let shuttingDown;
  const shutdown = () => {
    shuttingDown ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }).then(() => finished);
    return shuttingDown;
  };
  options.signal?.addEventListener("abort", () => void shutdown(), {
    once: true
  });
  return {
    addr,
    finished,
    shutdown,
    ref: () => void server.ref(),
    unref: () => void server.unref(),
    [Symbol.asyncDispose]: shutdown
  };
});
var requestBridge = (function requestBridge(addr, scheme, options) {
  const onError = options.onError ?? defaultOnError;
  const host = "hostname" in addr ? (addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname) + `:${addr.port}` : "localhost";
  return async (req, res) => {
    const request = toRequest(
      req,
      res,
      `${scheme}://${req.headers.host ?? host}`
    );
    let response;
    try {
      response = await options.handler(request, handlerInfo(req, res, addr));
    } catch (error) {
      response = await onError(error);
    }
    await writeResponse(res, response, request.method);
  };
});
var toRequest = (function toRequest(req, res, origin) {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = hasBody ? new ReadableStream({
    start(controller) {
      req.on("data", (chunk) => controller.enqueue(chunk));
      req.on("end", () => controller.close());
      req.on("error", (error) => controller.error(error));
    }
  }) : null;
  const request = new Request(
    `${origin}${req.url ?? "/"}`,
    hasBody ? { method, headers, body, duplex: "half" } : { method, headers }
  );
  let aborter;
  Object.defineProperty(request, "signal", {
    get() {
      aborter ??= new AbortController();
      if (res.destroyed && !res.writableFinished) aborter.abort();
      return aborter.signal;
    }
  });
  res.on("close", () => {
    if (!res.writableFinished) aborter?.abort();
  });
  return request;
});
var handlerInfo = (function handlerInfo(req, res, addr) {
  const remoteAddr = "path" in addr ? { transport: "unix", path: "" } : {
    transport: "tcp",
    hostname: req.socket.remoteAddress ?? "",
    port: req.socket.remotePort ?? 0
  };
  let completed;
  return {
    remoteAddr,
    get completed() {
      completed ??= res.closed ? Promise.resolve() : new Promise((resolve) => res.once("close", resolve));
      return completed;
    }
  };
});
var writeResponse = (async function writeResponse(res, response, method) {
  const outHeaders = {};
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
    res.destroy(error);
  }
});
var writeBody = (async function writeBody(res, reader) {
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
});
var drained = (function drained(res) {
  return new Promise((resolve) => {
    res.once("drain", resolve);
    res.once("close", resolve);
  });
});
export {
  nodeServe
};

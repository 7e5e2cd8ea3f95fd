/**
 * The front-door demo: a real socket-activated Deno HTTP server.
 *
 * `systemd-socket-activate` (from systemd) binds 127.0.0.1:<port> and waits.
 * The first connection makes it exec `examples/http_server.ts`, which adopts
 * the listening socket with this module and answers; that connection was
 * never refused, only queued. Run it with `tools/deno task demo`.
 *
 * @module
 */
const ACTIVATOR = "systemd-socket-activate";
const server = decodeURIComponent(
  new URL("./http_server.ts", import.meta.url).pathname,
);

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

const port = freePort();
const flags = ["--allow-env", "--allow-ffi", "--allow-net=127.0.0.1"];
const command = [
  ACTIVATOR,
  "-l",
  `127.0.0.1:${port}`,
  "--fdname=http",
  "-E",
  "NO_COLOR=1",
  Deno.execPath(),
  "run",
  ...flags,
  server,
];
console.log(`$ ${command.join(" ")}`);
let child: Deno.ChildProcess;
try {
  child = new Deno.Command(command[0]!, {
    args: command.slice(1),
    stderr: "piped",
  }).spawn();
} catch (error) {
  console.error(
    `${ACTIVATOR} is not installed (Debian/Ubuntu: apt-get install systemd): ${error}`,
  );
  Deno.exit(1);
}

const log = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
let seen = "";
async function waitFor(text: string): Promise<void> {
  while (!seen.includes(text)) {
    const { value, done } = await log.read();
    if (done) throw new Error(`${ACTIVATOR} exited: ${seen}`);
    seen += value;
  }
}

let failed = false;
try {
  await waitFor("Listening on");
  const exe = await Deno.readLink(`/proc/${child.pid}/exe`);
  console.log(
    `\n${ACTIVATOR} (pid ${child.pid}, ${exe}) holds 127.0.0.1:${port}; no Deno runs yet.`,
  );
  for (const path of ["/hello", "/again", "/and-again"]) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    const body = await response.json();
    const ms = (performance.now() - started).toFixed(1);
    console.log(
      `GET ${path} -> ${response.status} ${JSON.stringify(body)} (${ms} ms)`,
    );
    if (!body.activated || body.pid !== child.pid) failed = true;
  }
  const exeAfter = await Deno.readLink(`/proc/${child.pid}/exe`);
  console.log(
    `\nThe first request started the server: pid ${child.pid} is now ${exeAfter}, ` +
      `serving on the socket it inherited as fd 3 (LISTEN_PID matched, fd made close-on-exec, ` +
      `LISTEN_* removed from its environment).`,
  );
  await waitFor("serving on");
  console.log(
    seen.split("\n").filter((line) => line.startsWith("pid ")).join("\n"),
  );
} catch (error) {
  console.error(`demo failed: ${error}\n${seen}`);
  failed = true;
} finally {
  child.kill("SIGTERM");
  await child.status;
  await log.cancel();
}
console.log(failed ? "\ndemo FAILED" : "\ndemo OK");
Deno.exit(failed ? 1 : 0);

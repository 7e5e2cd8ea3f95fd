/**
 * ListenFds.fromEnv() under real activators: systemd-socket-activate from
 * systemd 252 (installed) and 262 (the only peer here that sets
 * LISTEN_PIDFDID). A missing peer fails the test.
 */
import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import {
  DENO,
  freePort,
  requirePeer,
  ROOT,
  SOCKET_ACTIVATE_252,
  SOCKET_ACTIVATE_262,
} from "../support/helpers.ts";

const SERVICE = join(ROOT, "tests", "fixtures", "services", "report_env.ts");

// deno-lint-ignore no-explicit-any
type Report = any;

/**
 * Starts `peer ARGS… deno run -A report_env.ts`, waits for it to listen,
 * triggers activation and returns the service's report.
 */
async function activate(
  peer: string,
  args: string[],
  trigger: () => Promise<void>,
): Promise<Report> {
  const child = new Deno.Command(requirePeer(peer), {
    args: [...args, DENO, "run", "-A", SERVICE, "--child"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout
    .pipeThrough(new TextDecoderStream())
    .values();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  try {
    const sockets = args.filter((arg) => arg === "-l").length;
    while ((log.match(/Listening on .*\n/g) ?? []).length < sockets) {
      const { value, done } = await stderr.read();
      if (done) throw new Error(`peer exited before listening: ${log}`);
      log += value;
    }
    await trigger();
    let text = "";
    const deadline = setTimeout(() => child.kill("SIGKILL"), 20_000);
    try {
      for await (const chunk of lines) {
        text += chunk;
        if (text.includes("\n")) break;
      }
    } finally {
      clearTimeout(deadline);
    }
    if (!text.includes("\n")) {
      throw new Error(`the service printed no report within 20 s: ${text}`);
    }
    return JSON.parse(text);
  } finally {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited (the peer execs the service, which ends by itself)
    }
    await child.status;
    await stderr.cancel();
  }
}

async function connectTcp(hostname: string, port: number): Promise<void> {
  const conn = await Deno.connect({ hostname, port });
  conn.close();
}

Deno.test("ListenFds.fromEnv() adopts a TCP v4 listener from systemd-socket-activate 252", async () => {
  const port = freePort();
  const report = await activate(
    SOCKET_ACTIVATE_252,
    ["-l", `127.0.0.1:${port}`],
    () => connectTcp("127.0.0.1", port),
  );
  assertEquals(report.error, undefined);
  assertEquals(report.names, ["unknown"]);
  assertEquals(report.verification, { pid: "verified", pidfdId: "absent" });
  assertEquals(report.fds[0].socket.address, {
    transport: "tcp",
    hostname: "127.0.0.1",
    port,
  });
  assertEquals(report.fds[0].socket.listening, true);
  assertEquals(report.after, [{ open: true, cloexec: true }]);
  assertEquals(report.env.LISTEN_FDS, null);
  assertEquals(report.env.LISTEN_PID, null);
});

Deno.test("ListenFds.fromEnv() adopts TCP v6, Unix and named fds from systemd-socket-activate 252", async () => {
  const port = freePort();
  const dir = await Deno.makeTempDir();
  const path = join(dir, "web.sock");
  try {
    const report = await activate(
      SOCKET_ACTIVATE_252,
      [
        "-l",
        `[::1]:${port}`,
        "-l",
        path,
        "-l",
        `127.0.0.1:${port}`,
        "--fdname=web6:sock:web4",
      ],
      () => connectTcp("::1", port),
    );
    assertEquals(report.error, undefined);
    assertEquals(report.names, ["web6", "sock", "web4"]);
    assertEquals(
      report.fds.map((f: Report) => [f.fd, f.socket.family, f.socket.type]),
      [[3, "inet6", "stream"], [4, "unix", "stream"], [5, "inet", "stream"]],
    );
    assertEquals(report.fds[0].socket.address.hostname, "::1");
    assertEquals(report.fds[1].socket.address.path, path);
    assertEquals(
      report.after,
      [{ open: true, cloexec: true }, { open: true, cloexec: true }, {
        open: true,
        cloexec: true,
      }],
    );
    for (const line of report.childFds as string[]) {
      for (const fd of report.fds) {
        assert(
          !line.endsWith(`socket:[${fd.inode}]`),
          `child inherited ${line}`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ListenFds.fromEnv() adopts a UDP socket from systemd-socket-activate 252 --datagram", async () => {
  const port = freePort();
  const report = await activate(
    SOCKET_ACTIVATE_252,
    ["--datagram", "-l", `127.0.0.1:${port}`, "--fdname=dns"],
    async () => {
      const sender = new Deno.Command("python3", {
        args: [
          "-c",
          `import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", ${port}))`,
        ],
      });
      await sender.output();
    },
  );
  assertEquals(report.error, undefined);
  assertEquals(report.names, ["dns"]);
  assertEquals(report.fds[0].socket.type, "dgram");
  assertEquals(report.fds[0].socket.listening, false);
  assertEquals(report.fds[0].socket.address.transport, "udp");
});

Deno.test("ListenFds.fromEnv() adopts a connection from systemd-socket-activate 252 -a", async () => {
  const port = freePort();
  let client: Deno.TcpConn | undefined;
  const report = await activate(
    SOCKET_ACTIVATE_252,
    ["-a", "-l", `127.0.0.1:${port}`, "--fdname=connection"],
    async () => {
      // Kept open until the service has looked at it.
      client = await Deno.connect({ hostname: "127.0.0.1", port });
    },
  );
  client?.close();
  assertEquals(report.error, undefined);
  assertEquals(report.names, ["connection"]);
  assertEquals(report.fds[0].socket.listening, false);
  assertEquals(report.fds[0].socket.peer.port, client?.localAddr.port);
  assertEquals(report.fds[0].socket.address.port, port);
});

Deno.test("ListenFds.fromEnv() verifies LISTEN_PIDFDID from systemd-socket-activate 262", async () => {
  const port = freePort();
  const report = await activate(
    SOCKET_ACTIVATE_262,
    ["-l", `127.0.0.1:${port}`, "--fdname=web"],
    () => connectTcp("127.0.0.1", port),
  );
  assertEquals(report.error, undefined);
  assertEquals(report.names, ["web"]);
  assertEquals(report.verification, { pid: "verified", pidfdId: "verified" });
  assertEquals(report.env.LISTEN_PIDFDID, null);
});

import {
  assertEquals,
  assertInstanceOf,
  assertObjectMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { ListenFdsError } from "../../_errors.ts";
import { parseLaunchArgs, USAGE } from "../../_launcher/args.ts";
import { describeSocket, parseSocketSpec } from "../../_launcher/spec.ts";
import type { InetSocketSpec } from "../../_launcher/spec.ts";

function specError(spec: string, reason: string): void {
  const error = assertThrows(() => parseSocketSpec(spec), ListenFdsError);
  assertEquals(error.code, "INVALID_SOCKET_SPEC");
  assertEquals(error.value, spec);
  assertEquals(error.message, `Cannot parse socket spec "${spec}": ${reason}`);
}

function argsError(
  args: string[],
  message: string,
  code = "INVALID_ARGUMENT",
): void {
  const error = assertThrows(() => parseLaunchArgs(args), ListenFdsError);
  assertEquals(error.code, code);
  assertEquals(error.message, message);
}

function inet(
  spec: string,
  scheme: InetSocketSpec["scheme"],
  family: InetSocketSpec["family"],
  hostname: string,
  port: number,
  name?: string,
): InetSocketSpec {
  return {
    transport: scheme === "udp" ? "udp" : "tcp",
    scheme,
    family,
    hostname,
    port,
    name,
    spec,
  };
}

Deno.test("parseSocketSpec() reads a bare port as TCP on 127.0.0.1", () => {
  assertEquals(
    parseSocketSpec("3000"),
    inet("3000", "tcp", "inet", "127.0.0.1", 3000),
  );
  assertObjectMatch(parseSocketSpec("0"), { port: 0 });
  assertObjectMatch(parseSocketSpec("65535"), { port: 65535 });
});

Deno.test("parseSocketSpec() reads bare IPv4 and bracketed IPv6 addresses as TCP", () => {
  assertEquals(
    parseSocketSpec("0.0.0.0:8080"),
    inet("0.0.0.0:8080", "tcp", "inet", "0.0.0.0", 8080),
  );
  assertEquals(
    parseSocketSpec("[::1]:3000"),
    inet("[::1]:3000", "tcp", "inet6", "::1", 3000),
  );
  assertEquals(
    parseSocketSpec("[::]:0"),
    inet("[::]:0", "tcp", "inet6", "::", 0),
  );
});

Deno.test("parseSocketSpec() reads a bare value with a slash as a Unix path", () => {
  assertEquals(parseSocketSpec("./x.sock"), {
    transport: "unix",
    scheme: "unix",
    path: "./x.sock",
    name: undefined,
    spec: "./x.sock",
  });
  assertEquals(
    parseSocketSpec("/tmp/a:b.sock"),
    {
      transport: "unix",
      scheme: "unix",
      path: "/tmp/a:b.sock",
      name: undefined,
      spec: "/tmp/a:b.sock",
    },
  );
});

Deno.test("parseSocketSpec() reads every type prefix", () => {
  assertEquals(
    parseSocketSpec("tcp::8080"),
    inet("tcp::8080", "tcp", "inet", "127.0.0.1", 8080),
  );
  assertEquals(
    parseSocketSpec("tcp::0.0.0.0:8080"),
    inet("tcp::0.0.0.0:8080", "tcp", "inet", "0.0.0.0", 8080),
  );
  assertEquals(
    parseSocketSpec("http::3000"),
    inet("http::3000", "http", "inet", "127.0.0.1", 3000),
  );
  assertEquals(
    parseSocketSpec("https::[::]:8443"),
    inet("https::[::]:8443", "https", "inet6", "::", 8443),
  );
  assertEquals(
    parseSocketSpec("udp::5353"),
    inet("udp::5353", "udp", "inet", "127.0.0.1", 5353),
  );
  assertEquals(
    parseSocketSpec("udp::[::1]:5353"),
    inet("udp::[::1]:5353", "udp", "inet6", "::1", 5353),
  );
  assertObjectMatch(parseSocketSpec("unix::/run/x.sock"), {
    transport: "unix",
    path: "/run/x.sock",
  });
  assertObjectMatch(parseSocketSpec("unix::rel.sock"), {
    transport: "unix",
    path: "rel.sock",
  });
  assertObjectMatch(parseSocketSpec("unix::@abstract"), {
    transport: "unix",
    path: "@abstract",
  });
});

Deno.test("parseSocketSpec() reads a NAME= prefix", () => {
  assertEquals(
    parseSocketSpec("web=http::3000"),
    inet("web=http::3000", "http", "inet", "127.0.0.1", 3000, "web"),
  );
  assertEquals(parseSocketSpec("api-v1.x=8080").name, "api-v1.x");
  assertObjectMatch(parseSocketSpec("admin=unix::/tmp/a=b.sock"), {
    name: "admin",
    path: "/tmp/a=b.sock",
  });
  // A path with "/" before "=" is not a name.
  assertObjectMatch(parseSocketSpec("./a=b.sock"), {
    name: undefined,
    path: "./a=b.sock",
  });
});

Deno.test("parseSocketSpec() rejects an empty spec", () => {
  specError("", "spec is empty");
});

Deno.test("parseSocketSpec() rejects an unknown type", () => {
  specError(
    "ftp::21",
    'unknown socket type "ftp"; expected tcp, http, https, unix or udp',
  );
  specError(
    "TCP::21",
    'unknown socket type "TCP"; expected tcp, http, https, unix or udp',
  );
});

Deno.test("parseSocketSpec() rejects a type with nothing after it", () => {
  specError("tcp::", 'nothing follows "tcp::"');
  specError("unix::", 'nothing follows "unix::"');
});

Deno.test("parseSocketSpec() rejects a bare word", () => {
  specError(
    "localhost",
    "not a port, an address or a path; write a type such as tcp:: or unix::",
  );
});

Deno.test("parseSocketSpec() rejects bad ports", () => {
  specError("70000", "port 70000 is out of range (0 to 65535)");
  specError("tcp::1.2.3.4:65536", "port 65536 is out of range (0 to 65535)");
  specError("tcp::1.2.3.4:", 'port "" is not a decimal number');
  specError("tcp::1.2.3.4:http", 'port "http" is not a decimal number');
  specError("udp::-1", 'expected PORT, IPV4:PORT or [IPV6]:PORT, got "-1"');
  specError("tcp::+80", 'expected PORT, IPV4:PORT or [IPV6]:PORT, got "+80"');
});

Deno.test("parseSocketSpec() rejects bad hosts", () => {
  specError("tcp::1.2.3:80", '"1.2.3" is not an IPv4 address');
  specError("tcp::01.2.3.4:80", '"01.2.3.4" is not an IPv4 address');
  specError(
    "localhost:3000",
    '"localhost" is not a literal IP address (host names are not resolved)',
  );
  specError("::1:3000", "IPv6 addresses need brackets, as in [::1]:PORT");
  specError("tcp::[::1]", 'expected [IPV6]:PORT, got "[::1]"');
  specError("[zz::1]:80", '"zz::1" is not an IPv6 address');
  specError(
    "[fe80::1%eth0]:80",
    'IPv6 zone ids are not supported ("fe80::1%eth0")',
  );
});

Deno.test("parseSocketSpec() rejects bad Unix paths", () => {
  specError("unix::@", "abstract socket name is empty");
  specError("unix::/a\0b", "path contains a NUL byte");
  const long = `/${"x".repeat(107)}`;
  specError(
    `unix::${long}`,
    "path is 108 bytes, longer than the 107 a Unix socket allows",
  );
  assertEquals(
    (parseSocketSpec(`unix::${long.slice(1)}`) as { path: string }).path
      .length,
    107,
  );
});

Deno.test("parseSocketSpec() rejects bad names", () => {
  specError(
    "=3000",
    "not a port, an address or a path; write a type such as tcp:: or unix::",
  );
  specError("web=", "nothing follows the name");
  specError(
    `${"n".repeat(256)}=3000`,
    `fd name "${
      "n".repeat(256)
    }" is invalid: name is longer than 255 characters`,
  );
  specError(
    "caf\u00e9=3000",
    'fd name "caf\u00e9" is invalid: name has a character that is not printable ASCII',
  );
});

Deno.test("describeSocket() shows URLs for http and https, type and address otherwise", () => {
  const show = (spec: string) => {
    const parsed = parseSocketSpec(spec);
    return describeSocket(parsed, {});
  };
  assertEquals(show("http::3000"), "http://127.0.0.1:3000/");
  assertEquals(show("https::[::1]:8443"), "https://[::1]:8443/");
  assertEquals(show("tcp::0.0.0.0:80"), "tcp 0.0.0.0:80");
  assertEquals(show("udp::[::]:53"), "udp [::]:53");
  assertEquals(show("unix::/run/x.sock"), "unix /run/x.sock");
  assertEquals(
    describeSocket(parseSocketSpec("http::0"), {
      hostname: "127.0.0.1",
      port: 4242,
    }),
    "http://127.0.0.1:4242/",
  );
});

Deno.test("parseLaunchArgs() reads sockets, names and the command", () => {
  const config = parseLaunchArgs([
    "-s",
    "web=http::3000",
    "--socket=udp::5353",
    "-s./x.sock",
    "--",
    "deno",
    "run",
    "-A",
    "main.ts",
  ]);
  assertEquals(config.sockets.map((s) => s.spec), [
    "web=http::3000",
    "udp::5353",
    "./x.sock",
  ]);
  assertEquals(config.names, ["web", "unknown", "unknown"]);
  assertEquals(config.command, ["deno", "run", "-A", "main.ts"]);
  assertEquals(config.noPid, false);
  assertEquals(config.accept, false);
  assertEquals(config.backlog, 1024);
  assertEquals(config.debounce, 100);
  assertEquals(config.stopTimeout, 5000);
  assertEquals(config.upgradeOn, undefined);
  assertEquals(config.upgradeTimeout, 30000);
  assertEquals(config.reuse, true);
});

Deno.test("parseLaunchArgs() stops at the first non-option", () => {
  const config = parseLaunchArgs([
    "-s",
    "3000",
    "sh",
    "-c",
    "echo",
    "--no-pid",
  ]);
  assertEquals(config.command, ["sh", "-c", "echo", "--no-pid"]);
  assertEquals(config.noPid, false);
  assertEquals(config.names, undefined);
});

Deno.test("parseLaunchArgs() reads every option", () => {
  const config = parseLaunchArgs([
    "-s",
    "3000",
    "-s",
    "3001",
    "--fdname",
    "a:b",
    "--no-pid",
    "-w",
    "src",
    "--watch=lib",
    "--debounce",
    "50",
    "--stop-timeout=200",
    "--upgrade-on",
    "usr2",
    "--upgrade-timeout=1500",
    "-E",
    "FOO=bar=baz",
    "--setenv",
    "HOME",
    "-b",
    "16",
    "--no-reuse",
    "-q",
    "--",
    "x",
  ]);
  assertEquals(config.names, ["a", "b"]);
  assertEquals(config.noPid, true);
  assertEquals(config.watch, ["src", "lib"]);
  assertEquals(config.debounce, 50);
  assertEquals(config.stopTimeout, 200);
  assertEquals(config.upgradeOn, "SIGUSR2");
  assertEquals(config.upgradeTimeout, 1500);
  assertEquals(config.setEnv, [
    { name: "FOO", value: "bar=baz" },
    { name: "HOME", value: undefined },
  ]);
  assertEquals(config.backlog, 16);
  assertEquals(config.reuse, false);
  assertEquals(config.quiet, true);
  assertEquals(
    parseLaunchArgs(["-a", "-s", "1", "--", "x"]).accept,
    true,
  );
  for (const name of ["SIGHUP", "HUP", "hup", "SIGUSR1"]) {
    assertEquals(
      parseLaunchArgs(["--upgrade-on", name, "-s", "1", "x"]).upgradeOn,
      name === "SIGUSR1" ? "SIGUSR1" : "SIGHUP",
    );
  }
});

Deno.test("parseLaunchArgs() names every socket with one --fdname, as systemd-socket-activate does", () => {
  assertEquals(
    parseLaunchArgs(["--fdname", "web", "-s", "1", "-s", "2", "x"]).names,
    ["web", "web"],
  );
  assertEquals(
    parseLaunchArgs(["--fdname", "a:b", "-s", "1", "-s", "2", "-s", "3", "x"])
      .names,
    ["a", "b", "unknown"],
  );
});

Deno.test("parseLaunchArgs() accepts --help without a command", () => {
  assertEquals(parseLaunchArgs(["--help"]).help, true);
  assertEquals(parseLaunchArgs(["-h"]).help, true);
  assertStringIncludes(USAGE, "[NAME=][TYPE::]VALUE");
});

Deno.test("parseLaunchArgs() rejects every malformed command line", () => {
  argsError(
    ["--frobnicate", "x"],
    'Cannot parse option "--frobnicate": unknown option',
  );
  argsError(["-s"], 'Cannot parse option "-s": a value is required');
  argsError(
    ["--no-pid=1", "x"],
    'Cannot parse option "--no-pid=1": --no-pid takes no value',
  );
  argsError(["-aq", "x"], 'Cannot parse option "-aq": --accept takes no value');
  argsError(["-s", "1"], "Cannot launch: no command given (put it after --)");
  argsError(["--", "x"], "Cannot launch: no socket given (add --socket SPEC)");
  argsError(
    ["-s", "a=1", "--fdname", "b", "x"],
    "Cannot name the sockets: use either --fdname or NAME= prefixes, not both",
  );
  argsError(
    ["-s", "1", "--fdname", "a:b", "x"],
    "Cannot name the sockets: 2 names for 1 sockets",
  );
  argsError(
    ["--fdname", "a::b", "-s", "1", "x"],
    'Cannot parse --fdname "a::b": fd name "" is invalid: name is empty',
  );
  argsError(
    ["-w", "", "-s", "1", "x"],
    'Cannot parse --watch "": path is empty',
  );
  argsError(
    ["-E", "1X=2", "-s", "1", "x"],
    'Cannot parse --setenv "1X=2": "1X" is not a variable name',
  );
  argsError(
    ["--debounce", "-5", "-s", "1", "x"],
    'Cannot parse --debounce "-5": expected an integer from 0 to 2147483647',
  );
  argsError(
    ["-b", "0", "-s", "1", "x"],
    'Cannot parse --backlog "0": expected an integer from 1 to 2147483647',
  );
  argsError(
    ["-a", "-s", "udp::53", "x"],
    'Cannot accept connections on "udp::53": --accept needs stream sockets',
  );
  argsError(
    ["-a", "-w", "src", "-s", "1", "x"],
    "Cannot combine --accept with --watch",
  );
  argsError(
    ["--upgrade-on", "SIGTERM", "-s", "1", "x"],
    'Cannot parse --upgrade-on "SIGTERM": expected SIGHUP, SIGUSR1 or SIGUSR2',
  );
  argsError(
    ["--upgrade-timeout", "100", "-s", "1", "x"],
    "Cannot use --upgrade-timeout without --upgrade-on",
  );
  argsError(
    ["--upgrade-on", "HUP", "--upgrade-timeout", "0", "-s", "1", "x"],
    'Cannot parse --upgrade-timeout "0": expected an integer from 1 to 2147483647',
  );
  argsError(
    ["-a", "--upgrade-on", "HUP", "-s", "1", "x"],
    "Cannot combine --accept with --upgrade-on",
  );
  argsError(
    ["-s", "nope::1", "x"],
    'Cannot parse socket spec "nope::1": unknown socket type "nope"; expected tcp, http, https, unix or udp',
    "INVALID_SOCKET_SPEC",
  );
});

Deno.test("parseLaunchArgs() errors are ListenFdsError with the offending value", () => {
  const error = assertThrows(
    () => parseLaunchArgs(["--backlog", "lots", "-s", "1", "x"]),
    ListenFdsError,
  );
  assertInstanceOf(error, Error);
  assertEquals(error.value, "lots");
});

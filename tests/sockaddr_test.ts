import { assertEquals, assertThrows } from "@std/assert";
import { ListenFdsError } from "../_errors.ts";
import {
  decodeSockaddr,
  encodeInetSockaddr,
  encodeUnixSockaddr,
  parseIpv4,
  parseIpv6,
} from "../_sockaddr.ts";

function roundTrip(hostname: string, port: number): unknown {
  const bytes = encodeInetSockaddr(hostname, port);
  return decodeSockaddr(bytes, bytes.length, "tcp");
}

Deno.test("encodeInetSockaddr() and decodeSockaddr() round-trip IPv4", () => {
  assertEquals(roundTrip("127.0.0.1", 8080), {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: 8080,
  });
  assertEquals(
    encodeInetSockaddr("10.1.2.3", 0x1234).slice(0, 8),
    Uint8Array.of(2, 0, 0x12, 0x34, 10, 1, 2, 3),
  );
});

Deno.test("decodeSockaddr() writes IPv6 addresses in their shortest form", () => {
  const vectors: [string, string][] = [
    ["::1", "::1"],
    ["::", "::"],
    ["fe80:0:0:0:0:0:0:1", "fe80::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"],
    ["1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
    ["[::1]", "::1"],
  ];
  for (const [input, output] of vectors) {
    assertEquals(roundTrip(input, 53), {
      transport: "tcp",
      hostname: output,
      port: 53,
    }, input);
  }
});

Deno.test("decodeSockaddr() reports the transport it is given", () => {
  const bytes = encodeInetSockaddr("127.0.0.1", 53);
  assertEquals(decodeSockaddr(bytes, bytes.length, "udp"), {
    transport: "udp",
    hostname: "127.0.0.1",
    port: 53,
  });
});

Deno.test("encodeUnixSockaddr() encodes paths and abstract names", () => {
  const path = encodeUnixSockaddr("/run/x.sock");
  assertEquals(path.length, 2 + "/run/x.sock".length + 1);
  assertEquals(decodeSockaddr(path.bytes, path.length, "unix"), {
    transport: "unix",
    path: "/run/x.sock",
  });
  const abstract = encodeUnixSockaddr("@name");
  assertEquals(abstract.length, 2 + 1 + 4);
  assertEquals(abstract.bytes[2], 0);
  assertEquals(decodeSockaddr(abstract.bytes, abstract.length, "unixpacket"), {
    transport: "unixpacket",
    path: "@name",
  });
});

Deno.test("encodeUnixSockaddr() rejects empty and overlong names", () => {
  for (const path of ["", "@"]) {
    const error = assertThrows(
      () => encodeUnixSockaddr(path),
      ListenFdsError,
      "name is empty",
    );
    assertEquals(error.code, "INVALID_ARGUMENT");
  }
  encodeUnixSockaddr("/" + "a".repeat(106));
  assertThrows(
    () => encodeUnixSockaddr("/" + "a".repeat(107)),
    ListenFdsError,
    "longer than 107 bytes",
  );
  encodeUnixSockaddr("@" + "a".repeat(107));
  assertThrows(
    () => encodeUnixSockaddr("@" + "a".repeat(108)),
    ListenFdsError,
    "longer than 107 bytes",
  );
});

Deno.test("decodeSockaddr() returns undefined for unknown or short input", () => {
  assertEquals(decodeSockaddr(new Uint8Array(16), 1, "tcp"), undefined);
  assertEquals(decodeSockaddr(Uint8Array.of(99, 0, 0, 0), 4, "tcp"), undefined);
  assertEquals(decodeSockaddr(Uint8Array.of(1, 0), 2, "unix"), {
    transport: "unix",
    path: "",
  });
});

Deno.test("encodeInetSockaddr() rejects names and malformed addresses", () => {
  for (
    const hostname of [
      "localhost",
      "1.2.3",
      "1.2.3.256",
      "01.2.3.4",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "::g",
    ]
  ) {
    const error = assertThrows(
      () => encodeInetSockaddr(hostname, 1),
      ListenFdsError,
      `"${hostname}"`,
    );
    assertEquals(error.code, "INVALID_ARGUMENT");
  }
});

Deno.test("parseIpv4() and parseIpv6() accept exactly the literal forms", () => {
  assertEquals(parseIpv4("255.255.255.255"), Uint8Array.of(255, 255, 255, 255));
  assertEquals(parseIpv4("1.2.3"), undefined);
  assertEquals(parseIpv6("1:2:3:4:5:6:7:8")?.length, 16);
  assertEquals(
    parseIpv6("::ffff:1.2.3.4")?.slice(10),
    Uint8Array.of(255, 255, 1, 2, 3, 4),
  );
  assertEquals(parseIpv6("1:2:3:4:5:6:7::8"), undefined);
  assertEquals(parseIpv6("12345::"), undefined);
});

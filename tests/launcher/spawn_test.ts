import { assertEquals } from "@std/assert";
import { findSetpriv } from "../../_launcher/spawn.ts";
import { requirePeer } from "../support/helpers.ts";

Deno.test("findSetpriv() finds util-linux setpriv in PATH, or nothing", () => {
  requirePeer("/usr/bin/setpriv");
  assertEquals(
    findSetpriv("/nonexistent:relative/bin:/usr/bin/"),
    "/usr/bin/setpriv",
  );
  assertEquals(findSetpriv("/nonexistent:relative/bin"), undefined);
  assertEquals(findSetpriv(""), undefined);
});

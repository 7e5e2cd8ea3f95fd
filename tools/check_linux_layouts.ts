/**
 * Compares `_linux.ts` with what the C compiler says on this machine: builds
 * `tools/linux_layouts.c` with `cc`, runs it, and checks every line it prints
 * (`STAT.st_mode 24`, `LINUX.O_CLOEXEC 524288`) against the exported tables.
 * Needs a C compiler and the libc headers (`apt-get install -y gcc`); exits 1
 * on any difference.
 *
 * ```sh
 * tools/deno run -A tools/check_linux_layouts.ts
 * ```
 *
 * @module
 */

import * as linux from "../_linux.ts";

const root = new URL("..", import.meta.url).pathname;
const binary = await Deno.makeTempFile();
try {
  const build = await new Deno.Command("cc", {
    args: ["-Wall", "-o", binary, `${root}tools/linux_layouts.c`],
  }).output();
  if (!build.success) {
    console.error(new TextDecoder().decode(build.stderr));
    throw new Error("cc failed (apt-get install -y gcc)");
  }
  const { stdout } = await new Deno.Command(binary).output();
  const tables = linux as unknown as Record<string, Record<string, unknown>>;
  let differences = 0;
  let checked = 0;
  for (const line of new TextDecoder().decode(stdout).trim().split("\n")) {
    const [name, value] = line.split(" ");
    const [table, field] = name!.split(".");
    const ours = tables[table!]?.[field!];
    checked++;
    if (ours !== Number(value)) {
      differences++;
      console.error(`${name}: C says ${value}, _linux.ts says ${ours}`);
    }
  }
  console.log(
    `${checked} values checked on ${Deno.build.arch}, ${differences} differ`,
  );
  if (differences > 0) Deno.exitCode = 1;
} finally {
  await Deno.remove(binary);
}

/**
 * The Markdown documentation against the code: the unit files it shows are
 * the ones in examples/systemd/ (which tests/e2e/examples_test.ts boots), the
 * error codes it lists are exactly `ListenFdsErrorCode`, no code block opts
 * out of type checking, and every relative link points to a file that exists.
 * (`deno task check` type-checks the TypeScript blocks themselves.)
 */
import { assert, assertEquals } from "@std/assert";
import { dirname, join } from "@std/path";
import type { ListenFdsErrorCode } from "../mod.ts";
import { ROOT } from "./support/helpers.ts";

/** Every code, once: `satisfies` fails the type check if one is missing or extra. */
const CODES = {
  INVALID_LISTEN_FDS: true,
  INVALID_LISTEN_PID: true,
  INVALID_LISTEN_PIDFDID: true,
  INVALID_LISTEN_FDNAMES: true,
  INVALID_LISTEN_FDS_FIRST_FD: true,
  PID_MISMATCH: true,
  PIDFDID_MISMATCH: true,
  FDNAMES_COUNT_MISMATCH: true,
  FD_NOT_OPEN: true,
  FD_NOT_INHERITED: true,
  WRONG_FD_TYPE: true,
  FD_NOT_FOUND: true,
  NOT_ACTIVATED: true,
  SYSCALL_FAILED: true,
  PERMISSION_REQUIRED: true,
  LIBC_UNAVAILABLE: true,
  UNSUPPORTED_PLATFORM: true,
  UNSTABLE_API_REQUIRED: true,
  ADOPTION_FAILED: true,
  INVALID_NOTIFY_SOCKET: true,
  INVALID_WATCHDOG_USEC: true,
  INVALID_WATCHDOG_PID: true,
  NOTIFY_FAILED: true,
  INVALID_ARGUMENT: true,
  INVALID_SOCKET_SPEC: true,
  WORKER_FAILED: true,
  UPGRADE_FAILED: true,
  UPGRADE_IN_PROGRESS: true,
} satisfies Record<ListenFdsErrorCode, true>;

interface Block {
  file: string;
  line: number;
  info: string;
  text: string;
}

async function markdownFiles(): Promise<string[]> {
  const files = [join(ROOT, "README.md"), join(ROOT, "CONTRIBUTING.md")];
  for await (const entry of Deno.readDir(join(ROOT, "docs"))) {
    if (entry.isFile && entry.name.endsWith(".md")) {
      files.push(join(ROOT, "docs", entry.name));
    }
  }
  return files.sort();
}

/** The fenced code blocks of a Markdown file. */
function blocks(file: string, markdown: string): Block[] {
  const found: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.match(/^(`{3,})(.*)$/);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l === open[1]);
    assert(end !== -1, `${file}:${i + 1}: unclosed code block`);
    found.push({
      file,
      line: i + 1,
      info: open[2]!.trim(),
      text: lines.slice(i + 1, end).join("\n") + "\n",
    });
    i = end;
  }
  return found;
}

async function allBlocks(): Promise<Block[]> {
  const all: Block[] = [];
  for (const file of await markdownFiles()) {
    all.push(...blocks(file, await Deno.readTextFile(file)));
  }
  return all;
}

Deno.test("every unit file in the docs is the file of examples/systemd/ it names", async () => {
  const units = (await allBlocks()).filter((block) => block.info === "ini");
  assert(units.length > 0, "no ini blocks found");
  for (const block of units) {
    const [first, ...rest] = block.text.split("\n");
    const name = first!.match(/^# (examples\/systemd\/[^/\s]+)$/)?.[1];
    assert(
      name !== undefined,
      `${block.file}:${block.line}: an ini block must start with "# examples/systemd/<unit>", not ${
        JSON.stringify(first)
      }`,
    );
    assertEquals(
      rest.join("\n"),
      await Deno.readTextFile(join(ROOT, name)),
      `${block.file}:${block.line} differs from ${name}`,
    );
  }
});

Deno.test("docs/semantics.md lists every ListenFdsErrorCode, and only those", async () => {
  const text = (await Deno.readTextFile(join(ROOT, "docs", "semantics.md")))
    .split("\n## Error codes\n")[1]!.split("\n## ")[0]!;
  const listed = [...text.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((m) => m[1]);
  assertEquals(listed.sort(), Object.keys(CODES).sort());
});

Deno.test("no TypeScript block in the docs opts out of type checking", async () => {
  const ts = /^(ts|typescript|tsx|js|javascript|jsx|mts|mjs)\b/;
  for (const block of await allBlocks()) {
    if (!ts.test(block.info)) continue;
    assert(
      !/\bignore\b/.test(block.info),
      `${block.file}:${block.line}: "${block.info}" is not type-checked`,
    );
  }
});

Deno.test("every relative link in the docs points to a file that exists", async () => {
  for (const file of await markdownFiles()) {
    const text = await Deno.readTextFile(file);
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!) || target!.startsWith("#")) continue;
      const path = join(dirname(file), target!.split("#")[0]!);
      const exists = await Deno.stat(path).then(() => true, () => false);
      assert(exists, `${file}: link to ${target} (${path}) does not exist`);
    }
  }
});

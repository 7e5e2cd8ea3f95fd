#!/bin/sh
# Runs bench/handoff_bench.ts (see its header). Extra arguments are passed on,
# e.g. bench/handoff_bench.sh --runs 3 --duration 5s --deno /path/to/deno
# @std comes through deno.json's jsr: imports (set JSR_URL for a local
# registry); the pinned Deno is tools/deno unless DENO_BIN says otherwise.
set -eu
cd "$(dirname "$0")/.."
if [ -n "${DENO_BIN:-}" ]; then
  exec "$DENO_BIN" run -A bench/handoff_bench.ts "$@"
fi
exec tools/deno run -A bench/handoff_bench.ts "$@"

#!/bin/sh
# Runs bench/handoff_bench.ts (see its header). Extra arguments are passed on,
# e.g. bench/handoff_bench.sh --runs 3 --duration 5s --deno /path/to/deno
set -eu
cd "$(dirname "$0")/.."
DENO_BIN=${DENO_BIN:-deno}
exec "$DENO_BIN" run -A --no-lock --import-map tests/offline/import_map.json bench/handoff_bench.ts "$@"

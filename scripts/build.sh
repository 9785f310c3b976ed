#!/usr/bin/env bash
# `npm run build`: compiles src/, workflows/, activities/ and scripts/ into dist/ (tsconfig.build.json),
# the JavaScript that bin/s3bridge.js, the worker, the codec server and the Docker image run.
# Incremental: `tsc -b` returns in about half a second when no input changed since the last build.
# It does not notice an output deleted by hand, so a source without its output forces a full build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tsc=(node node_modules/typescript/bin/tsc -b tsconfig.build.json)
missing=""
while IFS= read -r source; do
  if [[ ! -f "dist/${source%.ts}.js" ]]; then missing="$source"; break; fi
done < <(find src workflows activities scripts -name '*.ts' ! -name '*.d.ts')
if [[ -n "$missing" ]]; then
  [[ -d dist ]] && printf '[s3bridge] %s\n' "dist/ lacks the output of $missing: full build" >&2
  "${tsc[@]}" --force
else
  "${tsc[@]}"
fi

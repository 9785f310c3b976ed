#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, builds dist/, starts the
# real services (Temporal dev server, MinIO), type-checks, lints, runs vitest, then stops the
# services this run started. Ends with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
# Arguments go to vitest (`npm test -- test/cli`); npm drops the "--", and so does this script
# when run directly (`bash scripts/test.sh -- test/cli`), since vitest would take none of them as a filter.
if [[ "${1:-}" == "--" ]]; then shift; fi
# Node 24 LTS, as CI: the machine's when its major is 24, otherwise the pinned one in .tools/.
use_node test
log "Node $(node --version), npm $(npm --version)"

bash scripts/install-tools.sh npm
# The CLI and worker tests run the compiled code (vitest's global setup would build too).
log "building dist/ (npm run build)"
bash scripts/build.sh

# Remember which services were already ours-and-running so only the ones started here are stopped.
already_running() { [[ -f "$RUN_DIR/$1.pid" ]] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }
stop_after=()
already_running temporal || stop_after+=(temporal)
already_running minio || stop_after+=(minio)
already_running postgres || stop_after+=(postgres)
cleanup() {
  if [[ -z "${S3BRIDGE_KEEP_SERVICES:-}" && ${#stop_after[@]} -gt 0 ]]; then bash scripts/services.sh stop; fi
}
trap cleanup EXIT
S3BRIDGE_WITH_POSTGRES=1 bash scripts/services.sh start

log "type-checking (tsc --noEmit)"
npx tsc --noEmit
log "linting (eslint, knip: npm run lint)"
npx eslint .
npx knip

results="$S3BRIDGE_ROOT/.vitest-results.json"
rm -f "$results"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# Stop the services first, so the count is the very last line CI prints.
trap - EXIT
cleanup
if [[ -f "$results" ]]; then
  # A file that fails outside any test (beforeAll, import) counts as one failure: its tests report only "skipped".
  node -e 'const r=require(process.argv[1]); const broken=r.testResults.filter((f)=>f.status==="failed"&&!f.assertionResults.some((a)=>a.status==="failed")).length; console.log(`${r.numPassedTests} passed, ${r.numFailedTests+broken} failed`)' "$results"
else
  echo "0 passed, 0 failed"; status=1
fi
exit "$status"

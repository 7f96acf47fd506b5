#!/usr/bin/env bash
# The test command: installs Azurite and Redocly CLI (npm ci), lints docs/openapi.json, builds every project (the
# Azure Functions host included, with its source generators and the Functions and Durable analyzers) with warnings as
# errors, runs every test suite (the suites start Azurite themselves, in memory on loopback) and ends with
# "N passed, N failed". A failed lint, restore or build fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# A golden-file test that rewrites its golden file cannot fail: refuse to run the suite in that mode.
if [ -n "${OMNI_UPDATE_SCHEMA:-}" ]; then
  echo "test.sh: OMNI_UPDATE_SCHEMA is set, which makes the workflow-schema test rewrite docs/workflow.schema.json instead of checking it; unset it (use it only with 'dotnet test --filter WorkflowSchema')" >&2
  exit 2
fi

if [ ! -x node_modules/.bin/azurite ] || [ ! -x node_modules/.bin/redocly ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# The OpenAPI contract is valid (Redocly, every recommended rule an error); the tests keep it equal to what is served.
bash scripts/openapi-lint.sh

dotnet build Omni.sln -c Release -nologo -clp:ErrorsOnly

results=artifacts/test-results
rm -rf "$results"
status=0
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo --logger "trx;LogFileName=$name.trx" \
    --logger "console;verbosity=minimal" --results-directory "$results" || status=$?
done

passed=0; failed=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f))
done
if [ "$files" -eq 0 ]; then
  echo "no test results were written"; status=1
elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run failed outside any test (a crashed test host, a failed fixture): count it
fi
echo "$passed passed, $failed failed"
exit "$status"

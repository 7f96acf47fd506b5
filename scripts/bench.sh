#!/usr/bin/env bash
# The benchmark: Omni.Local + Azurite vs bare storage loops in the same run; writes docs/benchmarks.md.
# Options pass through (the last --output wins): --messages N (default 3000: 6 Evolution rounds of 500), --concurrency C (default 16), --output FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
exec dotnet run --project bench/Omni.Bench -c Release -- --output docs/benchmarks.md "$@"

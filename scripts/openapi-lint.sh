#!/usr/bin/env bash
# Lints docs/openapi.json with Redocly CLI (an npm devDependency; rules in redocly.yaml: recommended-strict, so any
# problem fails). Run by scripts/test.sh before the build; docs/openapi.json is kept equal to the served document by a test.
set -euo pipefail
cd "$(dirname "$0")/.."
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

if [ ! -x node_modules/.bin/redocly ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node_modules/.bin/redocly lint docs/openapi.json --config redocly.yaml

#!/usr/bin/env bash
# Regenerates docs/openapi.json: the OpenAPI document OpenApiDocument builds from the route table (ApiRoutes) and its data
# files (src/Omni.Services/Http/OpenApi/document.json, operations.json), exactly as GET /api/openapi.json serves it. Run it
# after changing a route or the data, then commit the file: OpenApi_ServedDocumentIsTheCheckedInFile fails until they match.
# Then lints it (scripts/openapi-lint.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet run --project src/Omni.Local -c Release -- --write-openapi "$PWD/docs/openapi.json"
echo "wrote docs/openapi.json"
bash scripts/openapi-lint.sh

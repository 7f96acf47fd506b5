#!/usr/bin/env bash
# Publishes the Azure Functions app (src/Omni.Functions) and packs it for zip deploy:
#   artifacts/publish/omni-functions/      the published app (host.json, functions.metadata, worker.config.json, ...)
#   artifacts/omni-functions.zip           the zip-deploy package infra/README.md deploys
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=artifacts/publish/omni-functions
zip=artifacts/omni-functions.zip
rm -rf "$out" "$zip"
dotnet publish src/Omni.Functions -c Release -o "$out" -nologo -clp:ErrorsOnly
for required in host.json functions.metadata worker.config.json extensions.json; do
  [ -f "$out/$required" ] || [ -f "$out/.azurefunctions/$required" ] || { echo "publish.sh: $required missing from $out"; exit 1; }
done
# The package's root is the app's root (host.json at the top), as zip deploy and Flex Consumption expect.
(cd "$out" && python3 -c 'import os, zipfile, sys
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk("."):
        for f in sorted(files):
            p = os.path.join(root, f)
            z.write(p, os.path.relpath(p, "."))' "$OLDPWD/$zip")
echo "publish.sh: $(du -h "$zip" | cut -f1) $zip ($(find "$out" -type f | wc -l) files)"

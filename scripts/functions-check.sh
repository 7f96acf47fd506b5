#!/usr/bin/env bash
# Builds src/Omni.Functions when its Azure Functions packages can be restored, and otherwise says so in one line.
# Never fails the caller because those packages are missing: our build machines' package source does not carry them.
set -uo pipefail
cd "$(dirname "$0")/.."
project=src/Omni.Functions/Omni.Functions.csproj
[ -f "$project" ] || { echo "Omni.Functions: no project yet."; exit 0; }
log=$(mktemp)
if dotnet restore "$project" >"$log" 2>&1; then
  if dotnet build "$project" --no-restore -c Release >"$log" 2>&1; then
    echo "Omni.Functions: built."
  else
    cat "$log"; echo "Omni.Functions: restored but FAILED to build (see above)."; rm -f "$log"; exit 1
  fi
elif grep -qE "NU1101|NU1102|NU1103" "$log"; then
  echo "Omni.Functions: not built: its Azure Functions packages cannot be restored from this machine's package source ($(grep -oE 'NU110[123]' "$log" | sort -u | tr '\n' ' ' | sed 's/ $//'))."
else
  cat "$log"; echo "Omni.Functions: restore FAILED for another reason (see above)."; rm -f "$log"; exit 1
fi
rm -f "$log"

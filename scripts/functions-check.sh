#!/usr/bin/env bash
# Builds src/Omni.Functions when its Azure Functions packages can be restored. Where they cannot (our build machines'
# package source does not carry them), it compiles the same sources against API stubs instead
# (tests/FunctionsCompileCheck) and says so in one line. A missing package never fails the caller; our code failing to
# compile does, either way. See src/Omni.Functions/README.md, "Why our build machines don't build it".
set -uo pipefail
cd "$(dirname "$0")/.."
project=src/Omni.Functions/Omni.Functions.csproj
stub_check=tests/FunctionsCompileCheck/FunctionsCompileCheck.csproj
[ -f "$project" ] || { echo "Omni.Functions: no project yet."; exit 0; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if dotnet restore "$project" >"$log" 2>&1; then
  if dotnet build "$project" --no-restore -c Release >"$log" 2>&1; then
    echo "Omni.Functions: built."
  else
    cat "$log"; echo "Omni.Functions: restored but FAILED to build (see above)."; exit 1
  fi
  exit 0
fi

missing=$(grep -oE 'NU110[123]' "$log" | sort -u | tr '\n' ' ' | sed 's/ $//')
if [ -z "$missing" ]; then
  cat "$log"; echo "Omni.Functions: restore FAILED for another reason (see above)."; exit 1
fi

status="not built: its Azure Functions packages cannot be restored here ($missing)"
if dotnet build "$stub_check" -c Release -nologo -clp:ErrorsOnly >"$log" 2>&1; then
  echo "Omni.Functions: $status; compiled against API stubs: OK"
else
  # The compiler's errors once each, with paths from the repository root; the whole log if there are none.
  grep -E ': error ' "$log" | sed "s|$PWD/||g" | awk '!seen[$0]++' | grep . || cat "$log"
  echo "Omni.Functions: $status; compiled against API stubs: FAILED (errors above: our code, or a stub that is wrong)"
  exit 1
fi

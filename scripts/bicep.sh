#!/usr/bin/env bash
# Validates infra/ offline: restores the Bicep CLI from NuGet (no az, no Azure login), then
#   bicep build        infra/main.bicep       -> artifacts/infra/main.json
#   bicep lint         infra/main.bicep and infra/main.bicepparam   (rules: infra/bicepconfig.json)
#   bicep build-params infra/main.bicepparam  -> artifacts/infra/main.parameters.json
# and exits non-zero on any error or linter warning. Needs only the .NET SDK and access to NuGet.
#
#   bash scripts/bicep.sh                  # from anywhere in the repository
#   BICEP_PATH=/usr/local/bin/bicep bash scripts/bicep.sh   # use another bicep binary (e.g. not linux-x64)
#   BICEP_OUT_DIR=/tmp/infra bash scripts/bicep.sh          # write the ARM JSON elsewhere
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
infra_dir="$repo_root/infra"
project="$repo_root/tests/Omni.Infra.Tests/Omni.Infra.Tests.csproj"
out_dir="${BICEP_OUT_DIR:-$repo_root/artifacts/infra}"

fail() {
  echo "bicep.sh: FAILED - $*" >&2
  exit 1
}

# 1. The Bicep CLI: the NuGet package Azure.Bicep.CommandLine.linux-x64 (version pinned in
#    Directory.Packages.props), restored through the infra test project, which records its location.
bicep="${BICEP_PATH:-}"
if [[ -z "$bicep" ]]; then
  restore_log="$(mktemp)"
  trap 'rm -f "$restore_log"' EXIT
  if ! dotnet restore "$project" --nologo >"$restore_log" 2>&1; then
    cat "$restore_log" >&2
    fail "dotnet restore of tests/Omni.Infra.Tests (needed for the Bicep CLI package) did not succeed"
  fi
  package_dir="$(dotnet msbuild "$project" -nologo -getProperty:PkgAzure_Bicep_CommandLine_linux-x64 | tail -n 1)"
  [[ -n "$package_dir" ]] || fail "restore did not report where Azure.Bicep.CommandLine.linux-x64 is"
  bicep="$package_dir/tools/bicep"
fi
[[ -f "$bicep" ]] || fail "no Bicep CLI at $bicep (the NuGet package ships linux-x64 only; set BICEP_PATH elsewhere)"
[[ -x "$bicep" ]] || chmod +x "$bicep" # NuGet does not always keep the executable bit
version="$("$bicep" --version | head -n 1)"

mkdir -p "$out_dir"
cd "$infra_dir"

# 2. Run each step; Bicep exits 0 on warnings, so count Warning/Error diagnostics in its output ourselves.
diagnostics=""
failed_steps=()
run_step() {
  local name="$1"
  shift
  local output status=0 found
  echo "==> bicep $*"
  output="$("$bicep" "$@" 2>&1)" || status=$?
  if [[ -n "$output" ]]; then echo "$output"; fi
  found="$(grep -E ' : (Warning|Error) ' <<<"$output" || true)"
  if ((status != 0)) || [[ -n "$found" ]]; then
    failed_steps+=("$name")
    diagnostics+="$found"$'\n'
  fi
}

run_step build build main.bicep --outfile "$out_dir/main.json"
run_step lint lint main.bicep
run_step lint-params lint main.bicepparam
run_step build-params build-params main.bicepparam --outfile "$out_dir/main.parameters.json"

if ((${#failed_steps[@]} > 0)); then
  # Every step compiles main.bicep, so one diagnostic shows up in several steps: count distinct ones.
  distinct="$(grep -v '^$' <<<"$diagnostics" | sort -u | wc -l | tr -d ' ' || true)"
  fail "$distinct distinct warning(s)/error(s); failing steps: ${failed_steps[*]} ($version)"
fi
echo "bicep.sh: OK - build, lint and build-params clean, 0 warnings ($version); ARM JSON in ${out_dir#"$repo_root"/}"

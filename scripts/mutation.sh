#!/usr/bin/env bash
# Mutation testing (Stryker.NET, pinned in .config/dotnet-tools.json) over the code that decides, one file group at a
# time, from tests/Omni.Engine.Tests. Not part of CI: run it before resolving an issue that touches that code.
#
#   bash scripts/mutation.sh                      # every group, then the table in docs/testing.md
#   bash scripts/mutation.sh webhooks identity    # only these groups (the other groups' rows are kept)
#   bash scripts/mutation.sh workflows -- --since:main     # extra Stryker options after `--` (narrowed runs)
#   bash scripts/mutation.sh workflows -- -m '**/Workflows/Expressions/*.cs'   # only these files
#
# One Stryker process at a time, one test runner (--concurrency 1, override with MUTATION_CONCURRENCY): the machine is
# shared. Stryker overwrites the built Omni.Engine.dll with its mutated one, so it runs in a scratch copy of the tree
# (sources only): building and testing the worktree meanwhile does not disturb it. Reports land in
# artifacts/mutation/<group>/reports/mutation-report.{json,html}; the summary is rewritten per group between the
# markers in docs/testing.md. A narrowed run (extra options) leaves docs/testing.md alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# group name -> the files it mutates (globs relative to src/Omni.Engine, Stryker syntax)
declare -A GROUPS_MUTATE=(
  [normalizers]="**/Normalization/**/*.cs"
  [webhooks]="**/Webhooks/**/*.cs"
  [workflows]="**/Workflows/Running/**/*.cs **/Workflows/Expressions/**/*.cs **/Workflows/WorkflowValidator.cs"
  [identity]="**/Identity/**/*.cs"
)
ORDER=(webhooks identity workflows normalizers)

groups=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; extra=("$@"); break ;;
    *) [ -n "${GROUPS_MUTATE[$1]:-}" ] || { echo "mutation.sh: unknown group '$1' (known: ${ORDER[*]})" >&2; exit 2; }
       groups+=("$1"); shift ;;
  esac
done
[ ${#groups[@]} -gt 0 ] || groups=("${ORDER[@]}")

dotnet tool restore >/dev/null
root=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/omni-mutation.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
tar -cf - --exclude=./.git --exclude=bin --exclude=obj --exclude=./artifacts --exclude=./node_modules --exclude=TestResults . \
  | tar -xf - -C "$scratch"
# --since reads the repository: a worktree's .git is a file naming it, a clone's is the repository itself.
if [ -f .git ]; then cp .git "$scratch/.git"; elif [ -d .git ]; then ln -s "$root/.git" "$scratch/.git"; fi
# Stryker's project analysis needs the restored project assets (obj/) of the copy.
dotnet restore "$scratch/tests/Omni.Engine.Tests" -nologo -v quiet
status=0
for group in "${groups[@]}"; do
  out="$root/artifacts/mutation/$group"
  rm -rf "$out"
  # --mutate/-m among the extra options narrows the run to those files instead of the whole group.
  mutate=()
  narrowed=false
  for option in "${extra[@]}"; do case "$option" in -m|--mutate|--mutate=*) narrowed=true ;; esac; done
  if [ "$narrowed" = false ]; then
    for glob in ${GROUPS_MUTATE[$group]}; do mutate+=(--mutate "$glob"); done
  fi
  echo "== mutation: $group (${GROUPS_MUTATE[$group]})"
  (cd "$scratch/tests/Omni.Engine.Tests" && dotnet stryker \
      --project Omni.Engine.csproj --configuration Release \
      --concurrency "${MUTATION_CONCURRENCY:-1}" \
      --reporter progress --reporter json --reporter html \
      --output "$out" --skip-version-check \
      "${mutate[@]}" "${extra[@]}") || status=$?
  report="$out/reports/mutation-report.json"
  if [ ! -f "$report" ]; then
    echo "mutation.sh: no report for $group" >&2; status=1; continue
  fi
  if [ ${#extra[@]} -eq 0 ]; then
    python3 scripts/mutation_summary.py "$group" "$report" docs/testing.md
  else
    python3 scripts/mutation_summary.py "$group" "$report" -
  fi
done
exit $status

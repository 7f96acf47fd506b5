#!/usr/bin/env bash
# Evaluates POST /api/wish against a real model (docs/agents.md, "Evaluating wish"): seeds a real Omni.Local (Azurite
# started by the tests) with tests/TestData/wish-eval/dataset.json, asks every question in questions.json, scores the
# answers' evidence and prints the score table (also written to $OMNI_EVAL_REPORT, default artifacts/wish-eval.md).
#   OMNI_EVAL_ENDPOINT  OpenAI-compatible base URL, e.g. https://api.openai.com/v1
#   OMNI_EVAL_API_KEY   its key
#   OMNI_EVAL_MODEL     the model, e.g. gpt-4o-mini
set -euo pipefail
cd "$(dirname "$0")/.."
for v in OMNI_EVAL_ENDPOINT OMNI_EVAL_API_KEY OMNI_EVAL_MODEL; do
  if [ -z "${!v:-}" ]; then echo "wish-eval.sh: set $v" >&2; exit 2; fi
done
if [ ! -x node_modules/.bin/azurite ]; then npm ci --no-audit --no-fund --loglevel=error; fi
mkdir -p artifacts
export OMNI_EVAL_REPORT="${OMNI_EVAL_REPORT:-$PWD/artifacts/wish-eval.md}"
dotnet build tests/Omni.Local.Tests/Omni.Local.Tests.csproj -c Release -nologo -clp:ErrorsOnly
dotnet test tests/Omni.Local.Tests/Omni.Local.Tests.csproj -c Release --no-build -nologo --filter "Category=WishEvalModel" \
  --logger "console;verbosity=normal" >/dev/null || { echo "wish-eval.sh: the run failed (rerun with --logger console;verbosity=detailed)" >&2; exit 1; }
cat "$OMNI_EVAL_REPORT"

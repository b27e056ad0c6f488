#!/usr/bin/env bash
# Parity with LightGBM on the reference fixtures (tests/fixtures/lightgbm):
#   LIGHTGBM=/path/to/lightgbm bench/lightgbm-parity.sh
# For each objective (regression, binary, multiclass) it trains with `pipelines ml train` (LightGBM itself, through our binding) on train-K.csv
# (the fixtures' settings), saves model.txt, and has LightGBM's `task=predict` load that file. LightGBM's
# predictions, raw scores and SHAP values on test-K.csv must equal ours (`pipelines ml predict`): within 1e-12
# for predictions and raw scores, 1e-9 for SHAP, relative to max(1, |value|). First it checks that the given
# binary reproduces the fixtures' own predictions from the fixtures' own models, so a broken LightGBM build is
# not mistaken for a defect in our reader. Exits non-zero on any mismatch. Needs an existing LightGBM binary.
set -euo pipefail

: "${LIGHTGBM:?set LIGHTGBM to the path of a LightGBM command-line binary}"
if [ ! -x "$LIGHTGBM" ]; then
  echo "LIGHTGBM=$LIGHTGBM is not an executable file" >&2
  exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$root/tests/fixtures/lightgbm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! dotnet build -c Release "$root/engine/Pipelines.Cli" -v q --nologo >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  exit 2
fi
pipelines() { dotnet run -c Release --no-build --project "$root/engine/Pipelines.Cli" -- "$@"; }

lightgbm_predict() { # model data output extra-settings...
  local model=$1 data=$2 output=$3
  shift 3
  if ! "$LIGHTGBM" task=predict input_model="$model" data="$data" header=true output_result="$output" num_threads=1 "$@" \
      >"$output.log" 2>&1; then
    echo "LightGBM could not predict with $model:" >&2
    cat "$output.log" >&2
    exit 1
  fi
}

failures=0
compare() { # what expected actual tolerance
  local result
  result=$(awk -F'\t' -v tolerance="$4" -v number='^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$' '
    function abs(v) { return v < 0 ? -v : v }
    NR == FNR { rows = FNR; width[FNR] = NF; for (i = 1; i <= NF; i++) expected[FNR, i] = $i; next }
    {
      if (FNR > rows || NF != width[FNR]) { print "shape differs at line " FNR; bad = 1; exit }
      for (i = 1; i <= NF; i++) {
        if ($i !~ number || expected[FNR, i] !~ number) { print "not a number at line " FNR ", column " i; bad = 1; exit }
        scale = abs(expected[FNR, i]) > abs($i) ? abs(expected[FNR, i]) : abs($i)
        if (scale < 1) scale = 1
        difference = abs(expected[FNR, i] - $i) / scale
        if (difference > worst) { worst = difference; at = "line " FNR ", column " i ": " expected[FNR, i] " vs " $i }
      }
      seen = FNR
    }
    END {
      if (bad) exit 1
      if (seen != rows) { print "line count differs: " rows " vs " seen; exit 1 }
      if (worst > tolerance) { printf "largest relative difference %.3g at %s\n", worst, at; exit 1 }
      printf "%d lines, largest relative difference %.3g\n", rows, worst
    }' "$2" "$3") && status=0 || status=$?
  if [ "$status" -eq 0 ]; then
    echo "ok   $1: $result"
  else
    echo "FAIL $1: $result"
    failures=$((failures + 1))
  fi
}

for kind in regression binary multiclass; do
  lightgbm_predict "$fixtures/model-$kind.txt" "$fixtures/test-$kind.csv" "$work/fixture-$kind.txt"
  compare "LightGBM reproduces predict-$kind.txt from model-$kind.txt" "$fixtures/predict-$kind.txt" "$work/fixture-$kind.txt" 1e-12
done

for kind in regression binary multiclass; do
  classes=()
  if [ "$kind" = multiclass ]; then classes=(--param num_class=3); fi
  model=$work/ours-$kind.txt
  pipelines ml train --data "$fixtures/train-$kind.csv" --label label --objective "$kind" \
    --param num_iterations=50 --param num_leaves=15 --param learning_rate=0.1 --param min_data_in_leaf=20 \
    --param max_bin=255 --param seed=1 --param num_threads=1 "${classes[@]}" --out "$model" >"$work/train-$kind.log"
  test=$fixtures/test-$kind.csv

  pipelines ml predict --model "$model" --data "$test" --out "$work/ours-predict-$kind.txt" >/dev/null
  pipelines ml predict --model "$model" --data "$test" --out "$work/ours-raw-$kind.txt" --raw-score >/dev/null
  pipelines ml predict --model "$model" --data "$test" --out "$work/ours-contrib-$kind.txt" --contrib >/dev/null
  lightgbm_predict "$model" "$test" "$work/lightgbm-predict-$kind.txt"
  lightgbm_predict "$model" "$test" "$work/lightgbm-raw-$kind.txt" predict_raw_score=true
  lightgbm_predict "$model" "$test" "$work/lightgbm-contrib-$kind.txt" predict_contrib=true

  compare "$kind: LightGBM's predictions from our model.txt" "$work/ours-predict-$kind.txt" "$work/lightgbm-predict-$kind.txt" 1e-12
  compare "$kind: LightGBM's raw scores from our model.txt" "$work/ours-raw-$kind.txt" "$work/lightgbm-raw-$kind.txt" 1e-12
  compare "$kind: LightGBM's SHAP values from our model.txt" "$work/ours-contrib-$kind.txt" "$work/lightgbm-contrib-$kind.txt" 1e-9
done

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"

#!/usr/bin/env bash
# The plugin template as a plugin author uses it, outside the repository: install the harness,
# copy plugins/template to a new folder, build it against the installed package, check it, run
# experiments naming its cells and backend (mgu; mingru_g, a cell without W_h, beside lstm). Then two broken copies: a wrong sign in one gradient term
# of the cell, and a GEMM that ignores beta; `harness check` must fail each, naming the culprit.
#
#   tests/plugin_template_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
source=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

echo "== install into $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
harness=$work/prefix/bin/harness

# A copy of the template, built against the installed package; $2 edits a source first.
build_copy() {
  local name=$1 edit=${2:-}
  cp -r "$source/plugins/template" "$work/$name"
  if [[ -n $edit ]]; then (cd "$work/$name" && eval "$edit"); fi
  cmake -S "$work/$name" -B "$work/$name/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
  cmake --build "$work/$name/build" >/dev/null
}

echo "== the template builds against the installed harness"
build_copy mgu
plugins=$work/mgu/build/plugins

echo "== harness check passes it"
"$harness" check "$plugins/mgu.so" "$plugins/mingru_g.so" "$plugins/blocked.so" |
  tee "$work/check.txt"
grep -q "^pass  *cell mgu on backend blocked" "$work/check.txt" || fail "mgu on blocked not checked"
grep -q "^pass  *cell mingru_g  *gradients match finite differences" "$work/check.txt" ||
  fail "mingru_g's gradients not checked"

echo "== HARNESS_PLUGIN_PATH puts them next to the built-in plugins"
HARNESS_PLUGIN_PATH=$plugins "$harness" plugins >"$work/plugins.txt"
grep -q "^  mgu " "$work/plugins.txt" && grep -q "^  blocked " "$work/plugins.txt" ||
  fail "HARNESS_PLUGIN_PATH=$plugins does not list mgu and blocked"

echo "== an experiment names its cell and backend"
"$harness" run "$work/mgu/mgu_vs_lstm.yaml" --plugin-dir "$plugins" --set 'tasks[0].T=10' \
  --set training.steps=20 --set training.eval_every=10 --set backend.name=blocked \
  --set 'models[0].cell=[mgu,lstm]' --out "$work/results" --store "$work/results.sqlite" \
  >"$work/run.txt" 2>&1 || { cat "$work/run.txt"; fail "harness run exited $?"; }
run_json=$(find "$work/results" -name run.json)
checksum=$(sha256sum "$plugins/mgu.so" | cut -d' ' -f1)
grep -q "$checksum" "$run_json" || fail "run.json does not record mgu.so's checksum $checksum"
grep -q '| mgu ' "$(dirname "$run_json")/summary.md" || fail "no mgu trial in the summary"

echo "== the README's second example, a cell without W_h, runs beside lstm"
"$harness" run "$work/mgu/mgu_vs_lstm.yaml" --plugin-dir "$plugins" --set 'tasks[0].T=10' \
  --set training.steps=20 --set training.eval_every=10 --set 'models[0].cell=[mingru_g,lstm]' \
  --out "$work/results_min" --store "$work/results.sqlite" --no-report >"$work/run_min.txt" 2>&1 ||
  { cat "$work/run_min.txt"; fail "harness run with mingru_g exited $?"; }
summary=$(find "$work/results_min" -name summary.md)
grep -q '| mingru_g ' "$summary" && grep -q '| lstm ' "$summary" ||
  fail "the summary lacks a mingru_g or an lstm trial"

echo "== a wrong sign in one gradient term fails, naming the cell and the parameter"
build_copy wrong_sign "sed -i 's/dh \* (n - h_prev)/dh * (h_prev - n)/' mgu.cpp"
grep -q 'dh \* (h_prev - n)' "$work/wrong_sign/mgu.cpp" || fail "the sign was not changed"
status=0
"$harness" check "$work/wrong_sign/build/plugins/mgu.so" >"$work/wrong_sign.txt" || status=$?
cat "$work/wrong_sign.txt"
[[ $status == 1 ]] || fail "harness check exited $status on a wrong sign, expected 1"
grep -q "^ *cell mgu, gradients match finite differences: gradient of W_x\[" "$work/wrong_sign.txt" ||
  fail "the failure does not name cell mgu and parameter W_x"

echo "== a GEMM that ignores beta fails, naming the backend and the shape"
build_copy no_beta "sed -i '/^  scale(c, beta);$/d' blocked_backend.cpp"
grep -q 'scale(c, beta);' "$work/no_beta/blocked_backend.cpp" && fail "beta was not removed"
status=0
"$harness" check "$work/no_beta/build/plugins/blocked.so" >"$work/no_beta.txt" || status=$?
cat "$work/no_beta.txt"
[[ $status == 1 ]] || fail "harness check exited $status on a GEMM ignoring beta, expected 1"
grep -q "^ *backend blocked, gemm in float matches naive: gemm float, C = .* with m=1 n=1 k=1:" \
  "$work/no_beta.txt" || fail "the failure does not name backend blocked and the shape"
echo "plugin template: all good"

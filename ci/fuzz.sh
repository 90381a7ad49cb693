#!/usr/bin/env bash
# Fuzzing: each cargo-fuzz target in fuzz/ runs for FUZZ_SECONDS (default 60), starting from a
# copy of its checked-in corpus, and any crash, panic or timeout fails the script. cargo-fuzz
# needs a nightly toolchain: without one this says it skipped, and why, and exits 0. The
# stable `cargo test` (ci/test.sh) replays the checked-in corpus in any case.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
targets=(queue_ops pipeline)

step() {
    printf '\n==> %s\n' "$*"
}

skip() {
    printf '==> fuzzing skipped: %s\n' "$*"
    exit 0
}

if ! command -v rustup >/dev/null 2>&1; then
    skip "rustup is not installed, so no nightly toolchain can be selected (cargo-fuzz needs nightly)"
fi
if ! rustup toolchain list | grep -q '^nightly' || ! cargo +nightly --version >/dev/null 2>&1; then
    skip "no nightly toolchain is installed (cargo-fuzz needs one: rustup toolchain install nightly)"
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    step "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
printf '==> %s, %s\n' "$(cargo +nightly --version)" "$(cargo fuzz --version)"

# fuzz/ is a workspace of its own, so it has its own lockfile (ignored by git). Seed it from the
# main crate's, so that prodcons is fuzzed with the dependency versions it is tested with.
cp Cargo.lock fuzz/Cargo.lock

step "cargo +nightly fuzz build"
cargo +nightly fuzz build

# libFuzzer adds every new input it finds to the corpus directory it is given, so each target
# fuzzes a copy: CI never writes into fuzz/corpus/. A crashing input still lands in
# fuzz/artifacts/<target>/ (ignored by git), from where `cargo +nightly fuzz run <target> <file>`
# replays it.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A executions
failed=()
for target in "${targets[@]}"; do
    step "cargo +nightly fuzz run $target (${seconds}s, from a copy of fuzz/corpus/$target)"
    mkdir -p "$work/corpus"
    cp -R "fuzz/corpus/$target" "$work/corpus/$target"
    log="$work/$target.log"
    status=0
    # -timeout: a single input running this long is a hang (I5); the pipeline check's own
    # watchdog would report it later, with a message.
    cargo +nightly fuzz run "$target" "$work/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=60 -print_final_stats=1 >"$log" 2>&1 || status=$?
    # The whole log is long (one line per new input); keep its end, where a crash is reported.
    tail -n 40 "$log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    executions[$target]=${runs:-unknown}
    if [[ $status -ne 0 ]]; then
        failed+=("$target")
    fi
done

step "fuzz executions per target (${seconds}s each)"
for target in "${targets[@]}"; do
    printf '%-10s %s\n' "$target" "${executions[$target]}"
done

if ((${#failed[@]} > 0)); then
    printf '\n==> fuzzing FAILED: %s (the inputs are in fuzz/artifacts/)\n' "${failed[*]}" >&2
    exit 1
fi
printf '\n==> fuzzing passed: no crash in %d targets\n' "${#targets[@]}"

#!/usr/bin/env bash
# The shuttle scenarios: tests/shuttle built with `--cfg shuttle`, so that `src/loom` swaps std's
# primitives for AWS shuttle's, and run under shuttle's PCT and random schedulers. Only the
# root package's `shuttle` test binary is set up for this build; nothing else is built with it.
set -euo pipefail
cd "$(dirname "$0")/.."

# tests/shuttle/shuttle_support.rs reads these; print which apply, since they decide how many
# schedules a green run covers (each scenario, capacity and scheduler gets SHUTTLE_ITERATIONS).
printf '==> shuttle schedules per scenario and scheduler: %s\n' \
    "${SHUTTLE_ITERATIONS:-default 2000}"
printf '==> shuttle PCT depth: %s\n' "${SHUTTLE_PCT_DEPTH:-default 3}"
printf '==> shuttle seed: %s\n' "${SHUTTLE_SEED:-fresh schedules each run}"

# A target dir of its own, under the usual one: cargo fingerprints RUSTFLAGS, so sharing the
# default dir would rebuild every dependency of the normal build after this run, and this run's
# after the normal one. Here both stay warm, as ci/mutants.sh keeps its loom/ and plain/ builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/shuttle"

printf '==> RUSTFLAGS="--cfg shuttle" cargo test -p prodcons --test shuttle\n'
SECONDS=0
RUSTFLAGS="--cfg shuttle" cargo test -p prodcons --test shuttle
printf '==> RUSTFLAGS="--cfg shuttle" cargo test -p prodcons --test shuttle passed in %dm%02ds\n' \
    $((SECONDS / 60)) $((SECONDS % 60))

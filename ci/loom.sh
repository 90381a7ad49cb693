#!/usr/bin/env bash
# The loom models: the whole test suite built with `--cfg loom`, so that `src/loom` swaps std's
# primitives for loom's. Only the `tests/loom/` models do work in this build; the other
# tests are gated off (see "Model checking with loom" in README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# tests/loom/loom_support.rs uses 3 unless LOOM_MAX_PREEMPTIONS says otherwise; print which applies,
# since the bound decides how much of the interleaving space a green run covers.
printf '==> loom preemption bound: %s\n' "${LOOM_MAX_PREEMPTIONS:-default 3}"

# Exactly the README's command. The default target dir is shared with ci/test.sh on purpose:
# cargo fingerprints RUSTFLAGS, so it rebuilds for the flag rather than mixing the builds.
printf '==> RUSTFLAGS="--cfg loom" cargo test\n'
SECONDS=0
RUSTFLAGS="--cfg loom" cargo test
printf '==> RUSTFLAGS="--cfg loom" cargo test passed in %dm%02ds\n' $((SECONDS / 60)) $((SECONDS % 60))

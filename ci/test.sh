#!/usr/bin/env bash
# The ordinary checks: formatting, lints, then every test of the normal (non-loom) build.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
    printf '\n==> %s\n' "$*"
}

# A minimal toolchain may lack rustfmt or clippy; add them rather than fail on a missing
# component that has nothing to do with the code.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    step "installing the rustfmt and clippy components"
    rustup component add rustfmt clippy
fi

step "cargo fmt --all -- --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings

step "cargo clippy -p prodcons --lib -- -D warnings"
# The library alone, as a crate that depends on it builds it.
cargo clippy -p prodcons --lib -- -D warnings

step "the library's own dependencies"
# A library user should compile the queues and the pipelines, not the harness, the CLI or the
# peers: fail if anything joins this list without the list being changed here on purpose.
expected="parking_lot spin thiserror tokio"
actual=$(cargo tree -p prodcons -e normal --depth 1 --prefix none --format '{p}' \
    | tail -n +2 | cut -d' ' -f1 | sort | tr '\n' ' ' | sed 's/ $//')
printf '%s\n' "$actual"
if [[ $actual != "$expected" ]]; then
    printf 'error: the library depends on [%s], expected [%s]\n' "$actual" "$expected" >&2
    exit 1
fi

step 'RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items'
# Broken intra-doc links are bugs in the docs; private items too, since the why-comments
# link between modules.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items

step "cargo test"
cargo test

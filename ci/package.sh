#!/usr/bin/env bash
# The library as users download it: `cargo package` builds the crate from its own tarball, so a
# file the build needs but the package leaves out fails here; and the file list may hold only
# what a user needs (the manifest's `include`), so that data, docs and tools never ship.
# PACKAGE_ALLOW_DIRTY=1 packages uncommitted changes too, for a local run; CI runs on a clean
# clone and never needs it.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
    printf '\n==> %s\n' "$*"
}

dirty=${PACKAGE_ALLOW_DIRTY:+--allow-dirty}

step "cargo package -p prodcons --list"
list=$(cargo package -p prodcons --list $dirty)
printf '%s\n' "$list"

# What may ship: the manifest (as written, and as cargo rewrites it), the lockfile cargo adds,
# the VCS note it adds in a git checkout, the README, the licences, and the library's source.
allowed='^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|LICENSE-MIT|LICENSE-APACHE|src/.+\.rs)$'
unexpected=$(grep -Ev "$allowed" <<<"$list" || true)
if [[ -n $unexpected ]]; then
    printf 'error: the package would ship files no user needs:\n%s\n' "$unexpected" >&2
    exit 1
fi
for required in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE src/lib.rs; do
    if ! grep -qx "$required" <<<"$list"; then
        printf 'error: the package lacks %s\n' "$required" >&2
        exit 1
    fi
done
printf '%s files, all of them the library, its manifest, README or licences\n' "$(wc -l <<<"$list")"

step "cargo package -p prodcons (builds the crate from its tarball)"
cargo package -p prodcons $dirty

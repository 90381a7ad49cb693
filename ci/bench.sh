#!/usr/bin/env bash
# The timing harness, checked for correctness, never for speed: `prodcons bench --quick` must
# finish with every sum right, and its JSON must hold a full, well-formed record for every
# contender on every cell. Times are not checked here; they belong to docs/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
    printf '\n==> %s\n' "$*"
}

step "cargo build --release"
cargo build --release
bin=target/release/prodcons

json=$(mktemp --suffix=.json)
trap 'rm -f "$json"' EXIT

python=()
if command -v python3 >/dev/null 2>&1; then
    python=(--python)
else
    printf 'python3 not found: the Python references are left out\n'
fi

# A wrong sum aborts the bench with exit 1, and `set -e` turns that red; so the check below
# sees only runs whose sums were right. First make sure that path really fails.
step "a corrupted sum must fail the bench"
if "$bin" bench --quick --impl tasks --corrupt-sum-of tasks >/dev/null 2>&1; then
    printf 'error: the bench accepted a wrong sum\n' >&2
    exit 1
fi

step "prodcons bench --quick ${python[*]} --json $json"
SECONDS=0
"$bin" bench --quick "${python[@]}" --json "$json"
printf '==> the quick sweep took %ds\n' "$SECONDS"

step "checking $json"
# Every record has exactly the eight fields, 3 timed runs and min <= median <= max; the
# records cover every contender on every cell (none skipped); our four are among them.
check='
fields = {"impl", "num_iters", "num_prods_cons", "capacity", "runs", "median_s", "min_s", "max_s"}
assert isinstance(records, list) and records, "no records"
for r in records:
    assert set(r) == fields, f"fields {sorted(r)}"
    assert r["runs"] == 3, f"runs in {r}"
    assert 0 <= r["min_s"] <= r["median_s"] <= r["max_s"], f"times in {r}"
impls = {r["impl"] for r in records}
cells = {(r["num_prods_cons"], r["capacity"]) for r in records}
assert {"threads", "crossbeam", "tasks", "tasks-mt"} <= impls, f"implementations {impls}"
assert len(cells) == 9, f"cells {cells}"
assert len(records) == len(impls) * len(cells), "a contender is missing from some cell"
print(f"{len(records)} records: {len(impls)} contenders x {len(cells)} cells, every sum right")
'
if command -v python3 >/dev/null 2>&1; then
    python3 -c "import json, sys; records = json.load(open(sys.argv[1]))
$check" "$json"
else
    jq -e '
        (length > 0)
        and all(.[]; (keys == (["capacity","impl","max_s","median_s","min_s","num_iters","num_prods_cons","runs"]))
                     and .runs == 3 and .min_s <= .median_s and .median_s <= .max_s)
        and (([.[].impl] | unique | length) * ([.[] | [.num_prods_cons, .capacity]] | unique | length) == length)
        and (([.[] | [.num_prods_cons, .capacity]] | unique | length) == 9)
        and ((["threads", "crossbeam", "tasks", "tasks-mt"] - [.[].impl]) == [])
    ' "$json" >/dev/null
    printf '%s records, every sum right\n' "$(jq length "$json")"
fi

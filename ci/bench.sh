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

step "prodcons bench --quick --count ${python[*]} --json $json"
SECONDS=0
"$bin" bench --quick --count "${python[@]}" --json "$json"
printf '==> the quick sweep took %ds\n' "$SECONDS"

step "checking $json"
# Every record has the eight timing fields first, then the schedule and the counts (futile
# wakeups wherever our queues ran); 3 timed
# runs and min <= median <= max; the assignment's spawn order; counts for everything but the
# floors, and the counts that follow from the order itself: tasks on one thread queue every
# item at capacity 0, and nothing ever holds more than a bounded capacity. The records cover
# every contender on every cell (none skipped); our four are among them.
check='
timing = ["impl", "num_iters", "num_prods_cons", "capacity", "runs", "median_s", "min_s", "max_s"]
counted = ["put_waits", "get_waits", "waits_per_item", "peak_len", "voluntary_switches",
           "involuntary_switches", "switches_per_item", "rss_before_bytes", "peak_rss_bytes"]
assert isinstance(records, list) and records, "no records"
for r in records:
    assert list(r)[:8] == timing, f"fields {list(r)}"
    schedule = ["spawn", "load", "cores", "study", "times_s"]
    assert list(r)[8:] == schedule + counted + ["futile_wakeups", "runnable_threads"], f"fields {list(r)}"
    assert len(r["times_s"].split()) == r["runs"], f"times_s in {r}"
    if r["impl"] in ("threads", "tasks", "tasks-mt"):
        assert r["futile_wakeups"] is not None, f"our queues count futile wakeups: {r}"
    assert r["runs"] == 3, f"runs in {r}"
    assert 0 <= r["min_s"] <= r["median_s"] <= r["max_s"], f"times in {r}"
    assert (r["spawn"], r["cores"]) == ("producers-first", "all cores"), f"schedule in {r}"
    floor = r["impl"].startswith("floor-")
    assert all((r[f] is None) == floor for f in counted), f"counts in {r}"
    if not floor and r["capacity"] > 0:
        assert r["peak_len"] <= r["capacity"], f"over capacity: {r}"
    if r["impl"] == "tasks" and r["capacity"] == 0:
        assert r["peak_len"] == r["num_iters"] * r["num_prods_cons"], f"tasks at capacity 0: {r}"
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
        and all(.[]; ((keys_unsorted | .[:8]) == ["impl","num_iters","num_prods_cons","capacity","runs","median_s","min_s","max_s"])
                     and .spawn == "producers-first"
                     and .runs == 3 and .min_s <= .median_s and .median_s <= .max_s)
        and (([.[].impl] | unique | length) * ([.[] | [.num_prods_cons, .capacity]] | unique | length) == length)
        and (([.[] | [.num_prods_cons, .capacity]] | unique | length) == 9)
        and ((["threads", "crossbeam", "tasks", "tasks-mt"] - [.[].impl]) == [])
    ' "$json" >/dev/null
    printf '%s records, every sum right\n' "$(jq length "$json")"
fi

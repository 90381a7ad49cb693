#!/usr/bin/env bash
# Seeded bugs: proves the test suite can fail. Each ci/mutants/NN-name.patch is a small classic
# concurrency bug against the real src/. For each one, in order, this script applies it to a
# scratch copy of the repository, runs the suite, records which test caught it, and reverses it.
# It fails if the unmutated suite is not green, if a patch does not apply, compile or reverse
# cleanly, or if any mutant survives.
#
# The suite for a mutant: the loom models (RUSTFLAGS="--cfg loom" cargo test --tests), then, only
# if they all pass, the ordinary tests (cargo test --tests; doctests are left out to save time),
# then, only if those pass too, the checker: a bounded release-mode `prodcons check` sweep of our
# queues (see "The check suite" below).
# Both are built with `cargo test --tests --no-run` and each test then runs as its own process
# (`<test binary> --exact NAME`) under `timeout`, so that:
#   - attribution is exact, even when a loom deadlock aborts the whole process;
#   - a hang counts as caught by the test that hung (after MUTANTS_TEST_TIMEOUT seconds);
#   - the run stops at the first failing test, instead of finishing a 40-second model after a
#     cheap one has already failed. Tests run cheapest first (timed on the baseline run) and
#     MUTANTS_JOBS at a time. The order only decides speed and which test gets the credit: a
#     mutant is "survived" only after every test of both suites has passed on it.
#
# Usage:
#   ci/mutants.sh                      # the whole catalogue
#   ci/mutants.sh 03 close             # only the mutants whose file name contains 03 or close
#   MUTANTS=03,close ci/mutants.sh     # the same
# Environment:
#   MUTANTS               comma-separated name filters, as the arguments
#   MUTANTS_JOBS          tests run at once (default: the number of CPUs)
#   MUTANTS_TEST_TIMEOUT  seconds before one test counts as hung (default 180; the ordinary tests'
#                         own watchdog fires at 120 s and gives the better message)
#   LOOM_MAX_PREEMPTIONS  passed through to the loom models, as everywhere else
#   MUTANTS_CHECK_SCENARIOS, MUTANTS_CHECK_RUNS, MUTANTS_CHECK_SECS, MUTANTS_CHECK_SEED
#                         the check suite's sweep (defaults 200, 20, 10 and 1; see below)
#   MUTANTS_CHECK         0: no check suite at all (no release build; mutants get loom, plain)
#   MUTANTS_IGNORE_ORDER  1: run every mutant's suites as loom, plain, check, ignoring the
#                         `# suites:` line of its patch (to see which suites miss it)
#
# The check suite. `prodcons check --target blocking,async-current,async-multi` is the strongest
# detector we have for a queue bug that needs threads racing, but it needs a release build of the
# CLI, which costs a minute or more per mutant, so it runs only for a mutant that both test suites
# missed. Its binary is built with `--cfg prodcons_yield_points` (src/loom/yield_points.rs), and it
# sweeps twice: with random yields at every lock and atomic point
# (PRODCONS_YIELD_SEED=MUTANTS_CHECK_SEED), then with the points off (PRODCONS_YIELD_SEED=off:
# plain stress). Each sweep is
# bounded: at most MUTANTS_CHECK_SECS seconds of new scenarios per target, a 1 s hang limit (a
# lost wakeup costs that long, and so does each shrinking step that reproduces it), and a
# `timeout` of CHECK_TIMEOUT seconds around it. Its exit code decides:
#   0  the sweep passed;
#   1  a violation: the mutant is caught, like a failing test;
#   3  inconclusive (some histories went without a verdict): no verdict either way, so it is
#      neither a kill nor a pass. The mutant is reported INCONCLUSIVE, counts as not caught, and
#      fails the run, so that an unjudged mutant is looked at instead of passing silently;
#   other: a panic, a hang past the timeout or an abort is caught, as for a test.
# On the unmutated tree both sweeps must exit 0, or "caught" would mean nothing; that baseline is
# also CI's run of the random-yield mode on our queues, with the assignment's pipelines on it too.
# A patch may start with a `# suites: check loom plain` line to run its suites in that order:
# a mutant that only the check can catch (18) then skips the full runs of both test suites (a
# survivor runs every test). The order only decides speed and credit, as the test order does.
#
# Everything lives under target/mutants/: the scratch copy (src/), one cargo target dir per build
# flavour (loom/, plain/: dependencies build once, and switching RUSTFLAGS rebuilds nothing),
# and a log per mutant (logs/). The developer's tree is only ever read.
#
# Adding a mutant: make the change in a clean checkout, `git diff -- src > ci/mutants/NN-name.patch`,
# `git checkout -- src`, and put 1-3 lines of `# ` comment at the top of the patch saying what the
# bug is and why it is a classic (patch skips leading text). If it survives, strengthen the
# tests, never weaken the mutant.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$SECONDS

WORK=$ROOT/target/mutants
SCRATCH=$WORK/src
LOGS=$WORK/logs
JOBS=${MUTANTS_JOBS:-$(nproc 2>/dev/null || echo 2)}
TEST_TIMEOUT=${MUTANTS_TEST_TIMEOUT:-180}
CHECK_SCENARIOS=${MUTANTS_CHECK_SCENARIOS:-200}
CHECK_RUNS=${MUTANTS_CHECK_RUNS:-20}
CHECK_SECS=${MUTANTS_CHECK_SECS:-10}
CHECK_SEED=${MUTANTS_CHECK_SEED:-1}
CHECK_TIMEOUT=120

say() {
    printf '==> %s\n' "$*"
}

die() {
    printf 'mutants.sh: %s\n' "$*" >&2
    exit 1
}

for tool in patch timeout tar sha256sum; do
    command -v "$tool" >/dev/null || die "needs \`$tool\`"
done

# ---------------------------------------------------------------------------------------------
# Which mutants.

filters=()
if (($# > 0)); then
    filters=("$@")
elif [[ -n ${MUTANTS:-} ]]; then
    IFS=, read -r -a filters <<<"$MUTANTS"
fi
all_patches=("$ROOT"/ci/mutants/*.patch)
[[ -e ${all_patches[0]} ]] || die "no patches in ci/mutants/"
patches=()
for patch in "${all_patches[@]}"; do
    name=$(basename "$patch" .patch)
    if ((${#filters[@]} == 0)); then
        patches+=("$patch")
        continue
    fi
    for filter in "${filters[@]}"; do
        if [[ -n $filter && $name == *"$filter"* ]]; then
            patches+=("$patch")
            break
        fi
    done
done
for filter in "${filters[@]}"; do
    matched=false
    for patch in "${patches[@]}"; do
        [[ $(basename "$patch") == *"$filter"* ]] && matched=true
    done
    $matched || die "no mutant matches \`$filter\`"
done

# ---------------------------------------------------------------------------------------------
# The scratch copy: everything but build output and git metadata.

say "copying the tree to ${SCRATCH#"$ROOT"/}"
mkdir -p "$WORK" "$LOGS"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
tar -C "$ROOT" \
    --exclude=./target --exclude=./.git \
    --exclude=./fuzz/target --exclude=./fuzz/artifacts --exclude=./fuzz/coverage \
    -cf - . | tar -C "$SCRATCH" -m -xf -
# -m: every file gets a fresh mtime. Cargo judges freshness by mtime, and the target dirs may
# hold a build of the last mutant that ran; the copy must look newer than that build.

# The scratch copy's files and their hashes, to check that each reversed patch restores it.
(cd "$SCRATCH" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) >"$WORK/pristine.sha256"
(cd "$SCRATCH" && find . -type f | LC_ALL=C sort) >"$WORK/pristine.files"

# restore NAME: checks that every file is back as it was, and removes what the tests left behind
# (proptest-regressions files, say), so that no mutant's run can influence the next one.
restore() {
    local name=$1 extra
    (cd "$SCRATCH" && sha256sum --quiet -c "$WORK/pristine.sha256") >>"$LOGS/$name.log" 2>&1 ||
        die "$name: reversing the patch did not restore the scratch copy; see $LOGS/$name.log"
    (cd "$SCRATCH" && find . -type f | LC_ALL=C sort) >"$WORK/now.files"
    while IFS= read -r extra; do
        echo "removing $extra, left by the tests" >>"$LOGS/$name.log"
        rm -f "$SCRATCH/$extra"
    done < <(LC_ALL=C comm -13 "$WORK/pristine.files" "$WORK/now.files")
}

# ---------------------------------------------------------------------------------------------
# Building and running one suite.

# build SUITE LOG: builds the suite's test binaries in the scratch copy and writes
# "label<TAB>executable" lines to $WORK/SUITE.bins. Fails if the build fails.
build() {
    local suite=$1 log=$2 rustflags=
    if [[ $suite == check ]]; then
        (
            cd "$SCRATCH"
            RUSTFLAGS="--cfg prodcons_yield_points" CARGO_TARGET_DIR=$WORK/check \
                cargo build --release --quiet -p prodcons-cli
        ) >>"$log" 2>&1 || return 1
        [[ -x $WORK/check/release/prodcons ]]
        return
    fi
    [[ $suite == loom ]] && rustflags="--cfg loom"
    (
        cd "$SCRATCH"
        RUSTFLAGS=$rustflags CARGO_TARGET_DIR=$WORK/$suite \
            cargo test --tests --no-run --message-format=json-render-diagnostics
    ) >"$WORK/$suite.json" 2>>"$log" || return 1
    # Each artifact line names its target (kind, name) and, for a test binary (built with the
    # test profile: the plain binary the CLI tests run is not one), its executable.
    grep '"test":true},"features"' "$WORK/$suite.json" |
        sed -n 's/.*"kind":\["\([a-z-]*\)"\].*"name":"\([^"]*\)".*"executable":"\([^"]*\)".*/\1 \2\t\3/p' |
        sed 's/^test //; s/^lib [^[:space:]]*/lib/; s/^bin /bin-/' >"$WORK/$suite.bins"
    [[ -s $WORK/$suite.bins ]] || {
        echo "no test executables found in cargo's output" >>"$log"
        return 1
    }
}

# list_tests SUITE LOG: prints "label::test<TAB>executable" for every test of the suite.
list_tests() {
    local suite=$1 log=$2 label exe listing ignored
    while IFS=$'\t' read -r label exe; do
        if ! listing=$(cd "$SCRATCH" && "$exe" --list 2>>"$log"); then
            echo "$label: \`$exe --list\` failed" >>"$log"
            echo "LIST-FAILED"
            return
        fi
        # `#[ignore]`d tests run only when asked for (`--ignored`), so they are left out here as
        # `cargo test` leaves them out; `--list` alone would name them too.
        if ! ignored=$(cd "$SCRATCH" && "$exe" --list --ignored 2>>"$log"); then
            echo "$label: \`$exe --list --ignored\` failed" >>"$log"
            echo "LIST-FAILED"
            return
        fi
        { grep -vxF -f <(printf '%s\n' "$ignored") <<<"$listing" || true; } |
            sed -n "s|^\(.*\): test\$|$label::\1\t$exe|p"
    done <"$WORK/$suite.bins"
}

# The test processes running now, by index; killed if the script itself is stopped.
declare -A pid_of=()
stop_tests() {
    local pid
    for pid in "${pid_of[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
}
trap stop_tests EXIT

# Milliseconds each test took on the baseline run, by "suite label::test"; cheapest run first.
declare -A COST=()

# run_suite SUITE LOG: runs every test of the built suite, MUTANTS_JOBS at a time, cheapest first,
# stopping at the first failure. Sets FAILED to the failing test(s) with how each failed (empty
# if all passed). With RECORD=1, also records each test's cost.
FAILED=
run_suite() {
    local suite=$1 log=$2
    local -a ids=() exes=() order=()
    local id exe i
    while IFS=$'\t' read -r id exe; do
        ids+=("$id")
        exes+=("$exe")
    done < <(list_tests "$suite" "$log")
    if ((${#ids[@]} == 0)) || [[ ${ids[-1]} == LIST-FAILED ]]; then
        echo "$suite: could not list the tests" >>"$log"
        FAILED="(could not list the tests)"
        return
    fi
    # Cheapest first; tests the baseline never timed (new ones) go last.
    mapfile -t order < <(
        for i in "${!ids[@]}"; do
            printf '%s %s\n' "${COST["$suite ${ids[i]}"]:-999999999}" "$i"
        done | sort -n -k1,1 -s | cut -d' ' -f2
    )
    FAILED=
    local -A started=() out_of=()
    pid_of=()
    local next=0 running=0 pid rc name how out
    while :; do
        while [[ -z $FAILED ]] && ((running < JOBS && next < ${#order[@]})); do
            i=${order[next]}
            next=$((next + 1))
            name=${ids[i]#*::}
            out=$(mktemp "$WORK/test.XXXXXX")
            # Not `exec`: a test that aborts (a loom deadlock does) would then have this shell
            # print "Aborted" to the terminal. This way it goes to the test's output, and
            # stopping the subshell stops the test.
            (
                cd "$SCRATCH"
                child=
                trap 'kill ${child:+"$child"} 2>/dev/null' TERM
                CARGO_MANIFEST_DIR=$SCRATCH timeout --kill-after=10 "$TEST_TIMEOUT" \
                    "${exes[i]}" --exact "$name" --test-threads=1 &
                child=$!
                wait "$child"
            ) >"$out" 2>&1 &
            pid_of[$i]=$!
            started[$i]=${EPOCHREALTIME/./}
            out_of[$i]=$out
            running=$((running + 1))
        done
        ((running == 0)) && break
        sleep 0.1
        for i in "${!pid_of[@]}"; do
            pid=${pid_of[$i]}
            kill -0 "$pid" 2>/dev/null && continue
            rc=0
            wait "$pid" || rc=$?
            unset "pid_of[$i]"
            running=$((running - 1))
            out=${out_of[$i]}
            if ((rc == 0)) && grep -q '^test result: ok. 1 passed' "$out"; then
                if [[ ${RECORD:-0} == 1 ]]; then
                    COST["$suite ${ids[i]}"]=$(((${EPOCHREALTIME/./} - started[$i]) / 1000))
                fi
            elif [[ -n $FAILED && $rc -eq 143 ]]; then
                : # stopped by us below, after another test had failed
            else
                case $rc in
                0) how="ran no test: renamed?" ;;
                124 | 137) how="hung ${TEST_TIMEOUT}s" ;;
                101) how=failed ;;
                *) how="aborted, exit $rc" ;;
                esac
                if grep -q 'hung$\|hung"' "$out"; then how="hung: watchdog"; fi
                if grep -qi 'deadlock' "$out"; then how="deadlock"; fi
                FAILED+="${FAILED:+, }${ids[i]} ($how)"
                {
                    printf '\n----- %s: %s (exit %s) -----\n' "${ids[i]}" "$how" "$rc"
                    tail -n 40 "$out"
                } >>"$log"
                # Stop the tests still running: the verdict is in.
                stop_tests
            fi
            rm -f "$out"
        done
    done
}

# run_check LOG: the check suite's two sweeps (header). Sets FAILED as run_suite does, and
# INCONCLUSIVE to the sweeps that could not judge every history (empty if none).
INCONCLUSIVE=
run_check() {
    local log=$1 mode seed rc out how
    FAILED= INCONCLUSIVE=
    # Random yields first: on a bug with a narrow window they are the stronger detector, and the
    # order only decides speed and credit.
    for mode in yield plain; do
        seed=off
        [[ $mode == yield ]] && seed=$CHECK_SEED
        out=$(mktemp "$WORK/check.XXXXXX")
        rc=0
        (
            cd "$SCRATCH"
            PRODCONS_YIELD_SEED=$seed timeout --kill-after=10 "$CHECK_TIMEOUT" \
                "$WORK/check/release/prodcons" check --target blocking,async-current,async-multi \
                --scenarios "$CHECK_SCENARIOS" --runs "$CHECK_RUNS" --time "$CHECK_SECS" \
                --hang-limit 1 --seed 12
        ) >"$out" 2>&1 || rc=$?
        {
            printf '\n----- check, %s (PRODCONS_YIELD_SEED=%s): exit %s -----\n' "$mode" "$seed" "$rc"
            cat "$out"
        } >>"$log"
        # The table's rows, for the summary line: target, histories, failed, seconds.
        CHECK_TABLE+=$(awk -v mode="$mode" '$NF ~ /^(linearizable|VIOLATION|INCONCLUSIVE)$/ && NF == 9 {
            printf " %s %s: %s histories, %s unknown, %s failed, %ss;", mode, $1, $3, $5, $6, $8 }' "$out")
        rm -f "$out"
        case $rc in
        0) continue ;;
        3)
            INCONCLUSIVE+="${INCONCLUSIVE:+, }check::$mode (inconclusive)"
            continue
            ;;
        1) how=violation ;;
        124 | 137) how="hung ${CHECK_TIMEOUT}s" ;;
        101) how=panicked ;;
        *) how="aborted, exit $rc" ;;
        esac
        FAILED="check::$mode ($how)"
        return
    done
}

# run SUITE LOG: runs a built suite, whichever kind.
run() {
    if [[ $1 == check ]]; then
        run_check "$2"
    else
        run_suite "$1" "$2"
    fi
}

# ---------------------------------------------------------------------------------------------
# The baseline: the unmutated suite must be green, or "caught" would mean nothing.

baseline_log=$LOGS/00-baseline.log
: >"$baseline_log"
for suite in loom plain; do
    say "baseline: building the $suite suite"
    build "$suite" "$baseline_log" || die "the unmutated $suite suite does not build: see $baseline_log"
    suite_start=$SECONDS
    RECORD=1 run_suite "$suite" "$baseline_log"
    [[ -z $FAILED ]] || die "the unmutated $suite suite is red: $FAILED; see $baseline_log"
    say "baseline: the $suite suite is green (${#COST[@]} tests timed so far, $((SECONDS - suite_start))s)"
done
if [[ ${MUTANTS_CHECK:-1} != 0 ]]; then
    say "baseline: building the check suite (release, --cfg prodcons_yield_points)"
    suite_start=$SECONDS
    build check "$baseline_log" || die "the unmutated check suite does not build: see $baseline_log"
    say "baseline: built in $((SECONDS - suite_start))s; the sweeps, with random yields then plain"
    suite_start=$SECONDS
    CHECK_TABLE=
    run_check "$baseline_log"
    [[ -z $FAILED ]] || die "the unmutated queues fail the check: $FAILED; see $baseline_log"
    [[ -z $INCONCLUSIVE ]] || die "the check of the unmutated queues is inconclusive: $INCONCLUSIVE; see $baseline_log"
    say "baseline: the check is green ($((SECONDS - suite_start))s):$CHECK_TABLE"
    # The pipelines on the random yields: the assignment's cells, with threads and with tasks, whose
    # sums the binary checks (exit 1 on a wrong one).
    suite_start=$SECONDS
    (cd "$SCRATCH" && PRODCONS_YIELD_SEED=$CHECK_SEED timeout "$CHECK_TIMEOUT" "$WORK/check/release/prodcons") \
        >>"$baseline_log" 2>&1 || die "the pipelines fail with random yields; see $baseline_log"
    say "baseline: the assignment's pipelines pass with random yields ($((SECONDS - suite_start))s)"
fi
restore 00-baseline

# ---------------------------------------------------------------------------------------------
# The mutants.

rows=()
survivors=0
for patch in "${patches[@]}"; do
    name=$(basename "$patch" .patch)
    log=$LOGS/$name.log
    : >"$log"
    mutant_start=$SECONDS
    say "$name"
    caught=no suite=- by=-
    # The suites' order: the patch's `# suites:` line, if any (header), else loom, plain, check.
    suites=(loom plain check)
    order=$(sed -n 's/^# suites: *//p' "$patch" | head -n 1)
    if [[ -n $order && ${MUTANTS_IGNORE_ORDER:-0} != 1 ]]; then
        read -r -a suites <<<"$order"
        [[ $(printf '%s\n' "${suites[@]}" | sort | tr '\n' ' ') == "check loom plain " ]] ||
            die "$name: its \`# suites:\` line must name check, loom and plain once each"
    fi
    if [[ ${MUTANTS_CHECK:-1} == 0 ]]; then
        read -r -a suites <<<"${suites[*]/check/}"
    fi
    # A dry run first, so that a half-applying patch leaves the scratch copy untouched.
    if ! patch -d "$SCRATCH" -p1 --forward --batch --dry-run <"$patch" >>"$log" 2>&1 ||
        ! patch -d "$SCRATCH" -p1 --forward --batch --no-backup-if-mismatch -r - <"$patch" >>"$log" 2>&1; then
        caught=ERROR by="patch does not apply"
    else
        undecided=
        for flavour in "${suites[@]}"; do
            if ! build "$flavour" "$log"; then
                caught=ERROR suite=$flavour by="does not compile"
                break
            fi
            CHECK_TABLE=
            run "$flavour" "$log"
            if [[ $flavour == check ]]; then
                say "$name: check:$CHECK_TABLE"
                undecided=$INCONCLUSIVE
            fi
            if [[ -n $FAILED ]]; then
                caught=yes suite=$flavour by=$FAILED
                break
            fi
        done
        # Not caught, and the check could not judge every history: no verdict, never a pass.
        if [[ $caught == no && -n $undecided ]]; then
            caught=INCONCLUSIVE suite=check by=$undecided
        fi
        if ! patch -d "$SCRATCH" -p1 -R --batch --no-backup-if-mismatch -r - <"$patch" >>"$log" 2>&1; then
            die "$name: the patch does not reverse; the scratch copy is left as it is for a look"
        fi
        restore "$name"
    fi
    [[ $caught == yes ]] || survivors=$((survivors + 1))
    seconds=$((SECONDS - mutant_start))
    say "$name: caught=$caught suite=$suite by=$by (${seconds}s)"
    rows+=("$name|$caught|$suite|$by|$seconds")
done

# ---------------------------------------------------------------------------------------------
# The table.

printf '\n%-50s | %-7s | %-5s | %s | %s\n' mutant caught? suite "test(s) that caught it" seconds
for row in "${rows[@]}"; do
    IFS='|' read -r name caught suite by seconds <<<"$row"
    printf '%-50s | %-7s | %-5s | %s | %s\n' "$name" "$caught" "$suite" "$by" "$seconds"
done
total=$((SECONDS - START))
printf '\n%d mutants, %d not caught; total %dm%02ds (logs in %s)\n' \
    "${#rows[@]}" "$survivors" $((total / 60)) $((total % 60)) "${LOGS#"$ROOT"/}"
((survivors == 0)) || die "$survivors mutant(s) survived, were inconclusive or could not be tested"

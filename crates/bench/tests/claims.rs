//! The claims check: on the project's own `docs/` once the answers exist, and on the fixture in
//! `tests/fixtures/claims/`, copied into a scratch directory and then broken one way at a time,
//! to see that each way fails and names what broke.

#![cfg(not(loom))]

use std::fs;
use std::path::{Path, PathBuf};

use prodcons_bench::{BenchError, check_claims, check_claims_in};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/claims")
}

/// A fresh copy of the fixture, laid out as `prodcons bench --report DIR` lays out `docs/`.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prodcons-claims-{test}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("data")).unwrap();
    for file in ["claims.toml", "answers.md"] {
        fs::copy(fixture().join(file), dir.join(file)).unwrap();
    }
    fs::copy(
        fixture().join("results.json"),
        dir.join("data/results.json"),
    )
    .unwrap();
    dir
}

/// Replaces `from` by `to` in `dir/file`, which must contain it.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn check(dir: &Path) -> Result<prodcons_bench::ClaimsReport, BenchError> {
    check_claims(
        &dir.join("claims.toml"),
        &dir.join("answers.md"),
        &dir.join("data/results.json"),
    )
}

/// The answers are written after the next full measurement, with their claims: until then
/// neither file exists and this passes vacuously. One without the other is a mistake.
#[test]
fn the_projects_answers_agree_with_its_data() {
    let docs = docs();
    let claims = docs.join("claims.toml").exists();
    let answers = docs.join("answers.md").exists();
    assert_eq!(
        claims, answers,
        "docs/claims.toml and docs/answers.md come together: one exists without the other"
    );
    if claims {
        let report = check_claims_in(&docs).unwrap().unwrap();
        assert!(report.all_hold(), "{}", report.summary());
    }
}

/// The project's own answers can fail too: move one cell of a copy of `docs/data`, the
/// assignment's cell for `python-asyncio`, and the claims that read it, and only those, fail.
#[test]
fn the_projects_answers_fail_when_one_cell_of_their_data_moves() {
    let docs = docs();
    if !docs.join("claims.toml").exists() {
        return; // Vacuous until the answers exist, as above.
    }
    let dir = std::env::temp_dir().join(format!("prodcons-claims-docs-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("data")).unwrap();
    for file in ["claims.toml", "answers.md"] {
        fs::copy(docs.join(file), dir.join(file)).unwrap();
    }
    let data = fs::read_to_string(docs.join("data/results.json")).unwrap();
    let mut records: Vec<serde_json::Value> = serde_json::from_str(&data).unwrap();
    let cell = records
        .iter_mut()
        .find(|r| {
            r["impl"] == "python-asyncio"
                && r["study"] == "main"
                && r["num_prods_cons"] == 50
                && r["capacity"] == 10
        })
        .expect("docs/data has python-asyncio on pc(1000, 50, 10)");
    let median = cell["median_s"].as_f64().unwrap();
    cell["median_s"] = serde_json::json!(median * 2.0);
    fs::write(
        dir.join("data/results.json"),
        serde_json::to_string(&records).unwrap(),
    )
    .unwrap();

    let report = check(&dir).unwrap();
    let failing: Vec<&str> = report.failing().map(|o| o.id.as_str()).collect();
    // The claims that read the cell: the main study's (no study selector) python-asyncio
    // median at 50, 10. Doubling it moves each of them by far more than its tolerance.
    let claims = fs::read_to_string(dir.join("claims.toml")).unwrap();
    let reading: Vec<&str> = claims
        .split("[[claim]]")
        .filter(|table| table.contains(r#"median("python-asyncio", 50, 10)"#))
        .filter_map(|table| table.split("id = \"").nth(1)?.split('"').next())
        .collect();
    assert!(!reading.is_empty(), "no claim reads python-asyncio on W");
    assert_eq!(failing, reading, "{}", report.summary());
    assert!(report.into_result().is_err());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_fixture_holds() {
    let dir = scratch("holds");
    let report = check(&dir).unwrap();
    assert_eq!(report.summary(), "claims: 6 of 6 hold");
    assert_eq!(report.outcomes[0].id, "q3-unbounded-gap");
    assert!((report.outcomes[0].derived - 2.2).abs() < 1e-9);
    assert!(report.into_result().is_ok());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_altered_cell_fails_its_claim_by_name() {
    let dir = scratch("altered");
    // python-asyncio's unbounded median, 0.2 s: now threads take 4.4 times as long, not 2.2.
    edit(
        &dir,
        "data/results.json",
        r#""median_s": 0.2,"#,
        r#""median_s": 0.1,"#,
    );
    let report = check(&dir).unwrap();
    let failing: Vec<String> = report.failing().map(ToString::to_string).collect();
    assert_eq!(
        failing,
        ["FAILS q3-unbounded-gap: derived 4.4, states 2.2 (±5%)"]
    );
    let error = report.into_result().unwrap_err();
    assert!(matches!(
        error,
        BenchError::ClaimsFail {
            failing: 1,
            total: 6,
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "1 of 6 claims no longer hold: FAILS q3-unbounded-gap: derived 4.4, states 2.2 (±5%)"
    );
    fs::remove_dir_all(dir).unwrap();
}

/// Each way the answers can drift from the claims, and the words that name it.
#[test]
fn prose_that_disagrees_with_the_claims_fails() {
    let cases = [
        (
            "[2.2×](claims.toml#q3-unbounded-gap)",
            "[2.3×](claims.toml#q3-unbounded-gap)",
            "writes 2.3, but claim q3-unbounded-gap states 2.2",
        ),
        (
            "[2.2×](claims.toml#q3-unbounded-gap)",
            "[2.2×](claims.toml#q3-unbound-gap)",
            "cites q3-unbound-gap, which is not in the claims file",
        ),
        (
            "[1.33 times](claims.toml#q1-spread)",
            "1.33 times",
            "claim q1-spread is never cited",
        ),
        (
            "as long as asyncio.",
            "as long as asyncio, at 31 µs.",
            "bare number \"31\"",
        ),
        (
            "[50 ns](claims.toml#q2-tasks-ns-per-item)",
            "[50 ns, or 0.05 µs](claims.toml#q2-tasks-ns-per-item)",
            "must hold exactly one number",
        ),
    ];
    for (from, to, says) in cases {
        let dir = scratch("prose");
        edit(&dir, "answers.md", from, to);
        let error = check(&dir).unwrap_err();
        assert!(matches!(error, BenchError::Prose { .. }), "{to}: {error}");
        let message = error.to_string();
        assert!(message.contains(says), "{to}: {message}");
        assert!(message.contains("answers.md"), "{message}");
        fs::remove_dir_all(dir).unwrap();
    }
}

/// A claim whose cell is missing or ambiguous has no value: an error that names the claim.
#[test]
fn a_cell_must_name_exactly_one_row() {
    let cases = [
        (
            r#"ns_per_item("tasks", 50, 10)"#,
            r#"ns_per_item("tasks", 50, 100)"#,
            "claim q2-tasks-ns-per-item: no row of the data is tasks on numProdsCons 50, capacity 100 in study main",
        ),
        (
            r#""study=spawn-order", "spawn=producers-first")"#,
            r#""study=spawn-order")"#,
            "claim q2-paired-speedup: 2 rows of the data are tasks on numProdsCons 50, capacity 10 in study spawn-order",
        ),
        (
            r#"per_item("python-threads", 50, 10, "futile_wakeups")"#,
            r#"per_item("python-threads", 50, 0, "futile_wakeups")"#,
            "no futile_wakeups: it was not counted",
        ),
        (
            r#"spread("python-threads", 50, 10)"#,
            r#"spreed("python-threads", 50, 10)"#,
            "claim q1-spread: there is no function `spreed`",
        ),
        (
            r#"spread("python-threads", 50, 10)"#,
            r#"spread("python-threads", 50, 10, "spawn:paired")"#,
            "is not `key=value`",
        ),
        (
            r#"spread("python-threads", 50, 10)"#,
            r#"spread("python-threads", 50, 10"#,
            "claim q1-spread: expected `)`, found the end",
        ),
    ];
    for (from, to, says) in cases {
        let dir = scratch("cell");
        edit(&dir, "claims.toml", from, to);
        let error = check(&dir).unwrap_err();
        assert!(matches!(error, BenchError::Claim { .. }), "{to}: {error}");
        assert!(error.to_string().contains(says), "{to}: {error}");
        fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn a_malformed_claims_file_says_what_is_wrong() {
    let cases = [
        ("id = \"q1-spread\"", "id = \"Q1_spread\"", "not kebab-case"),
        (
            "id = \"q1-spread\"",
            "id = \"q3-unbounded-gap\"",
            "used twice",
        ),
        ("tolerance = \"1%\"\n", "", "needs a tolerance"),
        (
            "states = \"< 1\"",
            "states = \"< 1\"\ntolerance = \"1%\"",
            "takes no tolerance",
        ),
        ("note = ", "notes = ", "unknown field `notes`"),
    ];
    for (from, to, says) in cases {
        let dir = scratch("file");
        edit(&dir, "claims.toml", from, to);
        let error = check(&dir).unwrap_err();
        assert!(
            matches!(error, BenchError::ClaimsFile { .. }),
            "{to}: {error}"
        );
        assert!(error.to_string().contains(says), "{to}: {error}");
        fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn missing_files_are_named() {
    let dir = scratch("missing");
    fs::remove_file(dir.join("answers.md")).unwrap();
    let error = check_claims_in(&dir).unwrap_err();
    assert!(matches!(error, BenchError::Read { .. }), "{error}");
    assert!(error.to_string().contains("answers.md"), "{error}");
    fs::remove_file(dir.join("claims.toml")).unwrap();
    assert!(
        check_claims_in(&dir).unwrap().is_none(),
        "no claims, nothing to check"
    );
    fs::remove_dir_all(dir).unwrap();
}

/// Files written before records had `study`, `times_s` and `futile_wakeups` still load, their
/// rows all `main`; and the CSV reads like the JSON.
#[test]
fn older_records_and_csv_load() {
    let dir = scratch("older");
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(dir.join("data/results.json")).unwrap()).unwrap();
    let main: Vec<serde_json::Value> = rows
        .into_iter()
        .filter(|row| row["study"] == "main")
        .map(|mut row| {
            let fields = row.as_object_mut().unwrap();
            for old in ["study", "times_s", "futile_wakeups"] {
                fields.remove(old);
            }
            row
        })
        .collect();
    fs::write(dir.join("old.json"), serde_json::to_string(&main).unwrap()).unwrap();
    let gap = "[[claim]]\nid = \"gap\"\nexpr = 'median(\"python-threads\", 50, 0) / median(\"python-asyncio\", 50, 0)'\nstates = \"2.2\"\ntolerance = \"1%\"\n";
    fs::write(dir.join("gap.toml"), gap).unwrap();
    fs::write(dir.join("gap.md"), "[2.2×](claims.toml#gap)\n").unwrap();
    let report = check_claims(
        &dir.join("gap.toml"),
        &dir.join("gap.md"),
        &dir.join("old.json"),
    );
    assert_eq!(report.unwrap().summary(), "claims: 1 of 1 hold");

    // In the old files, a side study's row of a main cell reads as `main` too: no selector
    // can tell the two apart, and the error says the data need measuring again.
    let mut twice = main.clone();
    twice.push(main[0].clone());
    fs::write(
        dir.join("twice.json"),
        serde_json::to_string(&twice).unwrap(),
    )
    .unwrap();
    let error = check_claims(
        &dir.join("gap.toml"),
        &dir.join("gap.md"),
        &dir.join("twice.json"),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("claim gap: 2 rows of the data are python-threads"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("the data predate the `study` field"),
        "{error}"
    );

    // The counter that old files lack reads as not counted, which the claim then names.
    let futile = "[[claim]]\nid = \"futile\"\nexpr = 'counter(\"tasks\", 50, 10, \"futile_wakeups\")'\nstates = \"0\"\ntolerance = \"0\"\n";
    fs::write(dir.join("futile.toml"), futile).unwrap();
    fs::write(dir.join("futile.md"), "[0](claims.toml#futile)\n").unwrap();
    let error = check_claims(
        &dir.join("futile.toml"),
        &dir.join("futile.md"),
        &dir.join("old.json"),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("claim futile: tasks on numProdsCons 50"),
        "{error}"
    );

    let mut csv = csv::Writer::from_path(dir.join("old.csv")).unwrap();
    let header: Vec<&str> = main[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    csv.write_record(&header).unwrap();
    for row in &main {
        let cells = header.iter().map(|field| match &row[*field] {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        });
        csv.write_record(cells).unwrap();
    }
    csv.flush().unwrap();
    let report = check_claims(
        &dir.join("gap.toml"),
        &dir.join("gap.md"),
        &dir.join("old.csv"),
    );
    assert_eq!(report.unwrap().summary(), "claims: 1 of 1 hold");
    fs::remove_dir_all(dir).unwrap();
}

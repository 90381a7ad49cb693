//! Claims bound to the data: every number the hand-written answers state is a claim in
//! `claims.toml`, re-derived here from the bench's records, so prose cannot outlive the
//! measurements it describes.
//!
//! A claim, one `[[claim]]` table each:
//!
//! ```toml
//! [[claim]]
//! id = "q3-unbounded-gap"          # kebab-case, unique; the prose links to it
//! expr = 'median("python-threads", 50, 0) / median("python-asyncio", 50, 0)'
//! states = "2.2"                   # as the prose writes it ...
//! tolerance = "5%"                 # ... within 5% of 2.2; "0.05" would be ±0.05
//! note = "why the threads lose when nothing blocks"   # optional
//!
//! [[claim]]
//! id = "q1-futile-small"
//! expr = 'per_item("python-threads", 50, 10, "futile_wakeups")'
//! states = "< 1.5"                 # or <=, >, >=; no tolerance then
//! ```
//!
//! The expression is arithmetic (`+ - * /`, parentheses, numbers) over functions that each
//! read exactly one row, the contender and cell given first:
//!
//! | function | value |
//! |---|---|
//! | `median(IMPL, P, C)` | median seconds |
//! | `fastest(IMPL, P, C)`, `slowest(IMPL, P, C)` | the fastest and slowest run's seconds |
//! | `spread(IMPL, P, C)` | slowest / fastest run |
//! | `us_per_item(IMPL, P, C)`, `ns_per_item(IMPL, P, C)` | median / (numIters × P), in µs or ns |
//! | `runs(IMPL, P, C)` | timed runs |
//! | `counter(IMPL, P, C, "NAME")` | a counter of the counting pass, such as `"peak_len"` |
//! | `per_item(IMPL, P, C, "NAME")` | that counter / (numIters × P) |
//!
//! `P` is numProdsCons and `C` the capacity (0 for unbounded). The row is the `main` study's
//! unless selectors, extra `"key=value"` strings at the end, say otherwise:
//! `median("tasks", 50, 10, "study=spawn-order", "spawn=paired")`; the keys are `study`,
//! `spawn`, `cores` (`"cores=1 core"`) and `num_iters`. No row, or more than one, is an error
//! naming the claim: a claim never guesses which measurement it meant.
//!
//! The answers cite a claim with a Markdown link whose text holds the number exactly as
//! `states` writes it, `[2.2×](claims.toml#q3-unbounded-gap)`; `prose.rs` has the rule for the
//! numbers that need no claim, and `docs/usage.md` repeats it for writers.

mod expr;
mod prose;

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::Path;

use serde::Deserialize;

use super::error::BenchError;
use super::export::Record;

/// The claims file, the answers and the data, as `prodcons bench --report DIR` lays them out.
const CLAIMS: &str = "claims.toml";
const ANSWERS: &str = "answers.md";
const DATA: &str = "data/results.json";

/// What a claim's prose says about its value: a claim's `states`, with its `tolerance`.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{ClaimOutcome, Stated};
///
/// let bound = Stated::Bound { op: ">=".to_owned(), written: "2".to_owned(), value: 2.0 };
/// let outcome = ClaimOutcome { id: "q2-paired".to_owned(), derived: 2.5, stated: bound, holds: true };
/// assert_eq!(outcome.to_string(), "holds q2-paired: derived 2.5, states >= 2");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Stated {
    /// The number as written in the prose, and how far the data may be from it.
    Number {
        /// As written, such as `2.2`.
        written: String,
        /// Its value.
        value: f64,
        /// How far the derived value may be from it.
        tolerance: Tolerance,
    },
    /// A bound: the derived value must be `op` `written`, such as `< 1.5`.
    Bound {
        /// `<`, `<=`, `>` or `>=`.
        op: String,
        /// As written, such as `1.5`.
        written: String,
        /// Its value.
        value: f64,
    },
}

/// How far a derived value may be from a stated number, as `tolerance` writes it.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{ClaimOutcome, Stated, Tolerance};
///
/// let stated = Stated::Number { written: "31".to_owned(), value: 31.0, tolerance: Tolerance::Absolute(0.5) };
/// let outcome = ClaimOutcome { id: "q1-us".to_owned(), derived: 31.2, stated, holds: true };
/// assert_eq!(outcome.to_string(), "holds q1-us: derived 31.2, states 31 (±0.5)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    /// A fraction of the stated value: `"5%"` is `Relative(0.05)`.
    Relative(f64),
    /// An amount either side: `"0.05"` is `Absolute(0.05)`.
    Absolute(f64),
}

/// One claim's verdict.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{ClaimOutcome, Stated, Tolerance};
///
/// let outcome = ClaimOutcome {
///     id: "q3-unbounded-gap".to_owned(),
///     derived: 2.61,
///     stated: Stated::Number { written: "2.2".to_owned(), value: 2.2, tolerance: Tolerance::Relative(0.05) },
///     holds: false,
/// };
/// assert_eq!(outcome.to_string(), "FAILS q3-unbounded-gap: derived 2.61, states 2.2 (±5%)");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimOutcome {
    /// The claim's id.
    pub id: String,
    /// The value its expression has on the data.
    pub derived: f64,
    /// What the prose says.
    pub stated: Stated,
    /// Whether the data still support it.
    pub holds: bool,
}

impl fmt::Display for ClaimOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.holds { "holds" } else { "FAILS" };
        let derived = significant(self.derived);
        write!(f, "{verdict} {}: derived {derived}, states ", self.id)?;
        match &self.stated {
            Stated::Number {
                written, tolerance, ..
            } => match tolerance {
                Tolerance::Relative(fraction) => {
                    write!(f, "{written} (±{}%)", significant(fraction * 100.0))
                }
                Tolerance::Absolute(amount) => write!(f, "{written} (±{})", significant(*amount)),
            },
            Stated::Bound { op, written, .. } => write!(f, "{op} {written}"),
        }
    }
}

/// Four significant digits: enough to see how far a claim is off, short enough to read.
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return value.to_string();
    }
    let decimals = (3 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// Every claim's verdict, in the claims file's order.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{BenchError, ClaimOutcome, ClaimsReport, Stated};
///
/// let bound = Stated::Bound { op: "<".to_owned(), written: "1.5".to_owned(), value: 1.5 };
/// let report = ClaimsReport {
///     outcomes: vec![
///         ClaimOutcome { id: "a".to_owned(), derived: 1.2, stated: bound.clone(), holds: true },
///         ClaimOutcome { id: "b".to_owned(), derived: 1.7, stated: bound, holds: false },
///     ],
/// };
/// assert!(!report.all_hold());
/// assert_eq!(report.failing().count(), 1);
/// assert_eq!(report.summary(), "claims: 1 of 2 hold; FAILS b: derived 1.7, states < 1.5");
/// assert!(matches!(report.into_result(), Err(BenchError::ClaimsFail { .. })));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClaimsReport {
    /// One per claim.
    pub outcomes: Vec<ClaimOutcome>,
}

impl ClaimsReport {
    /// Whether every claim holds.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert!(prodcons_bench::ClaimsReport::default().all_hold());
    /// ```
    pub fn all_hold(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.holds)
    }

    /// The claims the data no longer support.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons_bench::ClaimsReport::default().failing().count(), 0);
    /// ```
    pub fn failing(&self) -> impl Iterator<Item = &ClaimOutcome> {
        self.outcomes.iter().filter(|outcome| !outcome.holds)
    }

    /// One line: how many hold, then each failing claim.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons_bench::ClaimsReport::default().summary(), "claims: 0 of 0 hold");
    /// ```
    pub fn summary(&self) -> String {
        let holding = self.outcomes.len() - self.failing().count();
        let mut line = format!("claims: {holding} of {} hold", self.outcomes.len());
        for outcome in self.failing() {
            line.push_str("; ");
            line.push_str(&outcome.to_string());
        }
        line
    }

    /// The report when every claim holds, [`BenchError::ClaimsFail`] listing the others if not.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert!(prodcons_bench::ClaimsReport::default().into_result().is_ok());
    /// ```
    pub fn into_result(self) -> Result<Self, BenchError> {
        if self.all_hold() {
            return Ok(self);
        }
        let failing: Vec<String> = self.failing().map(ToString::to_string).collect();
        Err(BenchError::ClaimsFail {
            failing: failing.len(),
            total: self.outcomes.len(),
            list: failing.join("; "),
        })
    }
}

/// The claims file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsFile {
    #[serde(default)]
    claim: Vec<RawClaim>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: String,
    expr: String,
    states: String,
    tolerance: Option<String>,
    // Read so that the file may carry it; only people read it.
    #[allow(dead_code)]
    note: Option<String>,
}

/// A claim ready to check.
struct Claim {
    id: String,
    expr: String,
    stated: Stated,
}

/// Re-derives every claim in `claims` from the records in `data` (JSON, or CSV if its name
/// ends in `.csv`), and checks that `answers` cites each claim, with its number as stated, and
/// states no number without a claim.
///
/// A claim the data no longer support is a verdict in the report, not an error: see
/// [`ClaimsReport::into_result`]. Errors are for what cannot be checked: a missing or malformed
/// file, a claim whose expression fails (naming the claim), and answers whose numbers and
/// links disagree with the claims ([`BenchError::Prose`], listing every problem).
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return Ok(()); }
/// use prodcons_bench::check_claims;
///
/// let dir = std::env::temp_dir().join(format!("prodcons-claims-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let row = |name: &str, median: f64| format!(
///     r#"{{"impl":"{name}","num_iters":1000,"num_prods_cons":50,"capacity":0,"runs":3,
///         "median_s":{median},"min_s":{median},"max_s":{median},"spawn":"producers-first",
///         "cores":"all cores"}}"#);
/// std::fs::write(dir.join("results.json"), format!("[{},{}]", row("python-threads", 0.22), row("python-asyncio", 0.1)))?;
/// std::fs::write(dir.join("claims.toml"), r#"
/// [[claim]]
/// id = "q3-unbounded-gap"
/// expr = 'median("python-threads", 50, 0) / median("python-asyncio", 50, 0)'
/// states = "2.2"
/// tolerance = "5%"
/// "#)?;
/// std::fs::write(dir.join("answers.md"), "Threads take [2.2×](claims.toml#q3-unbounded-gap) as long.\n")?;
///
/// let report = check_claims(&dir.join("claims.toml"), &dir.join("answers.md"), &dir.join("results.json"))?;
/// assert_eq!(report.summary(), "claims: 1 of 1 hold");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_claims(
    claims: &Path,
    answers: &Path,
    data: &Path,
) -> Result<ClaimsReport, BenchError> {
    let claims_list = read_claims(claims)?;
    let answers_text = read(answers)?;
    check_prose(&claims_list, &answers_text, answers)?;
    let rows = read_data(data)?;
    let mut report = ClaimsReport::default();
    for claim in claims_list {
        let derived = expr::evaluate(&claim.expr, &rows).map_err(|reason| BenchError::Claim {
            id: claim.id.clone(),
            reason,
        })?;
        report.outcomes.push(ClaimOutcome {
            holds: supports(derived, &claim.stated),
            id: claim.id,
            derived,
            stated: claim.stated,
        });
    }
    Ok(report)
}

/// [`check_claims`] on `DIR/claims.toml`, `DIR/answers.md` and `DIR/data/results.json`, the
/// layout `prodcons bench --report DIR` writes; `None` when `DIR/claims.toml` does not exist,
/// so a directory without claims has nothing to check.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::check_claims_in;
///
/// let empty = std::env::temp_dir().join(format!("prodcons-claims-in-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&empty).unwrap();
/// assert!(check_claims_in(&empty).unwrap().is_none());
/// # std::fs::remove_dir_all(&empty).unwrap();
/// ```
pub fn check_claims_in(dir: &Path) -> Result<Option<ClaimsReport>, BenchError> {
    let claims = dir.join(CLAIMS);
    if !claims.exists() {
        return Ok(None);
    }
    check_claims(&claims, &dir.join(ANSWERS), &dir.join(DATA)).map(Some)
}

fn supports(derived: f64, stated: &Stated) -> bool {
    match stated {
        Stated::Number {
            value, tolerance, ..
        } => {
            let allowed = match tolerance {
                Tolerance::Relative(fraction) => fraction * value.abs(),
                Tolerance::Absolute(amount) => *amount,
            };
            (derived - value).abs() <= allowed
        }
        Stated::Bound { op, value, .. } => match op.as_str() {
            "<" => derived < *value,
            "<=" => derived <= *value,
            ">" => derived > *value,
            _ => derived >= *value,
        },
    }
}

fn read(path: &Path) -> Result<String, BenchError> {
    fs::read_to_string(path).map_err(|source| BenchError::Read {
        path: path.to_owned(),
        source,
    })
}

fn read_data(path: &Path) -> Result<Vec<Record>, BenchError> {
    let invalid = |reason: String| BenchError::Data {
        path: path.to_owned(),
        reason,
    };
    if path.extension().is_some_and(|ext| ext == "csv") {
        let mut reader =
            csv::Reader::from_path(path).map_err(|error| invalid(error.to_string()))?;
        reader
            .deserialize()
            .collect::<Result<_, _>>()
            .map_err(|error| invalid(error.to_string()))
    } else {
        serde_json::from_str(&read(path)?).map_err(|error| invalid(error.to_string()))
    }
}

fn read_claims(path: &Path) -> Result<Vec<Claim>, BenchError> {
    let invalid = |reason: String| BenchError::ClaimsFile {
        path: path.to_owned(),
        reason,
    };
    let file: ClaimsFile = toml::from_str(&read(path)?)
        .map_err(|error| invalid(error.to_string().trim().replace('\n', " ")))?;
    let mut seen = BTreeSet::new();
    let mut claims = Vec::new();
    for raw in file.claim {
        let kebab = !raw.id.is_empty()
            && !raw.id.starts_with('-')
            && !raw.id.ends_with('-')
            && !raw.id.contains("--")
            && raw
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !kebab {
            return Err(invalid(format!(
                "the id {:?} is not kebab-case (lowercase letters, digits, single hyphens)",
                raw.id
            )));
        }
        if !seen.insert(raw.id.clone()) {
            return Err(invalid(format!("the id {:?} is used twice", raw.id)));
        }
        let stated = stated(&raw.states, raw.tolerance.as_deref())
            .map_err(|reason| invalid(format!("claim {}: {reason}", raw.id)))?;
        claims.push(Claim {
            id: raw.id,
            expr: raw.expr,
            stated,
        });
    }
    Ok(claims)
}

/// Parses `states` and `tolerance`: a number needs a tolerance, a bound must have none.
fn stated(states: &str, tolerance: Option<&str>) -> Result<Stated, String> {
    let states = states.trim();
    let op = ["<=", ">=", "<", ">"]
        .into_iter()
        .find(|op| states.starts_with(op));
    let written = op.map_or(states, |op| states[op.len()..].trim());
    let chars: Vec<char> = written.chars().collect();
    let is_prose_number = prose::numbers_in(&chars)
        .first()
        .is_some_and(|(_, number)| number == written);
    let value = written
        .parse::<f64>()
        .ok()
        .filter(|_| is_prose_number)
        .ok_or_else(|| {
            format!(
                "states {states:?} is neither a number as prose writes it (\"2.2\") nor a \
                 bound (\"< 1.5\")"
            )
        })?;
    let written = written.to_owned();
    match (op, tolerance) {
        (Some(op), None) => Ok(Stated::Bound {
            op: op.to_owned(),
            written,
            value,
        }),
        (Some(_), Some(_)) => Err(format!(
            "states the bound {states:?}, which takes no tolerance"
        )),
        (None, None) => Err(format!(
            "states the number {states:?} and needs a tolerance, such as \"5%\" or \"0.05\""
        )),
        (None, Some(tolerance)) => Ok(Stated::Number {
            written,
            value,
            tolerance: parse_tolerance(tolerance)?,
        }),
    }
}

fn parse_tolerance(text: &str) -> Result<Tolerance, String> {
    let text = text.trim();
    let (number, relative) = match text.strip_suffix('%') {
        Some(percent) => (percent.trim(), true),
        None => (text, false),
    };
    match number.parse::<f64>() {
        Ok(amount) if amount >= 0.0 && amount.is_finite() => Ok(if relative {
            Tolerance::Relative(amount / 100.0)
        } else {
            Tolerance::Absolute(amount)
        }),
        _ => Err(format!(
            "the tolerance {text:?} is neither a percentage (\"5%\") nor an amount (\"0.05\")"
        )),
    }
}

/// The answers' side: every citation names a claim and writes its number, every claim is
/// cited, and no number is bare. All problems at once, so one edit fixes them all.
fn check_prose(claims: &[Claim], markdown: &str, path: &Path) -> Result<(), BenchError> {
    let scan = prose::scan(markdown);
    let mut problems = scan.malformed;
    let mut cited = BTreeSet::new();
    for citation in &scan.citations {
        let line = citation.line;
        let Some(claim) = claims.iter().find(|claim| claim.id == citation.id) else {
            problems.push(format!(
                "line {line}: [{}] cites {}, which is not in the claims file",
                citation.text, citation.id
            ));
            continue;
        };
        cited.insert(claim.id.as_str());
        let written = match &claim.stated {
            Stated::Number { written, .. } | Stated::Bound { written, .. } => written,
        };
        match citation.numbers.as_slice() {
            [number] if number == written => {}
            [number] => problems.push(format!(
                "line {line}: [{}] writes {number}, but claim {} states {written}",
                citation.text, claim.id
            )),
            _ => problems.push(format!(
                "line {line}: [{}] must hold exactly one number, claim {}'s {written}",
                citation.text, claim.id
            )),
        }
    }
    for claim in claims {
        if !cited.contains(claim.id.as_str()) {
            problems.push(format!("claim {} is never cited", claim.id));
        }
    }
    problems.extend(scan.bare);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(BenchError::Prose {
            path: path.to_owned(),
            problems: problems.join("; "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_tolerances_parse_or_say_why_not() {
        assert_eq!(
            stated("2.2", Some("5%")),
            Ok(Stated::Number {
                written: "2.2".to_owned(),
                value: 2.2,
                tolerance: Tolerance::Relative(0.05)
            })
        );
        assert_eq!(
            stated(">= 2", None),
            Ok(Stated::Bound {
                op: ">=".to_owned(),
                written: "2".to_owned(),
                value: 2.0
            })
        );
        assert!(
            stated("2.2", None)
                .unwrap_err()
                .contains("needs a tolerance")
        );
        assert!(
            stated("< 2", Some("1%"))
                .unwrap_err()
                .contains("no tolerance")
        );
        assert!(
            stated("about 2", Some("1%"))
                .unwrap_err()
                .contains("neither")
        );
        assert!(
            stated("1e3", Some("1%")).is_err(),
            "not how prose writes it"
        );
        assert!(parse_tolerance("-1").is_err());
        assert_eq!(parse_tolerance("0.05"), Ok(Tolerance::Absolute(0.05)));
    }

    #[test]
    fn tolerances_are_inclusive() {
        let two = |tolerance| Stated::Number {
            written: "2".to_owned(),
            value: 2.0,
            tolerance,
        };
        assert!(supports(2.09, &two(Tolerance::Relative(0.05))));
        assert!(!supports(2.11, &two(Tolerance::Relative(0.05))));
        assert!(supports(1.75, &two(Tolerance::Absolute(0.25))));
        assert!(!supports(1.74, &two(Tolerance::Absolute(0.25))));
    }

    #[test]
    fn significant_digits() {
        assert_eq!(significant(2.6123), "2.612");
        assert_eq!(significant(0.000123456), "0.0001235");
        assert_eq!(significant(31000.4), "31000");
    }
}

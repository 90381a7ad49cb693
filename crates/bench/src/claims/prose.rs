//! Finding the numbers in `answers.md`: the ones cited as claims, and the bare ones.
//!
//! The rule, as `docs/usage.md` states it for writers: a claimed number is written as a
//! Markdown link to its claim, `[2.2×](claims.toml#q3-unbounded-gap)`, whose text holds exactly
//! that one number. Every other number in the prose is bare, and a bare number is an error,
//! except where it is not a measurement:
//!
//! - in code: fenced blocks and `code spans` (parameters such as `capacity = 10` go there);
//! - in a cell, `pc(1000, 50, 10)`;
//! - in a link's target, an HTML comment, or a reference definition line (`[1]: https://...`);
//! - glued to a letter or an underscore, as in `Q1`, `x86_64` or `2nd`, or part of a dotted
//!   version such as `3.12.1`;
//! - an ordered list's marker, `1.` at the start of a line.
//!
//! Numbers are written without thousands separators: `24975000`, not `24,975,000`.

/// A link to a claim, where it is in the answers.
pub(super) struct Citation {
    /// The claim's id, after `claims.toml#`.
    pub(super) id: String,
    /// The link text.
    pub(super) text: String,
    /// The numbers in the link text, as written.
    pub(super) numbers: Vec<String>,
    /// 1-based line.
    pub(super) line: usize,
}

/// What the scan found.
pub(super) struct Scan {
    pub(super) citations: Vec<Citation>,
    /// Bare numbers, as `line L: "N" in "…context…"`.
    pub(super) bare: Vec<String>,
    /// Links to claims.toml that name no claim.
    pub(super) malformed: Vec<String>,
}

/// Scans the answers' Markdown.
pub(super) fn scan(markdown: &str) -> Scan {
    let original: Vec<char> = markdown.chars().collect();
    let mut chars = original.clone();
    mask_fences(&mut chars);
    mask_between(&mut chars, "<!--", "-->");
    mask_code_spans(&mut chars);
    mask_reference_definitions(&mut chars);
    let (citations, malformed) = take_links(&mut chars);
    mask_cells(&mut chars);
    mask_list_markers(&mut chars);
    let bare = numbers_in(&chars)
        .into_iter()
        .map(|(at, number)| {
            let line = line_of(&original, at);
            let context = context_of(&original, at);
            format!("line {line}: bare number {number:?} in \"{context}\"")
        })
        .collect();
    Scan {
        citations,
        bare,
        malformed,
    }
}

fn blank(chars: &mut [char], from: usize, to: usize) {
    for c in &mut chars[from..to] {
        if *c != '\n' {
            *c = ' ';
        }
    }
}

fn starts_with(chars: &[char], at: usize, pattern: &str) -> bool {
    pattern
        .chars()
        .enumerate()
        .all(|(k, p)| chars.get(at + k) == Some(&p))
}

fn find(chars: &[char], from: usize, pattern: &str) -> Option<usize> {
    (from..chars.len()).find(|&at| starts_with(chars, at, pattern))
}

/// The start of each line, and its end (the `\n` or the text's end).
fn lines(chars: &[char]) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (at, c) in chars.iter().enumerate() {
        if *c == '\n' {
            lines.push((start, at));
            start = at + 1;
        }
    }
    lines.push((start, chars.len()));
    lines
}

fn mask_fences(chars: &mut [char]) {
    let mut fence: Option<char> = None;
    for (start, end) in lines(chars) {
        let first = (start..end).find(|&at| chars[at] != ' ');
        let opens = first.and_then(|at| {
            ['`', '~']
                .into_iter()
                .find(|&mark| (0..3).all(|k| chars.get(at + k) == Some(&mark)))
        });
        match (fence, opens) {
            (None, Some(mark)) => {
                fence = Some(mark);
                blank(chars, start, end);
            }
            (Some(open), Some(mark)) if open == mark => {
                fence = None;
                blank(chars, start, end);
            }
            (Some(_), _) => blank(chars, start, end),
            (None, None) => {}
        }
    }
}

fn mask_between(chars: &mut [char], open: &str, close: &str) {
    let mut from = 0;
    while let Some(start) = find(chars, from, open) {
        let end = find(chars, start + open.len(), close).map_or(chars.len(), |at| at + close.len());
        blank(chars, start, end);
        from = end;
    }
}

/// A run of n backticks opens a span that the next run of exactly n closes (CommonMark).
fn mask_code_spans(chars: &mut [char]) {
    let run_at = |chars: &[char], at: usize| chars[at..].iter().take_while(|c| **c == '`').count();
    let mut at = 0;
    while at < chars.len() {
        if chars[at] != '`' {
            at += 1;
            continue;
        }
        let n = run_at(chars, at);
        let mut close = at + n;
        let mut end = None;
        while close < chars.len() {
            if chars[close] == '`' {
                let m = run_at(chars, close);
                if m == n {
                    end = Some(close + m);
                    break;
                }
                close += m;
            } else {
                close += 1;
            }
        }
        match end {
            Some(end) => {
                blank(chars, at, end);
                at = end;
            }
            None => at += n,
        }
    }
}

fn mask_reference_definitions(chars: &mut [char]) {
    for (start, end) in lines(chars) {
        let line: String = chars[start..end].iter().collect();
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') && trimmed.contains("]:") {
            blank(chars, start, end);
        }
    }
}

/// Takes every `[text](target)` out: a link to a claim becomes a citation, whole; any other
/// link keeps its text, which is prose, and loses its target, which is not.
fn take_links(chars: &mut [char]) -> (Vec<Citation>, Vec<String>) {
    let mut citations = Vec::new();
    let mut malformed = Vec::new();
    let mut at = 0;
    while let Some(open) = (at..chars.len()).find(|&i| chars[i] == '[') {
        let Some(close) = (open + 1..chars.len()).find(|&i| chars[i] == ']' || chars[i] == '[')
        else {
            break;
        };
        if chars[close] == '[' || chars.get(close + 1) != Some(&'(') {
            at = close;
            continue;
        }
        let mut depth = 0;
        let mut end = None;
        for (i, c) in chars.iter().enumerate().skip(close + 1) {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                '\n' => break,
                _ => {}
            }
        }
        let Some(end) = end else {
            at = close + 1;
            continue;
        };
        let text: String = chars[open + 1..close].iter().collect();
        let target: String = chars[close + 2..end].iter().collect();
        let target = target.trim();
        let target = target.strip_prefix("./").unwrap_or(target);
        let line = line_of(chars, open);
        if let Some(rest) = target.strip_prefix("claims.toml") {
            match rest.strip_prefix('#').filter(|id| !id.is_empty()) {
                Some(id) => {
                    let inner: Vec<char> = text.chars().collect();
                    citations.push(Citation {
                        id: id.to_owned(),
                        numbers: numbers_in(&inner).into_iter().map(|(_, n)| n).collect(),
                        text,
                        line,
                    });
                }
                None => malformed.push(format!(
                    "line {line}: the link [{text}]({target}) names no claim; write \
                     claims.toml#ID"
                )),
            }
            blank(chars, open, end + 1);
        } else {
            blank(chars, close, end + 1);
            chars[open] = ' ';
        }
        at = end + 1;
    }
    (citations, malformed)
}

/// `pc(...)`, the assignment's name for a cell.
fn mask_cells(chars: &mut [char]) {
    let mut from = 0;
    while let Some(start) = find(chars, from, "pc(") {
        let glued = start > 0 && is_word(chars[start - 1]);
        let end = (start..chars.len())
            .find(|&at| chars[at] == ')' || chars[at] == '\n')
            .map_or(chars.len(), |at| at + 1);
        if !glued {
            blank(chars, start, end);
        }
        from = end.max(start + 1);
    }
}

fn mask_list_markers(chars: &mut [char]) {
    for (start, end) in lines(chars) {
        let Some(first) = (start..end).find(|&at| chars[at] != ' ' && chars[at] != '\t') else {
            continue;
        };
        let digits = chars[first..end]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let after = first + digits;
        let marker = digits > 0
            && matches!(chars.get(after), Some('.' | ')'))
            && matches!(chars.get(after + 1), Some(' ' | '\t') | None);
        if marker {
            blank(chars, first, after + 1);
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every number in `chars`, with where it starts: digits with at most one decimal point, a
/// leading minus sign kept, and not glued to a word on either side.
pub(super) fn numbers_in(chars: &[char]) -> Vec<(usize, String)> {
    let mut numbers = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if !chars[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        let mut dots = 0;
        while at < chars.len() {
            let c = chars[at];
            let dot = c == '.' && chars.get(at + 1).is_some_and(char::is_ascii_digit);
            if dot {
                dots += 1;
            } else if !c.is_ascii_digit() {
                break;
            }
            at += 1;
        }
        let before = start.checked_sub(1).map(|i| chars[i]);
        let glued_before = before.is_some_and(|c| is_word(c) || c == '.');
        let glued_after = chars.get(at).is_some_and(|c| is_word(*c));
        if glued_before || glued_after || dots > 1 {
            continue;
        }
        let signed = matches!(before, Some('-' | '−'))
            && !start.checked_sub(2).is_some_and(|i| is_word(chars[i]));
        let digits: String = chars[start..at].iter().collect();
        if signed {
            numbers.push((start - 1, format!("-{digits}")));
        } else {
            numbers.push((start, digits));
        }
    }
    numbers
}

fn line_of(chars: &[char], at: usize) -> usize {
    1 + chars[..at].iter().filter(|c| **c == '\n').count()
}

/// Up to 30 characters either side of `at`, on its line.
fn context_of(chars: &[char], at: usize) -> String {
    let start = (0..at)
        .rev()
        .take(30)
        .take_while(|&i| chars[i] != '\n')
        .last()
        .unwrap_or(at);
    let end = (at..chars.len())
        .take(30)
        .take_while(|&i| chars[i] != '\n')
        .last()
        .map_or(at, |i| i + 1);
    chars[start..end]
        .iter()
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(markdown: &str) -> Vec<String> {
        scan(markdown).bare
    }

    #[test]
    fn what_is_not_a_bare_number() {
        let ok = "## Q1: why\n\n1. In `capacity = 10` and pc(1000, 50, 10), x86_64 and the \
                  2nd run,\n   Python 3.12.1 [see](figures/time-50.svg) <!-- 7 -->\n\
                  ```\n12 34\n```\n[1]: https://example.com/5\n";
        assert_eq!(bare(ok), Vec::<String>::new());
    }

    #[test]
    fn bare_numbers_are_found_with_their_line() {
        let found = bare("Q2\n\nasyncio is 2.2× faster, and -3 waits; then 10%.\n");
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("line 3: bare number \"2.2\""),
            "{found:?}"
        );
        assert!(found[1].contains("\"-3\""), "{found:?}");
    }

    #[test]
    fn citations_carry_their_numbers() {
        let scan = scan(
            "It is [2.2× faster](claims.toml#q3-gap) and [about -1.5](./claims.toml#neg).\n[bad 3](claims.toml)\n",
        );
        let found: Vec<(&str, &[String], usize)> = scan
            .citations
            .iter()
            .map(|c| (c.id.as_str(), c.numbers.as_slice(), c.line))
            .collect();
        assert_eq!(
            found,
            [
                ("q3-gap", &["2.2".to_owned()][..], 1),
                ("neg", &["-1.5".to_owned()][..], 1)
            ]
        );
        assert_eq!(scan.malformed.len(), 1);
        assert!(scan.bare.is_empty(), "{:?}", scan.bare);
    }
}

//! A claim's expression: arithmetic on numbers and on functions that each read one row of the
//! data. Hand-written rather than borrowed because it is small and because every value here
//! is a real number: a general-purpose evaluator would divide integers as integers
//! (`1 / 2 == 0`) and would report an unmatched cell in its own words, not the claim's.
//!
//! ```text
//! expr    := term (("+" | "-") term)*
//! term    := unary (("*" | "/") unary)*
//! unary   := "-" unary | primary
//! primary := NUMBER | STRING | NAME "(" [expr ("," expr)*] ")" | "(" expr ")"
//! ```

use std::fmt::Write as _;

use crate::export::Record;

/// A value while evaluating: strings only ever reach functions as arguments.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Number(f64),
    Text(String),
}

/// Evaluates `source` against `rows`; the error is a reason, to be wrapped with the claim's id.
pub(super) fn evaluate(source: &str, rows: &[Record]) -> Result<f64, String> {
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        rows,
    };
    let value = parser.expr()?;
    if let Some(token) = parser.tokens.get(parser.at) {
        return Err(format!("unexpected {} after a complete expression", token));
    }
    match value {
        Value::Number(number) if number.is_finite() => Ok(number),
        Value::Number(number) => Err(format!(
            "the expression is {number}, not a finite number (a division by zero?)"
        )),
        Value::Text(text) => Err(format!(
            "the expression is the string {text:?}, not a number"
        )),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(f64),
    Text(String),
    Name(String),
    Symbol(char),
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(number) => write!(f, "number {number}"),
            Self::Text(text) => write!(f, "string {text:?}"),
            Self::Name(name) => write!(f, "name `{name}`"),
            Self::Symbol(symbol) => write!(f, "`{symbol}`"),
        }
    }
}

fn tokenize(source: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() || c == '.' {
            let mut end = start;
            while let Some(&(at, d)) = chars.peek() {
                if !(d.is_ascii_digit() || d == '.' || d == 'e' || d == 'E') {
                    break;
                }
                end = at + d.len_utf8();
                chars.next();
            }
            let text = &source[start..end];
            let number = text
                .parse()
                .map_err(|_| format!("{text:?} is not a number"))?;
            tokens.push(Token::Number(number));
        } else if c == '"' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some((_, '"')) => break,
                    Some((_, d)) => text.push(d),
                    None => {
                        return Err(format!(
                            "the string starting at column {} has no closing quote",
                            start + 1
                        ));
                    }
                }
            }
            tokens.push(Token::Text(text));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut name = String::new();
            while let Some(&(_, d)) = chars.peek() {
                if !(d.is_ascii_alphanumeric() || d == '_') {
                    break;
                }
                name.push(d);
                chars.next();
            }
            tokens.push(Token::Name(name));
        } else if "+-*/(),".contains(c) {
            tokens.push(Token::Symbol(c));
            chars.next();
        } else {
            return Err(format!(
                "unexpected character {c:?} at column {}",
                start + 1
            ));
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    rows: &'a [Record],
}

impl Parser<'_> {
    fn peek_symbol(&self, symbols: &str) -> Option<char> {
        match self.tokens.get(self.at) {
            Some(Token::Symbol(symbol)) if symbols.contains(*symbol) => Some(*symbol),
            _ => None,
        }
    }

    fn expect(&mut self, symbol: char) -> Result<(), String> {
        match self.tokens.get(self.at) {
            Some(Token::Symbol(found)) if *found == symbol => {
                self.at += 1;
                Ok(())
            }
            Some(token) => Err(format!("expected `{symbol}`, found {token}")),
            None => Err(format!("expected `{symbol}`, found the end")),
        }
    }

    fn expr(&mut self) -> Result<Value, String> {
        let mut left = self.term()?;
        while let Some(op) = self.peek_symbol("+-") {
            self.at += 1;
            let right = self.term()?;
            left = arithmetic(op, &left, &right)?;
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Value, String> {
        let mut left = self.unary()?;
        while let Some(op) = self.peek_symbol("*/") {
            self.at += 1;
            let right = self.unary()?;
            left = arithmetic(op, &left, &right)?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Value, String> {
        if self.peek_symbol("-").is_some() {
            self.at += 1;
            let value = self.unary()?;
            return arithmetic('-', &Value::Number(0.0), &value);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Value, String> {
        let Some(token) = self.tokens.get(self.at).cloned() else {
            return Err("the expression ends too soon".to_owned());
        };
        self.at += 1;
        match token {
            Token::Number(number) => Ok(Value::Number(number)),
            Token::Text(text) => Ok(Value::Text(text)),
            Token::Symbol('(') => {
                let value = self.expr()?;
                self.expect(')')?;
                Ok(value)
            }
            Token::Name(name) => {
                self.expect('(')
                    .map_err(|_| format!("`{name}` must be called, as `{name}(...)`"))?;
                let mut args = Vec::new();
                if self.peek_symbol(")").is_none() {
                    args.push(self.expr()?);
                    while self.peek_symbol(",").is_some() {
                        self.at += 1;
                        args.push(self.expr()?);
                    }
                }
                self.expect(')')?;
                call(&name, &args, self.rows).map(Value::Number)
            }
            Token::Symbol(_) => Err(format!("unexpected {token}")),
        }
    }
}

fn arithmetic(op: char, left: &Value, right: &Value) -> Result<Value, String> {
    let (Value::Number(a), Value::Number(b)) = (left, right) else {
        return Err(format!("`{op}` needs numbers on both sides, not strings"));
    };
    Ok(Value::Number(match op {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        _ => a / b,
    }))
}

/// The functions, with what they take after the cell: for the error when a claim misuses one.
pub(super) const FUNCTIONS: &str = "median, fastest, slowest, spread, us_per_item, \
     ns_per_item, runs (IMPL, PRODS_CONS, CAPACITY, [\"key=value\"...]); counter, per_item \
     (IMPL, PRODS_CONS, CAPACITY, \"COUNTER\", [\"key=value\"...])";

/// The counters a record may have, each `None` where it was not counted.
fn counter_of(record: &Record, name: &str) -> Result<Option<f64>, String> {
    let as_f64 = |value: Option<u64>| value.map(|value| value as f64);
    Ok(match name {
        "put_waits" => as_f64(record.put_waits),
        "get_waits" => as_f64(record.get_waits),
        "waits_per_item" => record.waits_per_item,
        "peak_len" => as_f64(record.peak_len),
        "voluntary_switches" => as_f64(record.voluntary_switches),
        "involuntary_switches" => as_f64(record.involuntary_switches),
        "switches_per_item" => record.switches_per_item,
        "rss_before_bytes" => as_f64(record.rss_before_bytes),
        "peak_rss_bytes" => as_f64(record.peak_rss_bytes),
        "futile_wakeups" => as_f64(record.futile_wakeups),
        _ => {
            return Err(format!(
                "{name:?} is not a counter; the counters are put_waits, get_waits, \
                 waits_per_item, peak_len, voluntary_switches, involuntary_switches, \
                 switches_per_item, rss_before_bytes, peak_rss_bytes, futile_wakeups"
            ));
        }
    })
}

/// The functions a claim can call.
#[derive(Clone, Copy, PartialEq)]
enum Function {
    Median,
    Fastest,
    Slowest,
    Spread,
    UsPerItem,
    NsPerItem,
    Runs,
    Counter,
    PerItem,
}

impl Function {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "median" => Self::Median,
            "fastest" => Self::Fastest,
            "slowest" => Self::Slowest,
            "spread" => Self::Spread,
            "us_per_item" => Self::UsPerItem,
            "ns_per_item" => Self::NsPerItem,
            "runs" => Self::Runs,
            "counter" => Self::Counter,
            "per_item" => Self::PerItem,
            _ => return None,
        })
    }
}

fn call(name: &str, args: &[Value], rows: &[Record]) -> Result<f64, String> {
    let function = Function::named(name)
        .ok_or_else(|| format!("there is no function `{name}`; the functions are {FUNCTIONS}"))?;
    let takes_counter = matches!(function, Function::Counter | Function::PerItem);
    let fixed = if takes_counter { 4 } else { 3 };
    if args.len() < fixed {
        return Err(format!(
            "`{name}` takes {fixed} arguments before its selectors, and got {}",
            args.len()
        ));
    }
    let usage = |what: &str| format!("`{name}`'s {what}");
    let mut cell = Cell {
        implementation: text(&args[0], &usage("first argument, the contender"))?,
        prods_cons: whole(&args[1], &usage("second argument, numProdsCons"))?,
        capacity: whole(&args[2], &usage("third argument, the capacity"))?,
        study: "main".to_owned(),
        spawn: None,
        cores: None,
        num_iters: None,
    };
    for selector in &args[fixed..] {
        cell.select(text(selector, &usage("selectors"))?)?;
    }
    let record = cell.find(rows)?;
    // Every producer puts num_iters items: the items the run moved, as the report counts them.
    let items = record.num_iters as f64 * record.num_prods_cons as f64;
    let counted = |counter: &str| {
        counter_of(record, counter)?
            .ok_or_else(|| format!("{cell} has no {counter}: it was not counted"))
    };
    Ok(match function {
        Function::Median => record.median_s,
        Function::Fastest => record.min_s,
        Function::Slowest => record.max_s,
        Function::Spread => record.max_s / record.min_s,
        Function::UsPerItem => record.median_s / items * 1e6,
        Function::NsPerItem => record.median_s / items * 1e9,
        Function::Runs => record.runs as f64,
        Function::Counter => counted(text(&args[3], &usage("fourth argument, the counter"))?)?,
        Function::PerItem => {
            let counter = text(&args[3], &usage("fourth argument, the counter"))?;
            if counter.ends_with("_per_item") {
                return Err(format!(
                    "{counter} is already per item; use counter(..., {counter:?})"
                ));
            }
            counted(counter)? / items
        }
    })
}

fn text<'v>(value: &'v Value, what: &str) -> Result<&'v str, String> {
    match value {
        Value::Text(text) => Ok(text),
        Value::Number(number) => Err(format!("{what} must be a string, not {number}")),
    }
}

fn whole(value: &Value, what: &str) -> Result<u64, String> {
    match value {
        Value::Number(number) if *number >= 0.0 && number.fract() == 0.0 => Ok(*number as u64),
        Value::Number(number) => Err(format!("{what} must be a whole number, not {number}")),
        Value::Text(text) => Err(format!("{what} must be a number, not {text:?}")),
    }
}

/// What a function's arguments select: the contender, the cell, and the selectors.
struct Cell<'a> {
    implementation: &'a str,
    prods_cons: u64,
    capacity: u64,
    study: String,
    spawn: Option<String>,
    cores: Option<String>,
    num_iters: Option<u64>,
}

impl Cell<'_> {
    fn select(&mut self, selector: &str) -> Result<(), String> {
        let Some((key, value)) = selector.split_once('=') else {
            return Err(format!(
                "the selector {selector:?} is not `key=value`; the keys are study, spawn, cores \
                 and num_iters"
            ));
        };
        let value = value.trim().to_owned();
        match key.trim() {
            "study" => self.study = value,
            "spawn" => self.spawn = Some(value),
            "cores" => self.cores = Some(value),
            "num_iters" => {
                let iters = value
                    .parse()
                    .map_err(|_| format!("num_iters={value} is not a whole number"))?;
                self.num_iters = Some(iters);
            }
            other => {
                return Err(format!(
                    "{other:?} is not a selector; the keys are study, spawn, cores and num_iters"
                ));
            }
        }
        Ok(())
    }

    fn matches(&self, record: &Record) -> bool {
        record.implementation == self.implementation
            && record.num_prods_cons as u64 == self.prods_cons
            && record.capacity as u64 == self.capacity
            && record.study == self.study
            && self
                .spawn
                .as_ref()
                .is_none_or(|spawn| *spawn == record.spawn)
            && self
                .cores
                .as_ref()
                .is_none_or(|cores| *cores == record.cores)
            && self.num_iters.is_none_or(|iters| iters == record.num_iters)
    }

    /// The one row this cell names: none or several is the claim's error, not a guess.
    fn find<'r>(&self, rows: &'r [Record]) -> Result<&'r Record, String> {
        let found: Vec<&Record> = rows.iter().filter(|row| self.matches(row)).collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("no row of the data is {self}")),
            several => {
                let mut which = String::new();
                let mut keys = Vec::new();
                for row in several {
                    let key = (&row.study, &row.spawn, &row.cores, row.num_iters);
                    let _ = write!(
                        which,
                        "; study={} spawn={} cores={} num_iters={}",
                        key.0, key.1, key.2, key.3
                    );
                    keys.push(key);
                }
                keys.sort();
                keys.dedup();
                // Rows no selector tells apart come from a file written before records named
                // their study, whose side studies' rows all read as `main`.
                let advice = if keys.len() < several.len() {
                    "some differ in nothing a selector can name: the data predate the `study` \
                     field, so measure again"
                } else {
                    "add a selector such as \"spawn=paired\" to pick one"
                };
                Err(format!(
                    "{} rows of the data are {self}; {advice}{which}",
                    several.len()
                ))
            }
        }
    }
}

impl std::fmt::Display for Cell<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} on numProdsCons {}, capacity {} in study {}",
            self.implementation, self.prods_cons, self.capacity, self.study
        )?;
        if let Some(spawn) = &self.spawn {
            write!(f, ", spawn {spawn}")?;
        }
        if let Some(cores) = &self.cores {
            write!(f, ", cores {cores}")?;
        }
        if let Some(iters) = self.num_iters {
            write!(f, ", num_iters {iters}")?;
        }
        Ok(())
    }
}

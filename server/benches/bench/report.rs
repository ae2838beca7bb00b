//! Results: every run's figures and its ledger; a run whose ledger does not balance is VOID
//! and none of its figures count. Each figure is the median of the balanced runs, printed as a
//! table, and as Markdown with `--markdown FILE`.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy)]
pub enum Goal {
    AtMost(f64),
    AtLeast(f64),
}

impl Goal {
    fn met(self, v: f64) -> bool {
        match self {
            Goal::AtMost(t) => v <= t,
            Goal::AtLeast(t) => v >= t,
        }
    }
    fn text(self) -> String {
        match self {
            Goal::AtMost(t) => format!("≤ {}", num(t)),
            Goal::AtLeast(t) => format!("≥ {}", num(t)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub unit: &'static str,
    pub value: f64,
    pub goal: Option<Goal>,
}

pub fn fig(name: impl Into<String>, unit: &'static str, value: f64, goal: Option<Goal>) -> Figure {
    Figure {
        name: name.into(),
        unit,
        value,
        goal,
    }
}

/// Events accepted = deliveries received (distinct, signature verified) + deliveries failed.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub accepted: usize,
    pub received: usize,
    pub failed: usize,
    pub pending: usize,
    /// Requests beyond the first for an event id (at-least-once allows them; reported).
    pub duplicates: u64,
    pub bad_signatures: u64,
}

impl Ledger {
    pub fn balanced(&self) -> bool {
        self.accepted == self.received + self.failed && self.bad_signatures == 0
    }
    fn text(&self) -> String {
        format!(
            "accepted {} {} received {} + failed {} (pending {}, duplicates {}, bad signatures {})",
            self.accepted,
            if self.balanced() { "=" } else { "≠" },
            self.received,
            self.failed,
            self.pending,
            self.duplicates,
            self.bad_signatures
        )
    }
}

#[derive(Debug, Clone, Default)]
pub struct Run {
    pub figures: Vec<Figure>,
    /// None where the scenario delivers nothing (console pages).
    pub ledger: Option<Ledger>,
    pub notes: Vec<String>,
}

impl Run {
    pub fn void(&self) -> bool {
        self.ledger.as_ref().is_some_and(|l| !l.balanced())
    }
}

pub struct ScenarioReport {
    pub name: String,
    pub setup: String,
    pub runs: Vec<Run>,
}

pub fn num(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        let s = format!("{:.0}", v);
        let (sign, digits) = s.split_at(if v < 0.0 { 1 } else { 0 });
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        format!("{sign}{out}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

struct Row {
    name: String,
    unit: &'static str,
    median: Option<f64>,
    values: Vec<f64>,
    goal: Option<Goal>,
}

fn rows(r: &ScenarioReport) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for run in r.runs.iter().filter(|run| !run.void()) {
        for f in &run.figures {
            match out.iter_mut().find(|row| row.name == f.name) {
                Some(row) => row.values.push(f.value),
                None => out.push(Row {
                    name: f.name.clone(),
                    unit: f.unit,
                    median: None,
                    values: vec![f.value],
                    goal: f.goal,
                }),
            }
        }
    }
    for row in &mut out {
        row.median = Some(median(row.values.clone()));
    }
    out
}

fn verdict(row: &Row) -> &'static str {
    match (row.goal, row.median) {
        (Some(g), Some(m)) if g.met(m) => "met",
        (Some(_), Some(_)) => "NOT met",
        _ => "",
    }
}

fn ledger_lines(r: &ScenarioReport) -> Vec<String> {
    let mut out = Vec::new();
    for (i, run) in r.runs.iter().enumerate() {
        if let Some(l) = &run.ledger {
            let tag = if l.balanced() { "ok" } else { "VOID" };
            out.push(format!("run {}: {tag}: {}", i + 1, l.text()));
        }
        for n in &run.notes {
            out.push(format!("run {}: {n}", i + 1));
        }
    }
    out
}

pub fn text(r: &ScenarioReport) -> String {
    let mut s = String::new();
    let valid = r.runs.iter().filter(|x| !x.void()).count();
    let _ = writeln!(
        s,
        "\n== {} ({} of {} runs balanced) — {}",
        r.name,
        valid,
        r.runs.len(),
        r.setup
    );
    if valid == 0 {
        let _ = writeln!(s, "VOID: no run balanced its ledger; no figures.");
    }
    let rows = rows(r);
    let w = rows
        .iter()
        .map(|x| x.name.len())
        .max()
        .unwrap_or(10)
        .max(10);
    let _ = writeln!(
        s,
        "{:<w$}  {:>12}  {:<8}  {:<10}  {:<8}  runs",
        "figure", "median", "unit", "target", ""
    );
    for row in &rows {
        let values: Vec<String> = row.values.iter().map(|v| num(*v)).collect();
        let _ = writeln!(
            s,
            "{:<w$}  {:>12}  {:<8}  {:<10}  {:<8}  {}",
            row.name,
            row.median.map(num).unwrap_or_default(),
            row.unit,
            row.goal.map(Goal::text).unwrap_or_default(),
            verdict(row),
            values.join(" / ")
        );
    }
    for l in ledger_lines(r) {
        let _ = writeln!(s, "  {l}");
    }
    s
}

pub fn markdown(r: &ScenarioReport) -> String {
    let mut s = String::new();
    let valid = r.runs.iter().filter(|x| !x.void()).count();
    let _ = writeln!(s, "#### {}\n", r.name);
    let _ = writeln!(
        s,
        "{} — median of {} balanced runs of {}.\n",
        r.setup,
        valid,
        r.runs.len()
    );
    if valid == 0 {
        let _ = writeln!(s, "**VOID**: no run balanced its ledger; no figures.\n");
    }
    let _ = writeln!(s, "| figure | median | unit | target | | runs |");
    let _ = writeln!(s, "|---|---:|---|---|---|---|");
    for row in rows(r) {
        let values: Vec<String> = row.values.iter().map(|v| num(*v)).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            row.name,
            row.median.map(num).unwrap_or_default(),
            row.unit,
            row.goal.map(Goal::text).unwrap_or_default(),
            verdict(&row),
            values.join(" / ")
        );
    }
    let lines = ledger_lines(r);
    if !lines.is_empty() {
        let _ = writeln!(s, "\nLedger:\n");
        for l in lines {
            let _ = writeln!(s, "- {l}");
        }
    }
    s.push('\n');
    s
}

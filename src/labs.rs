//! `awslab labs …`: the catalog, one lab, and validation.

use anyhow::{Context, Result, bail};
use awslab_core::catalog::load_catalog;
use awslab_lab::model::{FieldKind, Targets};
use awslab_lab::{Catalog, Lab, Lang, TargetKind, load_lab};
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;

pub fn list(dir: &Path, lang: Lang) -> Result<ExitCode> {
    let catalog = load_catalog(dir)?;
    if catalog.labs.is_empty() && catalog.problems.is_empty() {
        println!("no labs in {}", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let width = catalog.labs.iter().map(|lab| lab.id.len()).max().unwrap_or(0);
    for lab in &catalog.labs {
        println!(
            "{:width$}  {}  ({} min, {}, {})",
            lab.id,
            lab.title.get(lang),
            lab.estimated_minutes,
            steps(lab),
            points(lab),
        );
    }
    report_problems(&catalog);
    Ok(ExitCode::SUCCESS)
}

pub fn show(dir: &Path, id: &str, lang: Lang, hints: bool) -> Result<ExitCode> {
    let catalog = load_catalog(dir)?;
    let Some(lab) = catalog.lab(id) else {
        let known: Vec<&str> = catalog.labs.iter().map(|lab| lab.id.as_str()).collect();
        let broken = catalog.problems.iter().any(|p| p.file.starts_with(dir.join(id)));
        if broken {
            report_problems(&catalog);
            bail!("lab `{id}` has problems (above) and cannot be shown");
        }
        bail!("no lab `{id}` in {}; the labs are: {}", dir.display(), known.join(", "));
    };
    print!("{}", render_lab(lab, lang, hints));
    Ok(ExitCode::SUCCESS)
}

pub fn check(
    dir: &Path,
    static_only: bool,
    timing: &crate::emulator::TimingArgs,
) -> Result<ExitCode> {
    let catalog = if dir.join("lab.toml").is_file() {
        match load_lab(dir) {
            Ok(lab) => Catalog { labs: vec![lab], problems: Vec::new() },
            Err(problems) => Catalog { labs: Vec::new(), problems },
        }
    } else {
        load_catalog(dir).with_context(|| format!("checking the labs in {}", dir.display()))?
    };
    let width = catalog.labs.iter().map(|lab| lab.id.len()).max().unwrap_or(0);
    for lab in &catalog.labs {
        let parts = match lab.question_count() {
            _ if lab.is_quiz() => steps(lab),
            0 => format!("{} steps, {} checks", lab.steps.len(), lab.checks().count()),
            1 => format!(
                "{} steps, 1 of them a question, {} checks",
                lab.steps.len(),
                lab.checks().count()
            ),
            count => format!(
                "{} steps, {count} of them questions, {} checks",
                lab.steps.len(),
                lab.checks().count()
            ),
        };
        println!("ok   {:width$}  ({parts}, {})", lab.id, points(lab));
    }
    for problem in &catalog.problems {
        println!("{problem}");
    }
    if catalog.problems.is_empty() {
        if catalog.labs.is_empty() {
            println!("no labs in {}", dir.display());
            return Ok(ExitCode::FAILURE);
        }
        if !static_only && !prove_all(&catalog.labs, timing.clockwork())? {
            return Ok(ExitCode::FAILURE);
        }
        let questions: usize = catalog.labs.iter().map(Lab::question_count).sum();
        let asked =
            if questions == 0 { String::new() } else { format!(" ({questions} questions)") };
        println!("{} lab(s) checked{asked}, no problems", catalog.labs.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} problem(s); {} lab(s) passed", catalog.problems.len(), catalog.labs.len());
        Ok(ExitCode::FAILURE)
    }
}

/// Proves every lab on a fresh emulator of its own: its checks fail on the starting state, pass
/// after the reference solution, and a full check at the end gives the same score. Prints a line per lab; false when any proof fails.
fn prove_all(labs: &[Lab], clockwork: awslab_emulator::Clockwork) -> Result<bool> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let mut all_hold = true;
        let width = labs.iter().map(|lab| lab.id.len()).max().unwrap_or(0);
        for lab in labs {
            let proof = awslab_core::engine::prove_offline(lab, clockwork).await?;
            if proof.holds() {
                let skipped = if proof.skipped.is_empty() {
                    String::new()
                } else {
                    format!("; AWS only, not proven offline: {}", proof.skipped.join(", "))
                };
                println!(
                    "ok   {:width$}  proven: every check fails at the start, passes after the solution, and a full check at the end keeps the score{skipped}",
                    lab.id
                );
                continue;
            }
            all_hold = false;
            for check in &proof.pass_too_early {
                println!("FAIL {}: check {check} passes before anything was made", lab.id);
            }
            for (step, problems) in &proof.solution_failures {
                for problem in problems {
                    println!("FAIL {}: step {step}: the solution fails: {problem}", lab.id);
                }
            }
            if let Some((before, after)) = proof.scores.filter(|_| !proof.recheck_lost.is_empty())
            {
                println!(
                    "FAIL {}: a full check after the solution scores {after}, not {before}: \
                     mark a check that a later step changes on purpose with `changed_by`",
                    lab.id
                );
            }
            for lost in &proof.recheck_lost {
                println!("FAIL {}: on the full check at the end, {lost}", lab.id);
            }
        }
        Ok(all_hold)
    })
}

/// `16 steps`, or `22 questions` for a theme quiz.
fn steps(lab: &Lab) -> String {
    if lab.is_quiz() {
        format!("{} questions", lab.question_count())
    } else {
        format!("{} steps", lab.steps.len())
    }
}

/// `160 points`, or `115 points (110 on AWS)` when some checks are graded only offline.
fn points(lab: &Lab) -> String {
    let (offline, aws) =
        (lab.total_points_on(TargetKind::Emulator), lab.total_points_on(TargetKind::Aws));
    if offline == aws {
        format!("{offline} points")
    } else {
        format!("{offline} points ({aws} on AWS)")
    }
}

fn report_problems(catalog: &Catalog) {
    if !catalog.problems.is_empty() {
        eprintln!("\nlabs that could not be loaded (run `awslab labs check` for details):");
        for problem in &catalog.problems {
            eprintln!("  {problem}");
        }
    }
}

/// One lab as plain text: what a learner will read and fill in, step by step, with its
/// placeholders as the app shows them before a target is chosen (`<region>`, `<API id>`), each
/// field's whole default, and the hints when `hints` (else how many there are).
fn render_lab(lab: &Lab, lang: Lang, hints: bool) -> String {
    let (minutes, points, pass, cost, step_word, hints_word, on_aws, offline_only) = match lang {
        Lang::Ko => {
            ("분", "점", "합격 기준", "AWS 비용", "단계", "힌트", "AWS에서", "오프라인 전용")
        }
        Lang::En => {
            ("min", "points", "pass at", "AWS cost", "Step", "hints", "on AWS", "offline only")
        }
    };
    let context = awslab_core::lab_view::LessonContext::default();
    let fill = |text: &str| context.fill(&lab.id, text, lang);
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", lab.title.get(lang)));
    let (offline_total, aws_total) =
        (lab.total_points_on(TargetKind::Emulator), lab.total_points_on(TargetKind::Aws));
    let aws_total =
        if aws_total == offline_total { String::new() } else { format!(" ({on_aws} {aws_total})") };
    out.push_str(&format!(
        "{} {minutes} · {offline_total} {points}{aws_total} · {pass} {}% · {cost} ≤ ${:.2}: {}\n\n",
        lab.estimated_minutes,
        lab.pass_percent,
        lab.cost.usd,
        lab.cost.note.get(lang)
    ));
    if !lab.intro.get(lang).is_empty() {
        out.push_str(&fill(lab.intro.get(lang)));
        out.push_str("\n\n");
    }
    for (number, step) in lab.steps.iter().enumerate() {
        out.push_str(&format!(
            "## {step_word} {}: {}  [{}]\n\n",
            number + 1,
            step.title.get(lang),
            step.id
        ));
        out.push_str(&fill(step.text.get(lang)));
        out.push_str("\n\n");
        for field in &step.fields {
            out.push_str(&format!(
                "  [{}] {} ({})",
                field.id,
                field.label.get(lang),
                field_kind(&field.kind)
            ));
            out.push_str(&field.default.as_ref().map(whole_value).unwrap_or_else(|| "\n".into()));
        }
        match (&step.action, step.targets) {
            (Some(action), Targets::Both) => out.push_str(&format!("  → {}\n", action.id)),
            (Some(action), targets) => {
                out.push_str(&format!("  → {} ({:?} only)\n", action.id, targets))
            }
            (None, _) => {}
        }
        for check in &step.checks {
            let graded = if check.graded_on(TargetKind::Aws) {
                String::new()
            } else {
                format!(", {offline_only}")
            };
            out.push_str(&format!(
                "  ◦ {} ({} {points}, {}{graded}): {}\n",
                check.id,
                check.points,
                check.kind,
                check.message.get(lang)
            ));
        }
        if hints {
            for (index, hint) in step.hints.iter().enumerate() {
                out.push_str(&format!(
                    "  {hints_word} {}/{}: {}\n",
                    index + 1,
                    step.hints.len(),
                    fill(hint.get(lang).trim())
                ));
            }
        } else if !step.hints.is_empty() {
            let shown_by = match lang {
                Lang::Ko => "--hints로 보기",
                Lang::En => "shown with --hints",
            };
            out.push_str(&format!("  {hints_word}: {} ({shown_by})\n", step.hints.len()));
        }
        out.push('\n');
    }
    if let Some(summary) = &lab.summary {
        out.push_str(&format!(
            "## {}\n\n{}\n",
            summary.title.get(lang),
            fill(summary.text.get(lang))
        ));
    }
    out
}

fn field_kind(kind: &FieldKind) -> String {
    match kind {
        FieldKind::Text { naming: Some(naming), .. } => format!("text, {}", naming.name()),
        FieldKind::Code { language } => format!("code, {language:?}").to_lowercase(),
        FieldKind::Resource { resource } => format!("choose {}", resource.name()),
        other => other.name().replace('_', "-"),
    }
}

/// A field's default after its label: ` = value` on the line for a short one, else the whole
/// value on the lines below, indented (code, a policy), JSON values pretty-printed.
fn whole_value(value: &Value) -> String {
    let text = match value {
        Value::String(text) => text.trim_end().to_string(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    if text.lines().count() <= 1 && text.chars().count() <= 60 {
        return format!(" = {text}\n");
    }
    let mut out = String::from(" =\n");
    for line in text.lines() {
        out.push_str(&format!("      {line}\n"));
    }
    out
}

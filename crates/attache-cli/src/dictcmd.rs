//! `attache dict check|stats`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use attache_core::dict::{DictSource, Dictionaries};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum DictCommand {
    /// Parse a dictionary set and list every problem as file:line. Exits
    /// non-zero when there are errors (warnings alone exit 0).
    Check {
        /// A directory (ours or TABARI/PETRARCH); default: the built-in set.
        dir: Option<PathBuf>,
        /// Print at most this many problems.
        #[arg(long, default_value_t = 500)]
        max: usize,
    },
    /// Print counts: actors, office holders, role words, patterns per root.
    Stats {
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

fn read(dir: &Option<PathBuf>) -> (DictSource, Vec<attache_core::DictError>) {
    match dir {
        Some(d) => Dictionaries::read_dir(d),
        None => match Dictionaries::builtin_source() {
            Ok(s) => (s, Vec::new()),
            Err((s, p)) => (s, p),
        },
    }
}

pub fn run(c: DictCommand) -> anyhow::Result<ExitCode> {
    match c {
        DictCommand::Check { dir, max } => {
            let t = Instant::now();
            let (src, mut problems) = read(&dir);
            let (_, more) = Dictionaries::compile_checked(src);
            problems.extend(more);
            let errors = problems.iter().filter(|p| !p.is_warning()).count();
            let warnings = problems.len() - errors;
            for p in problems.iter().take(max) {
                println!("{}: {p}", if p.is_warning() { "warning" } else { "error" });
            }
            if problems.len() > max {
                println!("… {} more", problems.len() - max);
            }
            println!("{errors} errors, {warnings} warnings ({} ms)", t.elapsed().as_millis());
            Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        DictCommand::Stats { dir, json } => {
            let (src, _) = read(&dir);
            let (d, _) = Dictionaries::compile_checked(src.clone());
            let s = d.stats(&src);
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                println!("countries/territories {}", s.countries);
                println!("organisations         {}", s.organisations);
                println!("places                {}", s.places);
                println!("actor phrases         {}", s.actor_phrases);
                println!("people                {}", s.people);
                println!("office terms          {}", s.office_terms);
                println!("role words            {}", s.role_words);
                println!("verb patterns         {}", s.verb_patterns);
                println!("example sentences     {}", s.examples);
                println!("irregular verbs       {}", s.irregular_verbs);
                for (root, n) in &s.patterns_per_root {
                    println!("  root {root}  {n}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

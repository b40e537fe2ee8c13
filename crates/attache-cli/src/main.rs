//! The `attache` command: flags in, library calls out. Everything that
//! decides anything lives in `attache-core`.

mod code;
mod dictcmd;
mod eval;
mod inputs;
mod parse;
mod store;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use attache_core::dict::{DictSource, Dictionaries};
use clap::{Args, Parser, Subcommand};

/// mimalloc instead of the system allocator: coding allocates and frees
/// many small short-lived values (tokens, spans, event fields), and glibc's
/// malloc and free were a fifth of all instructions (docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "attache",
    version,
    about = "Political event data from diplomatic transcripts and news (CAMEO, PLOVER)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Code documents and write one event record per line.
    Code(code::CodeArgs),
    /// Show what the pipeline saw in one document: metadata, turns,
    /// sentences, actors, verb matches and events.
    Parse(parse::ParseArgs),
    /// Check dictionaries or print their counts.
    #[command(subcommand)]
    Dict(dictcmd::DictCommand),
    #[command(flatten)]
    Store(store::StoreCommand),
    /// Score events against sentence gold: precision, recall and F1 by
    /// detection, label, dyad and both, per label, and a confusion table.
    Eval(eval::EvalArgs),
}

/// Which dictionaries to code with.
#[derive(Args, Clone, Debug, Default)]
pub struct DictArgs {
    /// A dictionary directory (ours or TABARI/PETRARCH files), used on top
    /// of the built-in dictionaries. May be repeated.
    #[arg(long = "dict-dir", value_name = "DIR")]
    pub dict_dirs: Vec<PathBuf>,
    /// Use only the --dict-dir dictionaries, not the built-in ones.
    #[arg(long)]
    pub no_builtin_dicts: bool,
}

impl DictArgs {
    pub fn source(&self) -> anyhow::Result<DictSource> {
        let mut src = if self.no_builtin_dicts {
            DictSource::default()
        } else {
            Dictionaries::builtin_source().map_err(|(_, p)| dict_failure(&p))?
        };
        for dir in &self.dict_dirs {
            let (s, problems) = Dictionaries::read_dir(dir);
            let errors: Vec<_> = problems.iter().filter(|p| !p.is_warning()).cloned().collect();
            if !errors.is_empty() {
                for e in &errors {
                    eprintln!("attache: {}: {e}", dir.display());
                }
                eprintln!(
                    "attache: {} problems in {}; those lines are skipped (see `attache dict check`)",
                    errors.len(),
                    dir.display()
                );
            }
            src.extend(s);
        }
        Ok(src)
    }

    pub fn load(&self) -> anyhow::Result<Dictionaries> {
        if self.dict_dirs.is_empty() && !self.no_builtin_dicts {
            return Dictionaries::builtin().map_err(|p| dict_failure(&p));
        }
        let src = self.source()?;
        Dictionaries::compile(src).map_err(|p| dict_failure(&p))
    }
}

fn dict_failure(problems: &[attache_core::DictError]) -> anyhow::Error {
    let list: Vec<String> = problems.iter().take(20).map(|p| p.to_string()).collect();
    anyhow::anyhow!("the dictionaries have {} errors:\n{}", problems.len(), list.join("\n"))
}

/// How documents are coded: the options `code` and `parse` share.
#[derive(Args, Clone, Debug, Default)]
pub struct CodingArgs {
    /// The date of every document (YYYY-MM-DD); wins over dates in the text or records.
    #[arg(long)]
    pub date: Option<String>,
    /// Also code statements (CAMEO root 01: "X said", "X expressed optimism").
    #[arg(long)]
    pub statements: bool,
    /// Code "X and Y agreed/met" with no target for each, instead of X→Y and Y→X.
    #[arg(long)]
    pub no_joint_compounds: bool,
}

impl CodingArgs {
    pub fn options(&self) -> anyhow::Result<attache_core::pipeline::Options> {
        Ok(attache_core::pipeline::Options {
            date: self.date.as_deref().map(parse_date).transpose()?,
            statements: self.statements,
            no_joint_compounds: self.no_joint_compounds,
        })
    }
}

pub fn parse_date(s: &str) -> anyhow::Result<chrono::NaiveDate> {
    attache_core::ingest::parse_given_date(s).with_context(|| format!("bad date {s:?} (expected YYYY-MM-DD)"))
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Code(a) => code::run(a),
        Command::Parse(a) => parse::run(a),
        Command::Dict(c) => dictcmd::run(c),
        Command::Store(c) => store::run(c),
        Command::Eval(a) => eval::run(a),
    };
    match result {
        Ok(code) => code,
        // `attache code x | head` is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("attache: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

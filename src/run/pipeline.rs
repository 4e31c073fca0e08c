//! The fast path from files to findings: proposal files are read, parsed
//! and checked in parallel, in windows of files, and each proposal's report
//! is handed on in input order once its window is done (while the next
//! window is checked), so a run's memory does not grow with the number of
//! proposals unless the caller keeps the reports. A file holding a long
//! stream of documents is cut into pieces on a reader thread, and the
//! pieces read so far are parsed and checked in parallel while the next
//! are read.
//!
//! Output order never depends on the number of threads: parallel work is
//! collected in input order (rayon's indexed parallel iterators), and the
//! checks that need every proposal (duplicate ids, `--as`, the
//! unknown-party warnings) run once all are read, as before.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rayon::prelude::*;

use super::{CheckFailure, CheckOptions, Finding, ProposalReport, select_rules};
use crate::check::typed::{Rule, RuleSet};
use crate::check::unknown_party_warnings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::eval::{self, Outcome, Plan, Scratch};
use crate::files;
use crate::proposal::{self, Proposal, RawPiece};
use crate::rules::{self, LoadedRules};
use crate::source::{SourceId, Sources, Span};
use crate::yaml::Counts;

/// What the reporters need of a run besides its reports: the files (for
/// spans) and the rules (for findings' rule indices).
#[derive(Clone, Copy, Debug)]
pub struct RunContext<'a> {
    /// Every file read.
    pub sources: &'a Sources,
    /// The checked rules.
    pub rules: &'a RuleSet,
    /// Indices of the rules selected (all, or those of `--as`).
    pub selected: &'a [usize],
}

impl<'a> RunContext<'a> {
    /// The rule a finding is about.
    pub fn rule(&self, finding: &Finding) -> &'a Rule {
        &self.rules.rules[finding.rule]
    }

    /// Whether a finding fails the run: a red line violated or
    /// undetermined, or with `deny_warnings` a concern.
    pub fn blocks(&self, finding: &Finding, deny_warnings: bool) -> bool {
        let failed = matches!(finding.outcome, Outcome::Violated | Outcome::Undetermined);
        let severity = self.rule(finding).severity;
        failed && (severity == Severity::Error || (deny_warnings && severity == Severity::Warning))
    }
}

/// Turns each proposal's report into what a run keeps of it (the report
/// itself, or its rendered text). Called from several threads at once.
pub trait Consumer: Sync {
    /// What is kept of one report.
    type Piece: Send;

    /// Whether pieces keep spans into the proposal files, whose text must
    /// then stay loaded (otherwise a long file's text is dropped a piece at
    /// a time once its pieces are made).
    const KEEPS_SPANS: bool;

    /// Makes the piece of one report.
    fn piece(&self, context: &RunContext<'_>, report: ProposalReport) -> Self::Piece;
}

/// Keeps every report whole, for [`super::CheckRun`].
pub(crate) struct KeepReports;

impl Consumer for KeepReports {
    type Piece = ProposalReport;
    const KEEPS_SPANS: bool = true;

    fn piece(&self, _: &RunContext<'_>, report: ProposalReport) -> ProposalReport {
        report
    }
}

/// Everything of a completed run but the pieces, which went to the caller.
#[derive(Debug)]
pub struct Walked {
    /// Every file read.
    pub sources: Sources,
    /// The checked rules.
    pub rules: RuleSet,
    /// Indices of the rules selected (all, or those of `--as`).
    pub selected: Vec<usize>,
    /// Static warnings (unused `let`s, unknown parties).
    pub warnings: Vec<Diagnostic>,
    /// How many proposals were checked.
    pub proposals: usize,
}

/// Files read per window: enough to keep every core busy, few enough that
/// the pieces of one window are small.
const WINDOW: usize = 256;

/// Most files (or documents of a streamed file) one thread checks in a
/// row before others may share out the rest. Without a cap rayon hands
/// each thread runs of up to a quarter of a window, so a thread that is
/// done early (or was busy taking the previous window) waits for the last
/// long run (on 2 cores, one thread sat idle 4.5 ms of each 14 ms window
/// of a 10,000-file check).
const LEAF: usize = 4;

/// A file larger than this is read from disk and parsed in pieces of
/// documents, instead of whole.
const STREAM_ABOVE: u64 = 1 << 20;

/// Documents per piece of a streamed file.
const BATCH: usize = 128;

/// Pieces of a streamed file parsed and checked at a time (and read ahead
/// while they are): enough to keep every core busy, few enough that the
/// reports of 1,000 rules on them stay small (16 took a 100,000-document
/// stream at K = 1000 to 111 MB; 4 keep it at 76 MB).
const PIECES: usize = 4;

/// A pool of `jobs` threads; `None` for the global pool (one thread per
/// core, or as many as `RAYON_NUM_THREADS` says), or when threads cannot
/// be started (the work then runs on the global pool).
pub(crate) fn pool(jobs: usize) -> Option<rayon::ThreadPool> {
    if jobs == 0 {
        return None;
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .ok()
}

/// Runs `f` on `pool`, or on the global pool.
fn on<R: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Checks every proposal of `options` and hands each report's piece to
/// `take`, in input order. Returns the rest of the run, or every problem
/// if the input is invalid (then the pieces handed over are to be thrown
/// away).
pub fn walk<C: Consumer>(
    options: &CheckOptions,
    consumer: &C,
    take: &mut (dyn FnMut(C::Piece) + Send),
) -> Result<Walked, CheckFailure> {
    let pool = pool(options.jobs);
    let mut sources = Sources::new();
    let loaded = on(pool.as_ref(), || {
        rules::load_rules_limited(
            &options.rules_dir,
            &mut sources,
            options.max_file_size,
            &options.rule_limits,
        )
    });
    // Which rules `--as` selects depends on the rules alone; whether the
    // party exists at all is known once every proposal is read.
    let plan = match &loaded {
        Ok(loaded) => {
            let selected =
                select_rules(&loaded.rules, options.as_party.as_deref(), &BTreeSet::new())
                    .unwrap_or_default();
            let plan = Plan::new(&loaded.rules, &selected);
            Some((selected, plan))
        }
        Err(_) => None,
    };
    let shared = Shared {
        options,
        consumer,
        rules: loaded.as_ref().ok().map(|l| &l.rules),
        plan: plan.as_ref().map(|(_, plan)| plan),
        selected: plan.as_ref().map_or(&[], |(selected, _)| selected),
        pool,
    };
    let mut kept = Kept {
        take,
        errors: Vec::new(),
        first_use: HashMap::new(),
        duplicates: Vec::new(),
        parties: BTreeSet::new(),
        proposals: 0,
    };
    shared.all_files(&mut sources, &mut kept);
    let Kept {
        errors,
        duplicates,
        parties,
        proposals,
        ..
    } = kept;
    finish(
        sources, loaded, plan, errors, duplicates, parties, proposals, options,
    )
}

/// The checks that need every proposal, and the run's result.
#[allow(clippy::too_many_arguments)]
fn finish(
    sources: Sources,
    loaded: Result<LoadedRules, Vec<Diagnostic>>,
    plan: Option<(Vec<usize>, Plan)>,
    errors: Vec<Diagnostic>,
    duplicates: Vec<Diagnostic>,
    parties: BTreeSet<String>,
    proposals: usize,
    options: &CheckOptions,
) -> Result<Walked, CheckFailure> {
    let proposal_errors = !errors.is_empty() || !duplicates.is_empty();
    let (loaded, selected) = match (loaded, plan) {
        (Ok(loaded), Some((selected, _))) if !proposal_errors => (loaded, selected),
        (loaded, _) => {
            let mut diagnostics = loaded.err().unwrap_or_default();
            diagnostics.extend(errors);
            diagnostics.extend(duplicates);
            // The pieces of long files these point into are read again.
            let mut sources = sources;
            sources.reload(
                diagnostics
                    .iter()
                    .flat_map(|d| d.labels.iter().map(|label| label.span.source)),
            );
            return Err(CheckFailure {
                sources,
                diagnostics,
            });
        }
    };
    let ruleset = loaded.rules;
    if let Err(diagnostic) = select_rules(&ruleset, options.as_party.as_deref(), &parties) {
        return Err(CheckFailure {
            sources,
            diagnostics: vec![diagnostic],
        });
    }
    let mut warnings = loaded.warnings;
    warnings.extend(unknown_party_warnings(
        &loaded.party_literals,
        &ruleset,
        &parties,
    ));
    crate::check::sort_diagnostics(&mut warnings, &sources);
    Ok(Walked {
        sources,
        rules: ruleset,
        selected,
        warnings,
        proposals,
    })
}

/// What a walk over the proposal files reads but does not change.
struct Shared<'w, C> {
    options: &'w CheckOptions,
    consumer: &'w C,
    /// The rules, when they loaded.
    rules: Option<&'w RuleSet>,
    /// The compiled rules, when they loaded.
    plan: Option<&'w Plan>,
    /// Indices of the rules selected.
    selected: &'w [usize],
    /// The threads of `--jobs`.
    pool: Option<rayon::ThreadPool>,
}

/// What a walk has taken of the proposals read so far.
struct Kept<'w, C: Consumer> {
    take: &'w mut (dyn FnMut(C::Piece) + Send),
    /// Problems of proposal files, in file order.
    errors: Vec<Diagnostic>,
    /// Where each proposal id was first used.
    first_use: HashMap<String, Span>,
    /// Proposal ids used twice, in proposal order.
    duplicates: Vec<Diagnostic>,
    /// Every party of every proposal.
    parties: BTreeSet<String>,
    /// Proposals read.
    proposals: usize,
}

/// A file of a window: read whole, or too large for that.
enum Input<'p> {
    Whole(Sources),
    Large(&'p Path),
}

/// What one proposal file gave: the pieces of its proposals, with each
/// proposal's id and parties; or its problems.
type FileResult<P> = Result<Vec<Read<P>>, Vec<Diagnostic>>;

/// One proposal as read: its id, its parties and its piece (none once the
/// run is known to be invalid).
struct Read<P> {
    id: String,
    id_span: Span,
    parties: Vec<String>,
    piece: Option<P>,
}

impl<'w, C: Consumer> Shared<'w, C> {
    /// Reads every proposal file, a window at a time. The results of one
    /// window are taken while the next is checked, so that no core waits
    /// for the taking, which is done in order.
    fn all_files(&self, sources: &mut Sources, kept: &mut Kept<'w, C>) {
        let paths = match files::find_files(&self.options.paths, &["yaml", "yml", "json"]) {
            Ok(paths) => paths,
            Err(errors) => {
                kept.errors = errors;
                return;
            }
        };
        if paths.is_empty() {
            kept.errors.push(no_proposals(&self.options.paths));
            return;
        }
        let mut pending = Vec::new();
        for window in paths.chunks(WINDOW) {
            pending = self.window(window, sources, kept, pending);
        }
        kept.files(pending);
    }

    /// Reads a window of files in parallel and adds them to `sources` in
    /// order, then checks runs of ordinary files in parallel while
    /// `pending` (the previous window's results) is taken; a large file is
    /// streamed from disk instead. Returns the results not yet taken.
    fn window(
        &self,
        paths: &[PathBuf],
        sources: &mut Sources,
        kept: &mut Kept<'w, C>,
        mut pending: Vec<FileResult<C::Piece>>,
    ) -> Vec<FileResult<C::Piece>> {
        let max = self.options.max_file_size;
        let read: Vec<Result<Input, Diagnostic>> = on(self.pool.as_ref(), || {
            paths
                .par_iter()
                .map(|path| {
                    let size = files::checked_size(path, max)?;
                    if size > STREAM_ABOVE {
                        return Ok(Input::Large(path));
                    }
                    let mut own = Sources::new();
                    files::read_checked(path, size, &mut own, max)?;
                    Ok(Input::Whole(own))
                })
                .collect()
        });
        // Problems are kept in the order the walk has always given them: a
        // window's unreadable files, then the problems of its files.
        let (mut run, mut unread) = (Vec::new(), Vec::new());
        for input in read {
            match input {
                Ok(Input::Whole(file)) => run.extend(sources.append(file)),
                Ok(Input::Large(path)) => {
                    kept.files(std::mem::take(&mut pending));
                    kept.errors.append(&mut unread);
                    let before = std::mem::take(&mut run);
                    kept.files(self.files(sources, &before, kept.evaluating()));
                    self.stream(sources, path, kept);
                }
                Err(error) => unread.push(error),
            }
        }
        let evaluate = kept.evaluating() && unread.is_empty();
        let (results, ()) = on(self.pool.as_ref(), || {
            rayon::join(
                || self.files(sources, &run, evaluate),
                || kept.files(pending),
            )
        });
        kept.errors.append(&mut unread);
        results
    }

    /// Reads and checks whole files in parallel; checks proposals only if
    /// `evaluate`.
    fn files(
        &self,
        sources: &Sources,
        ids: &[SourceId],
        evaluate: bool,
    ) -> Vec<FileResult<C::Piece>> {
        let limits = &self.options.limits;
        let evaluate = evaluate && self.plan.is_some();
        let checker = self.checker(sources);
        on(self.pool.as_ref(), || {
            ids.par_iter()
                .with_max_len(LEAF)
                .map_init(Scratch::default, |scratch, &id| {
                    let proposals = proposal::load_proposals(sources, id, limits)?;
                    Ok(proposals
                        .into_iter()
                        .map(|p| checker.read(p, evaluate, scratch))
                        .collect())
                })
                .collect()
        })
    }

    /// Reads a large file from disk in pieces of documents, on a thread of
    /// its own, while the pieces read before are parsed and checked in
    /// parallel, [`PIECES`] at a time. A piece's text is dropped once its
    /// proposals are checked, unless the consumer keeps spans into it.
    fn stream(&self, sources: &mut Sources, path: &Path, kept: &mut Kept<'w, C>) {
        let mut reader = match proposal::PieceReader::open(path, self.options.max_file_size) {
            Ok(reader) => reader,
            Err(error) => {
                kept.errors.push(error);
                return;
            }
        };
        let mut counts = Counts::default();
        if self.options.jobs == 1 {
            while let Some(piece) = reader.next(BATCH) {
                if self.pieces(sources, vec![piece], &mut counts, kept) {
                    break;
                }
            }
            return;
        }
        std::thread::scope(|scope| {
            let (sender, receiver) = mpsc::sync_channel(PIECES);
            scope.spawn(move || {
                // Reading stops once the walk takes no more pieces.
                while let Some(piece) = reader.next(BATCH) {
                    if sender.send(piece).is_err() {
                        break;
                    }
                }
            });
            let mut read = receiver.into_iter();
            loop {
                let batch: Vec<RawPiece> = read.by_ref().take(PIECES).collect();
                if batch.is_empty() || self.pieces(sources, batch, &mut counts, kept) {
                    break;
                }
            }
            // The reader, blocked on a full channel, ends when it is dropped.
            drop(read);
        });
    }

    /// Adds pieces of a streamed file to `sources`, parses and checks them
    /// in parallel, and takes them in order. `counts` is what the limits
    /// have counted in the pieces before. Each piece is parsed with its
    /// own counts, which add up to the file's unless a limit is reached:
    /// the piece where it is, counted over the whole file, is then parsed
    /// again with the file's counts, for the very diagnostic reading the
    /// file in order gives. Returns whether reading stops.
    fn pieces(
        &self,
        sources: &mut Sources,
        batch: Vec<RawPiece>,
        counts: &mut Counts,
        kept: &mut Kept<'w, C>,
    ) -> bool {
        let limits = &self.options.limits;
        let (ids, layouts): (Vec<SourceId>, Vec<_>) = batch
            .into_iter()
            .map(|piece| (sources.push(piece.source), piece.layout))
            .unzip();
        // A piece after one with problems is checked for nothing (the run
        // fails with the problems alone), never wrongly.
        let evaluate = kept.evaluating() && self.plan.is_some();
        let checker = self.checker(sources);
        let checked: Vec<_> = on(self.pool.as_ref(), || {
            ids.par_iter()
                .zip(&layouts)
                .map(|(&id, layout)| {
                    let mut own = Counts::default();
                    let text = &sources.file(id).text;
                    let parsed = proposal::parse_piece(text, layout, id, limits, &mut own);
                    let read: Vec<Read<C::Piece>> = parsed
                        .proposals
                        .into_par_iter()
                        .with_max_len(LEAF)
                        .map_init(Scratch::default, |scratch, p| {
                            checker.read(p, evaluate, scratch)
                        })
                        .collect();
                    (parsed.diagnostics, parsed.stop, own, read)
                })
                .collect()
        });
        let mut stop = false;
        for ((&id, layout), (diagnostics, last, own, read)) in ids.iter().zip(&layouts).zip(checked)
        {
            let total = counts.plus(own);
            if total.within(limits) {
                *counts = total;
                kept.errors.extend(diagnostics);
                kept.keep(read);
                stop = last;
            } else {
                let text = &sources.file(id).text;
                let parsed = proposal::parse_piece(text, layout, id, limits, counts);
                kept.errors.extend(parsed.diagnostics);
                let mut scratch = Scratch::default();
                let read = parsed.proposals.into_iter();
                kept.keep(read.map(|p| checker.read(p, false, &mut scratch)).collect());
                stop = true;
            }
            if stop {
                break;
            }
        }
        if !C::KEEPS_SPANS {
            for &id in &ids {
                sources.evict(id);
            }
        }
        stop
    }

    fn checker<'s>(&self, sources: &'s Sources) -> Checker<'s, C>
    where
        'w: 's,
    {
        Checker {
            rules: self.rules,
            plan: self.plan,
            selected: self.selected,
            sources,
            consumer: self.consumer,
            explain: self.options.explain,
        }
    }
}

impl<C: Consumer> Kept<'_, C> {
    /// Whether proposals are still worth checking: no proposal file has
    /// failed (the run then fails without findings).
    fn evaluating(&self) -> bool {
        self.errors.is_empty() && self.duplicates.is_empty()
    }

    /// Takes the results of files, in order.
    fn files(&mut self, results: Vec<FileResult<C::Piece>>) {
        for result in results {
            match result {
                Ok(read) => self.keep(read),
                Err(mut errors) => self.errors.append(&mut errors),
            }
        }
    }

    /// Takes the proposals of a file (or of a piece of one) in order: ids,
    /// parties, and what the consumer made of each.
    fn keep(&mut self, read: Vec<Read<C::Piece>>) {
        for one in read {
            self.proposals += 1;
            match self.first_use.get(one.id.as_str()) {
                Some(&first) => {
                    self.duplicates
                        .push(proposal::duplicate_id(&one.id, one.id_span, first))
                }
                None => {
                    self.first_use.insert(one.id, one.id_span);
                }
            }
            self.parties.extend(one.parties);
            if let Some(piece) = one.piece {
                (self.take)(piece);
            }
        }
    }
}

/// What checking one proposal needs, shared by the threads.
struct Checker<'s, C> {
    rules: Option<&'s RuleSet>,
    plan: Option<&'s Plan>,
    selected: &'s [usize],
    sources: &'s Sources,
    consumer: &'s C,
    explain: bool,
}

impl<C: Consumer> Checker<'_, C> {
    /// Notes a proposal's id and parties and, when `evaluate`, checks it.
    fn read(&self, proposal: Proposal, evaluate: bool, scratch: &mut Scratch) -> Read<C::Piece> {
        let id = proposal.id.value.clone();
        let id_span = proposal.id.span;
        let parties = proposal
            .parties
            .value
            .iter()
            .map(|p| p.value.clone())
            .collect();
        let piece = match (self.rules, self.plan) {
            (Some(rules), Some(plan)) if evaluate => {
                let context = RunContext {
                    sources: self.sources,
                    rules,
                    selected: self.selected,
                };
                let report = evaluate_proposal(&context, plan, proposal, self.explain, scratch);
                Some(self.consumer.piece(&context, report))
            }
            _ => None,
        };
        Read {
            id,
            id_span,
            parties,
            piece,
        }
    }
}

/// Decides every selected rule that applies to one proposal with the
/// compiled plan; the rules that fail are explained (and traced, with
/// `--explain`) by the tree evaluator.
pub(crate) fn evaluate_proposal(
    context: &RunContext<'_>,
    plan: &Plan,
    proposal: Proposal,
    explain: bool,
    scratch: &mut Scratch,
) -> ProposalReport {
    let rules = context.rules;
    let mut decided = Vec::new();
    plan.decide(rules, &proposal, scratch, &mut decided);
    let findings = decided
        .into_iter()
        .map(|(index, outcome)| {
            if !matches!(outcome, Outcome::Violated | Outcome::Undetermined) {
                return Finding {
                    rule: index,
                    outcome,
                    explanation: None,
                    trace: None,
                };
            }
            let rule = &rules.rules[index];
            let result = eval::evaluate(rules, rule, &proposal, context.sources);
            debug_assert_eq!(
                result.outcome, outcome,
                "plan and tree disagree on {}",
                rule.id
            );
            Finding {
                rule: index,
                outcome: result.outcome,
                explanation: result.explanation.map(Box::new),
                trace: explain.then(|| eval::trace(rules, rule, &proposal, context.sources)),
            }
        })
        .collect();
    ProposalReport { proposal, findings }
}

fn no_proposals(paths: &[PathBuf]) -> Diagnostic {
    let shown: Vec<String> = paths
        .iter()
        .map(|p| format!("`{}`", files::display(p)))
        .collect();
    Diagnostic::error(
        "redlines::io::no_proposals",
        format!(
            "no proposal files (`.yaml`, `.yml`, `.json`) in {}",
            shown.join(", ")
        ),
    )
}

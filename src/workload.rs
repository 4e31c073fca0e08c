//! A synthetic, seeded workload for benchmarks and determinism tests
//! (cargo feature `workload`): K rules drawn from the families the bundled
//! rules use, and N proposals with up to 12 sectors and 0–8 concessions.
//!
//! Everything is a pure function of the seed: the same seed gives the same
//! files, byte for byte, on every machine. Proposal `i` depends only on the
//! seed and `i`, so a stream of any length can be written without holding
//! it in memory.
//!
//! The rule families:
//! - thresholds on tariff lines (`tariffs.autos.after <= 15%`, guarded by
//!   `"autos" in tariffs` or not, rate differences in `pp`, no increases);
//! - presence of sectors (`require "baseline" in tariffs`);
//! - counts and sums over concessions by party and kind, through shared
//!   `let`s (`count(ours) <= 5`, `sum(ours_investment.amount) <= $900bn`);
//! - quantifiers (`all`, `no`, `any ... requires ...`);
//! - round and date gates (`applies when round <= 2`, `date between`).
//!
//! Thresholds are lenient on purpose: most (proposal, rule) pairs pass, as
//! they do in a repository whose CI runs on every change, so the workload
//! measures deciding rules more than rendering failures.

use crate::proposal::ConcessionKind;
use std::fmt::Write as _;

/// One generated file: its path relative to the workload's folder, and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadFile {
    /// E.g. `rules/japan.redline`.
    pub name: String,
    /// The file's contents.
    pub text: String,
}

/// The parties of the workload; every proposal has `us` and one to three
/// others.
pub const PARTIES: [(&str, &str); 4] = [
    ("us", "United States"),
    ("japan", "Japan"),
    ("eu", "European Union"),
    ("korea", "South Korea"),
];

/// The sectors proposals draw their tariff lines from.
pub const SECTORS: [&str; 16] = [
    "baseline",
    "reciprocal",
    "autos",
    "auto_parts",
    "steel",
    "aluminium",
    "chips",
    "pharma",
    "lumber",
    "copper",
    "rice",
    "beef",
    "textiles",
    "energy",
    "ships",
    "aircraft",
];

const ITEMS: [&str; 8] = [
    "Alaska LNG project",
    "shipbuilding cooperation",
    "soybeans and corn",
    "car safety standards",
    "rice inside the duty-free quota",
    "semiconductor fabs",
    "aircraft orders",
    "energy purchases",
];

/// A small, fast, seeded generator (SplitMix64): deterministic everywhere
/// and independent of any crate's versioned algorithm.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`, further split by `stream` (e.g. a proposal's
    /// index), so that independent parts of the workload do not depend on
    /// how many numbers the others drew.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.bits();
        rng
    }

    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.bits() % n.max(1)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (not empty).
    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        let index = self.below(items.len() as u64) as usize;
        &items[index.min(items.len().saturating_sub(1))]
    }
}

/// The rule files of a workload of `k` rules: one file per party, one for
/// a coalition and one that applies to every proposal. File order and rule
/// order are deterministic.
pub fn rule_files(seed: u64, k: usize) -> Vec<WorkloadFile> {
    let mut rng = Rng::new(seed, u64::MAX);
    // Owners: the four parties, a coalition of the three partners, and a
    // file for everyone. Most rules belong to a party.
    let mut owners: Vec<OwnerRules> = PARTIES
        .iter()
        .map(|(id, name)| OwnerRules::new(format!("party {id} \"{name}\""), id))
        .collect();
    owners.push(OwnerRules::new(
        "coalition partners \"Partners\" of japan, eu, korea".to_owned(),
        "japan",
    ));
    owners.push(OwnerRules::new(String::new(), "us"));
    let names = ["us", "japan", "eu", "korea", "partners", "everyone"];
    for index in 0..k {
        let owner = match rng.below(20) {
            0..=7 => 0,
            8..=10 => 1,
            11..=13 => 2,
            14..=15 => 3,
            16..=17 => 4,
            _ => 5,
        };
        owners[owner].rule(&mut rng, index);
    }
    owners
        .into_iter()
        .zip(names)
        .filter(|(owner, _)| !owner.rules.is_empty())
        .map(|(owner, name)| WorkloadFile {
            name: format!("rules/{name}.redline"),
            text: owner.finish(),
        })
        .collect()
}

/// The rules of one owner, with the shared `let`s they use.
struct OwnerRules {
    header: String,
    /// The party whose concessions "ours" means.
    party: &'static str,
    rules: String,
    /// Which of the shared `let`s a rule used.
    used: [bool; LETS.len()],
}

/// The shared `let`s a file may define: name and definition, `{p}` being
/// the file's party.
const LETS: [(&str, &str); 6] = [
    ("ours", "concessions where by = \"{p}\""),
    ("theirs", "concessions where by != \"{p}\""),
    ("ours_investment", "ours where kind = \"investment\""),
    (
        "pledges",
        "theirs where kind in [\"investment\", \"purchase\"]",
    ),
    (
        "floor_lines",
        "tariffs where sector in [\"baseline\", \"reciprocal\"]",
    ),
    (
        "car_lines",
        "tariffs where sector in [\"autos\", \"auto_parts\"]",
    ),
];

const OURS: usize = 0;
const THEIRS: usize = 1;
const OURS_INVESTMENT: usize = 2;
const PLEDGES: usize = 3;
const FLOOR_LINES: usize = 4;
const CAR_LINES: usize = 5;

impl OwnerRules {
    fn new(header: String, party: &'static str) -> OwnerRules {
        OwnerRules {
            header,
            party,
            rules: String::new(),
            used: [false; LETS.len()],
        }
    }

    fn use_let(&mut self, index: usize) -> &'static str {
        self.used[index] = true;
        // `ours_investment` and `pledges` are defined over other lets.
        match index {
            OURS_INVESTMENT => self.used[OURS] = true,
            PLEDGES => self.used[THEIRS] = true,
            _ => {}
        }
        LETS[index].0
    }

    /// Appends rule number `index`, drawn from the families.
    fn rule(&mut self, rng: &mut Rng, index: usize) {
        let keyword = match rng.below(10) {
            0..=4 => "redline",
            5..=8 => "concern",
            _ => "note",
        };
        let mut body = Vec::new();
        let title;
        match rng.below(12) {
            0 => {
                // A threshold on one sector's rate, guarded.
                let sector = rng.pick(&SECTORS);
                let ceiling = rng.range(30, 60);
                title = format!("{sector} stays at or below {ceiling}%");
                body.push(format!(
                    "\"{sector}\" in tariffs requires tariffs.{sector}.after <= {ceiling}%"
                ));
            }
            1 => {
                // A threshold behind a guard statement.
                let sector = rng.pick(&SECTORS);
                let floor = rng.range(0, 5);
                title = format!("{sector} keeps some protection");
                body.push(format!("applies when \"{sector}\" in tariffs"));
                body.push(format!("require tariffs.{sector}.after >= {floor}%"));
            }
            2 => {
                // No increases on a line.
                let sector = rng.pick(&SECTORS);
                title = format!("no increase on {sector}");
                body.push(format!(
                    "no deal if \"{sector}\" in tariffs and tariffs.{sector}.after > tariffs.{sector}.before"
                ));
            }
            3 => {
                // The reciprocal rate above the baseline, in points.
                let points = rng.range(26, 40);
                title = format!("reciprocal at most {points} points above the baseline");
                body.push(
                    "applies when \"reciprocal\" in tariffs and \"baseline\" in tariffs".to_owned(),
                );
                body.push(format!(
                    "no deal if tariffs.reciprocal.after - tariffs.baseline.after >= {points}pp"
                ));
            }
            4 => {
                // Presence of a sector every proposal has.
                title = "the baseline is on the table".to_owned();
                body.push("require \"baseline\" in tariffs".to_owned());
            }
            5 => {
                // A count over concessions by party.
                let most = rng.range(6, 9);
                let ours = self.use_let(OURS);
                title = format!("at most {most} of our concessions in one package");
                body.push(format!("require count({ours}) <= {most}"));
                if rng.chance(50) {
                    body.push(format!(
                        "message \"{{count({ours})}} concessions in one package; keep some back\""
                    ));
                }
            }
            6 => {
                // A sum over concessions by party and kind.
                let cap = rng.range(900, 2000);
                let investment = self.use_let(OURS_INVESTMENT);
                title = format!("investment pledges stay under ${cap}bn");
                body.push(format!("require sum({investment}.amount) <= ${cap}bn"));
            }
            7 => {
                // Counts by kind of the other side's concessions.
                let kind = rng.pick(&ConcessionKind::ALL).as_str();
                let most = rng.range(4, 8);
                let theirs = self.use_let(THEIRS);
                title = format!("at most {most} {kind} concessions asked of us");
                body.push(format!(
                    "require count({theirs} where kind = \"{kind}\") <= {most}"
                ));
            }
            8 => {
                // A universal quantifier over tariff lines.
                let ceiling = rng.range(55, 80);
                title = format!("no line above {ceiling}%");
                body.push(format!("require all tariffs where after <= {ceiling}%"));
            }
            9 => {
                // `no` over a filtered collection, through a let.
                let floor = rng.range(0, 4);
                let lines = self.use_let(FLOOR_LINES);
                title = format!("nothing below {floor}% on the floor lines");
                body.push(format!("require no {lines} where after < {floor}%"));
            }
            10 => {
                // `any ... requires ...` over concessions.
                let kind = rng.pick(&ConcessionKind::ALL).as_str();
                let ceiling = rng.range(40, 60);
                let cars = self.use_let(CAR_LINES);
                let pledges = self.use_let(PLEDGES);
                title = format!("{kind} concessions only with car relief");
                body.push(format!(
                    "any {pledges} where kind = \"{kind}\" requires all {cars} where after <= {ceiling}%"
                ));
            }
            _ => {
                // A round gate and a date window.
                let round = rng.range(1, 3);
                title = format!("rounds up to {round} are tabled in 2025");
                body.push(format!("applies when round <= {round}"));
                body.push("require date between 2025-01-01 and 2026-12-31".to_owned());
            }
        }
        if rng.chance(30) {
            body.push(format!(
                "because \"workload rule {index}: {keyword} from the {} family\"",
                self.party
            ));
        }
        let _ = writeln!(self.rules, "\n{keyword} r{index} \"{title}\" {{");
        for statement in body {
            let _ = writeln!(self.rules, "    {statement}");
        }
        self.rules.push_str("}\n");
    }

    fn finish(self) -> String {
        let mut text = String::from("# Generated by redlines::workload.\n");
        if !self.header.is_empty() {
            let _ = writeln!(text, "{}", self.header);
        }
        for (index, (name, definition)) in LETS.iter().enumerate() {
            if self.used[index] {
                let definition = definition.replace("{p}", self.party);
                let _ = writeln!(text, "let {name} = {definition}");
            }
        }
        text.push_str(&self.rules);
        text
    }
}

/// The YAML text of proposal `index` of the workload of `seed`, as one
/// document (no `---`).
pub fn proposal(seed: u64, index: u64) -> String {
    let mut rng = Rng::new(seed, index);
    let mut text = String::with_capacity(768);
    let _ = writeln!(text, "proposal: w{seed}-{index}");
    let mut parties = vec!["us"];
    let others = rng.range(1, 3) as usize;
    let mut partners: Vec<&str> = PARTIES[1..].iter().map(|(id, _)| *id).collect();
    for _ in 0..others {
        let at = rng.below(partners.len() as u64) as usize;
        parties.push(partners.remove(at));
    }
    let _ = writeln!(text, "round: {}", rng.range(1, 4));
    let _ = writeln!(
        text,
        "date: 2025-{:02}-{:02}",
        rng.range(1, 12),
        rng.range(1, 28)
    );
    let _ = writeln!(text, "tabled_by: {}", rng.pick(&parties));
    let _ = writeln!(text, "parties: [{}]", parties.join(", "));
    // The baseline first, then up to 11 more sectors in a random order.
    let count = rng.range(1, 12) as usize;
    let mut sectors: Vec<&str> = SECTORS[1..].to_vec();
    let mut chosen = vec![SECTORS[0]];
    while chosen.len() < count {
        let at = rng.below(sectors.len() as u64) as usize;
        chosen.push(sectors.remove(at));
    }
    text.push_str("tariffs:\n");
    for sector in chosen {
        let before = *rng.pick(&[10u64, 15, 20, 24, 25, 25, 50]);
        let after = if rng.chance(40) {
            before
        } else {
            before.saturating_sub(rng.range(0, before))
        };
        let _ = write!(text, "  {sector}: {{ before: {before}%, after: {after}%");
        if rng.chance(20) {
            let _ = write!(text, ", effective: 2025-{:02}-01", rng.range(7, 12));
        }
        if rng.chance(10) {
            let _ = write!(text, ", quota: {}k", rng.range(10, 500));
        }
        text.push_str(" }\n");
    }
    let concessions = rng.range(0, 8);
    if concessions > 0 {
        text.push_str("concessions:\n");
    }
    for _ in 0..concessions {
        let by = rng.pick(&parties);
        let kind = rng.pick(&ConcessionKind::ALL).as_str();
        let item = rng.pick(&ITEMS);
        let _ = write!(text, "  - {{ by: {by}, kind: {kind}, item: {item}");
        if rng.chance(60) {
            let _ = write!(text, ", amount: ${}bn", rng.range(1, 400));
        }
        text.push_str(" }\n");
    }
    if rng.chance(30) {
        let _ = writeln!(
            text,
            "facts: {{ funding_window_days: {}, ldp_majority: {} }}",
            rng.range(10, 90),
            rng.chance(50)
        );
    }
    text
}

/// Proposals `start..end` of the workload of `seed` as one multi-document
/// stream (`---` between documents).
pub fn stream(seed: u64, start: u64, end: u64) -> String {
    let mut text = String::new();
    for index in start..end {
        if index > start {
            text.push_str("---\n");
        }
        text.push_str(&proposal(seed, index));
    }
    text
}

/// Writes a workload into `dir`: the rule files under `dir/rules/`, and the
/// proposals under `dir/proposals/`, either one file per proposal
/// (`p000001.yaml`, ...) or one multi-document stream (`stream.yaml`),
/// written piece by piece.
pub fn write(
    dir: &std::path::Path,
    seed: u64,
    rules: usize,
    proposals: u64,
    one_stream: bool,
) -> std::io::Result<()> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir.join("rules"))?;
    std::fs::create_dir_all(dir.join("proposals"))?;
    for file in rule_files(seed, rules) {
        std::fs::write(dir.join(&file.name), file.text)?;
    }
    if one_stream {
        let file = std::fs::File::create(dir.join("proposals/stream.yaml"))?;
        let mut out = std::io::BufWriter::new(file);
        for index in 0..proposals {
            if index > 0 {
                out.write_all(b"---\n")?;
            }
            out.write_all(proposal(seed, index).as_bytes())?;
        }
        out.flush()?;
    } else {
        for index in 0..proposals {
            std::fs::write(
                dir.join(format!("proposals/p{index:06}.yaml")),
                proposal(seed, index),
            )?;
        }
    }
    Ok(())
}

//! What a command was asked to do, checked once before the pipeline runs:
//! the values behind the command-line flags (sizes, shards) and the
//! settings of a build.
//!
//! The command line (`cli`) parses flags with the parsers here; the
//! pipeline receives these types and never sees clap's.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::files::sha256_hex;
use crate::sign::Signer;

/// Largest source file clerk reads by default, in bytes (256 MiB);
/// `--max-source-size` changes it.
pub const MAX_SOURCE_SIZE: u64 = 256 * 1024 * 1024;

/// How long one brief may take to typeset by default.
pub const DEFAULT_TYPESET_TIMEOUT: Duration = Duration::from_secs(60);

/// What a build was asked to do.
#[derive(Debug, Clone)]
pub struct BuildSettings {
    /// Output folder (default: `<root>/output`).
    pub out: Option<PathBuf>,
    /// Rebuild even fresh briefs.
    pub force: bool,
    /// The files to write beside each PDF (`--emit`).
    pub emit: BTreeSet<Emit>,
    /// Build only this part of the dossiers.
    pub shard: Option<Shard>,
    /// Longest one brief may take to typeset.
    pub typeset_timeout: Duration,
    /// The key that signs each brief's files and provenance (`--sign`).
    pub signer: Option<Arc<Signer>>,
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            out: None,
            force: false,
            emit: BTreeSet::new(),
            shard: None,
            typeset_timeout: DEFAULT_TYPESET_TIMEOUT,
            signer: None,
        }
    }
}

/// A file `build` can write beside each PDF when asked (`--emit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Emit {
    /// The rendered Typst markup, for template authors.
    Typ,
    /// The brief as JSON (format `clerk_brief` 1).
    Json,
    /// A W3C Web Annotation collection, one annotation per quote.
    Annotations,
    /// The references as CSL-JSON.
    Csl,
    /// The HTML edition of the brief, a self-contained web page.
    Html,
    /// The Word edition of the brief, styled by `templates/reference.docx`.
    Docx,
}

impl Emit {
    /// The file's name beside the PDF `<stem>.pdf`.
    pub fn file_name(self, stem: &str) -> String {
        match self {
            Emit::Typ => format!("{stem}.typ"),
            Emit::Json => format!("{stem}.json"),
            Emit::Annotations => format!("{stem}.annotations.jsonld"),
            Emit::Csl => format!("{stem}.csl.json"),
            Emit::Html => format!("{stem}.html"),
            Emit::Docx => format!("{stem}.docx"),
        }
    }
}

/// One of `count` deterministic parts of the dossiers (`index` is 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("expected K/N such as 2/8, found `{text}`"))?;
        let index: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "shard `{text}` is out of range: K runs from 1 to N"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether dossier `id` belongs to this shard. A dossier's shard depends
    /// only on its id, so adding dossiers never moves the others.
    pub fn contains(&self, id: &str) -> bool {
        let digest = sha256_hex(id.as_bytes());
        let value = u64::from_str_radix(&digest[..16], 16).unwrap_or(0);
        (value % self.count as u64) as usize == self.index - 1
    }
}

/// Parses a number of worker threads (`--jobs`): a whole number, 0 for as
/// many as the machine has cores.
pub fn parse_jobs(text: &str) -> Result<usize, String> {
    text.trim().parse().map_err(|_| {
        format!("`{text}` is not a number of threads (try `--jobs 2`, or 0 for one per core)")
    })
}

/// Parses `find --limit`: how many passages to print, at least one.
pub fn parse_limit(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("`0` would print no passage; give 1 or more".to_string()),
        Ok(limit) => Ok(limit),
        Err(_) => Err(format!(
            "`{text}` is not a number of passages (try `--limit 5`)"
        )),
    }
}

/// Parses a size such as `256MiB`, `10M`, `1.5GiB`, `4096` (bytes); `K`,
/// `M` and `G` are binary units, as in `KiB`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (try `256MiB`)"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}` (use KiB, MiB or GiB)")),
    };
    Ok((number * scale as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_dossiers() {
        let ids: Vec<String> = (0..200).map(|i| format!("dossier-{i}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for id in &ids {
            assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1);
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| ids.iter().filter(|id| s.contains(id)).count())
            .collect();
        assert!(sizes.iter().all(|&n| n > 40), "{sizes:?}");
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    #[test]
    fn jobs_parse() {
        assert_eq!(parse_jobs("4"), Ok(4));
        assert_eq!(
            parse_jobs("abc"),
            Err("`abc` is not a number of threads (try `--jobs 2`, or 0 for one per core)".into())
        );
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("1.5 GiB"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}

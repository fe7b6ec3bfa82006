//! The fixed words of a brief, per language: the built-in locales (en,
//! fr, de, es, it, nl) and a project's own `templates/locales/<tag>.toml`,
//! which add a language or override a built-in one, and the long date each
//! language writes.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Rule, TextFile};
use crate::files;
use crate::project::Project;
use crate::spec::{self, LocalDate, LocaleWords};

/// The built-in locales, by language tag.
const BUILTIN: &[(&str, &str)] = &[
    ("de", include_str!("builtin/locales/de.toml")),
    ("en", include_str!("builtin/locales/en.toml")),
    ("es", include_str!("builtin/locales/es.toml")),
    ("fr", include_str!("builtin/locales/fr.toml")),
    ("it", include_str!("builtin/locales/it.toml")),
    ("nl", include_str!("builtin/locales/nl.toml")),
];

/// The tags of the built-in locales (`clerk template locale-<tag>` prints
/// one).
pub const BUILTIN_TAGS: [&str; 6] = ["de", "en", "es", "fr", "it", "nl"];

/// The language whose words a brief falls back to.
pub const FALLBACK: &str = "en";

/// The locales a project can use: the built-in ones, then its own.
#[derive(Debug, Clone)]
pub struct Locales {
    /// By lower-case tag: the words, or why the project's file for the tag
    /// cannot be used.
    by_tag: BTreeMap<String, Result<LocaleWords, Vec<Diagnostic>>>,
    /// The built-in locales, which give the optional words a project's
    /// file leaves out.
    builtin: BTreeMap<String, LocaleWords>,
}

/// The words a dossier's language resolves to.
#[derive(Debug, Clone, Copy)]
pub enum Resolved<'a> {
    /// A locale for the tag or its primary subtag.
    Found(&'a LocaleWords),
    /// No locale: the fallback's words, and a `missing-locale` warning.
    Missing(&'a LocaleWords),
    /// The project's locale file for it has errors (`bad-locale`).
    Bad(&'a [Diagnostic]),
}

impl Locales {
    /// The built-in locales and those under `<project>/templates/locales/`.
    pub fn load(project: &Project) -> Locales {
        let mut by_tag = BTreeMap::new();
        for (tag, text) in BUILTIN {
            let file = TextFile::new(format!("<built-in locale {tag}>"), *text);
            let words = spec::parse::<LocaleWords>(&file)
                .expect("the built-in locales are complete (tested)");
            by_tag.insert(tag.to_string(), Ok(words));
        }
        let builtin = by_tag
            .iter()
            .filter_map(|(tag, words)| Some((tag.clone(), words.as_ref().ok()?.clone())))
            .collect();
        let folder = project.templates.join("locales");
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return Locales { by_tag, builtin };
        };
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let tag = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            by_tag.insert(tag, read_locale(project, &path));
        }
        Locales { by_tag, builtin }
    }

    /// An optional word (`pick`) for `language`: the locale's own, else
    /// the built-in locale's of that language, else the fallback's.
    pub fn optional_word(
        &self,
        language: &str,
        pick: fn(&LocaleWords) -> &Option<String>,
    ) -> String {
        let [tag, primary] = candidate_tags(language);
        let builtin = [tag.as_str(), primary.as_str(), FALLBACK]
            .into_iter()
            .filter_map(|t| self.builtin.get(t))
            .find_map(|w| pick(w).clone());
        pick(self.words(language))
            .clone()
            .or(builtin)
            .unwrap_or_default()
    }

    /// The words for `language` (a BCP 47 tag): its own locale, else its
    /// primary subtag's (`fr` for `fr-CA`), else the fallback's.
    pub fn resolve(&self, language: &str) -> Resolved<'_> {
        for candidate in &candidate_tags(language) {
            match self.by_tag.get(candidate) {
                Some(Ok(words)) => return Resolved::Found(words),
                Some(Err(problems)) => return Resolved::Bad(problems),
                None => {}
            }
        }
        match self.by_tag.get(FALLBACK) {
            Some(Ok(words)) => Resolved::Missing(words),
            Some(Err(problems)) => Resolved::Bad(problems),
            None => unreachable!("the fallback locale is built in"),
        }
    }

    /// The words for `language`, whatever the problems (for a brief that
    /// checked: the built-in fallback stands in for a bad file).
    pub fn words(&self, language: &str) -> &LocaleWords {
        match self.resolve(language) {
            Resolved::Found(words) | Resolved::Missing(words) => words,
            Resolved::Bad(_) => match self.by_tag.get(FALLBACK) {
                Some(Ok(words)) => words,
                _ => builtin_fallback(),
            },
        }
    }

    /// Every problem with the project's locale files.
    pub fn problems(&self) -> Vec<Diagnostic> {
        self.by_tag
            .values()
            .filter_map(|l| l.as_ref().err())
            .flatten()
            .cloned()
            .collect()
    }
}

/// The locale tags `language` may use, most specific first: the tag, then
/// its primary subtag (`fr-ca`, `fr`), lower-cased as locales are keyed.
fn candidate_tags(language: &str) -> [String; 2] {
    let tag = language.to_ascii_lowercase();
    let primary = tag.split('-').next().unwrap_or(&tag).to_string();
    [tag, primary]
}

/// The built-in English words (the fallback when a project replaces `en`
/// with a broken file).
fn builtin_fallback() -> &'static LocaleWords {
    static WORDS: std::sync::OnceLock<LocaleWords> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let file = TextFile::new("<built-in locale en>", BUILTIN[1].1);
        spec::parse::<LocaleWords>(&file).expect("the built-in English locale is complete")
    })
}

/// A project's locale file, or its problems as `bad-locale` errors.
fn read_locale(project: &Project, path: &std::path::Path) -> Result<LocaleWords, Vec<Diagnostic>> {
    let display = project.display(path);
    let unreadable =
        |message: String| vec![Diagnostic::new(Rule::BadLocale, message).in_file(display.clone())];
    let bytes = files::read_limited(path, spec::MAX_SPEC_SIZE)
        .map_err(|error| unreadable(format!("cannot read locale ({})", files::cause(&error))))?;
    let text = files::decode_utf8(bytes).map_err(|offset| {
        unreadable(format!(
            "locale is not UTF-8 text (invalid byte at offset {offset})"
        ))
    })?;
    let file = TextFile::new(display.clone(), text);
    let mut problems = match spec::parse::<LocaleWords>(&file) {
        Ok(words) if words.months.len() == 12 => return Ok(words),
        Ok(words) => vec![
            Diagnostic::new(
                Rule::BadLocale,
                format!("`months` lists {} months, not 12", words.months.len()),
            )
            .in_file(display.clone()),
        ],
        Err(problems) => problems,
    };
    for problem in &mut problems {
        problem.rule = Rule::BadLocale;
        problem.level = Rule::BadLocale.level();
        problem.help = vec![
            "a locale file has exactly the keys of the built-in ones (docs/templates.md lists them)"
                .to_string(),
        ];
    }
    Err(problems)
}

impl LocaleWords {
    /// `date` written out in this language: `1 April 2025`, `1er avril
    /// 2025`, `1. April 2025`, `1 de abril de 2025`.
    pub fn long_date(&self, date: LocalDate) -> String {
        use chrono::Datelike;
        let d = date.0;
        let day = if d.day() == 1 {
            self.first_day.clone()
        } else {
            d.day().to_string()
        };
        let month = self
            .months
            .get(d.month0() as usize)
            .cloned()
            .unwrap_or_else(|| d.month().to_string());
        self.date
            .replace("{day}", &day)
            .replace("{month}", &month)
            .replace("{year}", &d.year().to_string())
    }
}

/// The text of a built-in locale, for `clerk template`-style printing.
pub fn builtin(tag: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> LocalDate {
        LocalDate(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    #[test]
    fn every_builtin_locale_is_complete_and_writes_its_dates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("dossiers")).unwrap();
        let project = Project::open(dir.path(), crate::settings::MAX_SOURCE_SIZE).unwrap();
        let locales = Locales::load(&project);
        let long = |tag: &str, d: LocalDate| locales.words(tag).long_date(d);
        assert_eq!(long("en", date(2025, 4, 1)), "1 April 2025");
        assert_eq!(long("fr", date(2025, 4, 1)), "1er avril 2025");
        assert_eq!(long("fr-CA", date(2025, 4, 2)), "2 avril 2025");
        assert_eq!(long("de", date(2025, 4, 1)), "1. April 2025");
        assert_eq!(long("es", date(2025, 4, 1)), "1 de abril de 2025");
        assert_eq!(long("it", date(2025, 4, 1)), "1º aprile 2025");
        assert_eq!(long("nl", date(2025, 4, 1)), "1 april 2025");
        for (tag, _) in BUILTIN {
            assert!(
                matches!(locales.resolve(tag), Resolved::Found(w) if w.months.len() == 12
                && w.timeline.is_some() && w.undated.is_some())
            );
        }
        assert_eq!(locales.optional_word("fr-CA", |w| &w.undated), "Sans date");
        assert_eq!(
            locales.optional_word("pt", |w| &w.timeline),
            "The debate at a glance"
        );
        assert!(matches!(locales.resolve("pt"), Resolved::Missing(w) if w.summary == "Summary"));
        let tags: Vec<&str> = BUILTIN.iter().map(|(tag, _)| *tag).collect();
        assert_eq!(tags, BUILTIN_TAGS);
    }

    #[test]
    fn a_project_locale_overrides_and_a_bad_one_names_its_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("dossiers")).unwrap();
        let locales_dir = dir.path().join("templates/locales");
        std::fs::create_dir_all(&locales_dir).unwrap();
        let english = builtin("en").unwrap();
        std::fs::write(
            locales_dir.join("pt.toml"),
            english.replace("\"Summary\"", "\"Resumo\""),
        )
        .unwrap();
        std::fs::write(
            locales_dir.join("fr.toml"),
            english.replace("note = \"Note\"\n", "nota = \"Note\"\n"),
        )
        .unwrap();
        let project = Project::open(dir.path(), crate::settings::MAX_SOURCE_SIZE).unwrap();
        let locales = Locales::load(&project);
        assert!(matches!(locales.resolve("pt-BR"), Resolved::Found(w) if w.summary == "Resumo"));
        // English words (the file was made from the English locale).
        assert_eq!(
            locales.optional_word("pt", |w| &w.undated),
            "Without a date"
        );
        let Resolved::Bad(problems) = locales.resolve("fr") else {
            panic!("a broken fr.toml is bad");
        };
        let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("`nota`")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`note`")),
            "{messages:?}"
        );
        assert!(
            problems.iter().all(|d| d.rule == Rule::BadLocale
                && d.file.as_deref() == Some("templates/locales/fr.toml"))
        );
    }
}

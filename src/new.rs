//! `clerk new`: a dossier to fill in, `dossiers/<id>.toml`, that checks
//! without errors as written: a title, today's date, a summary to write, an
//! empty `[sources]`, and each kind of claim as a commented example.

use std::path::PathBuf;

use crate::diag::Fatal;
use crate::project::Project;
use crate::schema;

/// The new dossier's text. `{…}` fields are filled in by [`dossier_text`].
const TEMPLATE: &str = include_str!("new/dossier.toml");

/// Writes `dossiers/<id>.toml` and returns its path; refuses an invalid id
/// or a dossier that exists.
pub fn new_dossier(project: &Project, id: &str, title: Option<&str>) -> anyhow::Result<PathBuf> {
    if !crate::spec::is_valid_id(id) {
        return Err(Fatal::new(format!("invalid dossier id `{id}`"))
            .help(format!(
                "ids use lowercase letters, digits and hyphens, not starting with a hyphen: for example `clerk new {}`",
                crate::spec::suggest_id(id)
            ))
            .into());
    }
    let path = project.dossiers.join(format!("{id}.toml"));
    if path.exists() {
        return Err(Fatal::new(format!(
            "dossier `{id}` already exists (`{}`)",
            project.display(&path)
        ))
        .help("choose another id, or edit the existing dossier")
        .into());
    }
    let title = match title {
        Some(title) if !title.trim().is_empty() => title.to_string(),
        Some(_) => {
            return Err(Fatal::new("the title is empty")
                .help("give the brief's title, for example `--title \"Harbour contract\"`")
                .into());
        }
        None => title_of(id),
    };
    let with_schema = project
        .root
        .join(schema::FOLDER)
        .join(schema::DOSSIER_FILE)
        .is_file();
    let text = dossier_text(id, &title, today()?, with_schema);
    crate::output::write_new(&path, text.as_bytes())?;
    Ok(path)
}

/// The text of a new dossier. It names the project's dossier schema when
/// the project has one (`clerk init` writes it): an editor told of a schema
/// that is not there would only complain.
pub fn dossier_text(id: &str, title: &str, date: chrono::NaiveDate, with_schema: bool) -> String {
    let directive = if with_schema {
        schema::directive(&format!("../{}/{}", schema::FOLDER, schema::DOSSIER_FILE))
    } else {
        String::new()
    };
    let title = toml_edit::Value::from(title).to_string();
    directive
        + &TEMPLATE
            .replace("{id}", id)
            .replace("{title}", title.trim())
            .replace("{date}", &date.format("%Y-%m-%d").to_string())
}

/// A title made from an id: `harbour-contract` gives `Harbour contract`.
fn title_of(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// Today's date where the user is, or the date of `SOURCE_DATE_EPOCH` (in
/// UTC) when it is set, as reproducible builds set it.
fn today() -> anyhow::Result<chrono::NaiveDate> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
            .map(|time| time.date_naive())
            .ok_or_else(|| {
                Fatal::new(format!(
                    "SOURCE_DATE_EPOCH is `{value}`, not a number of seconds since 1970"
                ))
                .help("unset it to date the dossier today")
                .into()
            }),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_ids() {
        assert_eq!(title_of("harbour-contract"), "Harbour contract");
        assert_eq!(title_of("2025-review"), "2025 review");
    }

    #[test]
    fn the_title_is_a_toml_string() {
        let date = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let text = dossier_text("x", "The \"harbour\" \\ contract", date, false);
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            parsed["title"].as_str(),
            Some("The \"harbour\" \\ contract")
        );
        assert!(!text.starts_with("#:schema"));
        assert!(dossier_text("x", "t", date, true).starts_with("#:schema ../schemas/"));
    }
}

//! Citation styles: the CSL style a dossier names (`citation-style`), one
//! of the styles bundled with hayagriva (the CSL processor typst uses) or a
//! `.csl` file under `templates/`, loaded and checked, and the references it
//! writes from CSL-JSON items, which the `cite` stage puts into the brief.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use hayagriva::archive::{ArchivedStyle, locales};
use hayagriva::citationberg::{self, IndependentStyle, Locale, LocaleCode};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChildren,
};

use crate::files;
use crate::project::Project;

/// A citation style, ready to format references.
#[derive(Debug, Clone)]
pub struct Style {
    /// As the dossier names it (`apa`, `unit-style.csl`).
    pub name: String,
    style: Arc<IndependentStyle>,
}

/// The bundled styles read so far, by name: a batch reads each once.
fn bundled(name: &str) -> Option<Arc<IndependentStyle>> {
    static READ: OnceLock<Mutex<BTreeMap<String, Option<Arc<IndependentStyle>>>>> = OnceLock::new();
    let mut read = READ.get_or_init(Default::default).lock().ok()?;
    read.entry(name.to_string())
        .or_insert_with(|| {
            let style = ArchivedStyle::by_name(name)?.get();
            independent(style).map(Arc::new)
        })
        .clone()
}

/// The style itself, or for a dependent style its bundled parent.
fn independent(style: citationberg::Style) -> Option<IndependentStyle> {
    match style {
        citationberg::Style::Independent(style) => Some(style),
        citationberg::Style::Dependent(dependent) => {
            match ArchivedStyle::by_id(dependent.parent_link.href.as_str())?.get() {
                citationberg::Style::Independent(style) => Some(style),
                citationberg::Style::Dependent(_) => None,
            }
        }
    }
}

/// The CSL locales bundled with hayagriva, read once.
fn bundled_locales() -> &'static [Locale] {
    static LOCALES: OnceLock<Vec<Locale>> = OnceLock::new();
    LOCALES.get_or_init(locales)
}

impl Style {
    /// The style `name` names: a style bundled with hayagriva (`apa`,
    /// `chicago-author-date`, `ieee`, …), or a CSL file under `templates/`
    /// (`unit-style.csl`); a dependent style takes its parent among the
    /// bundled ones.
    pub fn load(project: &Project, name: &str) -> Result<Style, String> {
        let style = match name.ends_with(".csl") {
            true => Arc::new(from_file(project, name)?),
            false => bundled(name).ok_or_else(|| {
                format!(
                    "unknown citation style `{name}`: name a style bundled with clerk (`{}`, `apa`, `ieee`, `modern-language-association`, `harvard-cite-them-right`, …) or a `.csl` file under `templates/`",
                    crate::spec::DEFAULT_CITATION_STYLE
                )
            })?,
        };
        Ok(Style {
            name: name.to_string(),
            style,
        })
    }

    /// The style's title, as the style gives it.
    pub fn title(&self) -> &str {
        &self.style.info.title.value
    }

    /// Each CSL-JSON item as the body of its bibliography entry, in
    /// `language` (a BCP 47 tag), by item id.
    pub fn bibliography(
        &self,
        items: &[citationberg::json::Item],
        language: &str,
    ) -> BTreeMap<String, ElemChildren> {
        let locales = bundled_locales();
        let locale = Some(LocaleCode(language.to_string()));
        let mut driver: BibliographyDriver<'_, citationberg::json::Item> =
            BibliographyDriver::new();
        for item in items {
            driver.citation(CitationRequest::new(
                vec![CitationItem::with_entry(item)],
                &self.style,
                locale.clone(),
                locales,
                None,
            ));
        }
        let rendered = driver.finish(BibliographyRequest::new(&self.style, locale, locales));
        rendered
            .bibliography
            .map(|b| b.items.into_iter().map(|e| (e.key, e.content)).collect())
            .unwrap_or_default()
    }
}

/// The styles bundled with clerk: the names a dossier may give each one
/// (`american-psychological-association`, `apa`), and its title.
pub fn bundled_styles() -> Vec<(String, &'static str)> {
    ArchivedStyle::all()
        .iter()
        .map(|style| (style.names().join(", "), style.display_name()))
        .collect()
}

/// A style from a `.csl` file under `templates/`.
fn from_file(project: &Project, name: &str) -> Result<IndependentStyle, String> {
    if !files::is_plain_relative(std::path::Path::new(name)) {
        return Err(format!(
            "citation style `{name}` must be a path inside `templates/`"
        ));
    }
    let path = project.templates.join(name);
    let shown = project.display(&path);
    let bytes = files::read_limited(&path, crate::settings::MAX_SOURCE_SIZE)
        .map_err(|error| format!("cannot read citation style `{shown}` ({error})"))?;
    let style = citationberg::Style::from_xml(&String::from_utf8_lossy(&bytes))
        .map_err(|error| format!("`{shown}` is not a CSL style ({error})"))?;
    independent(style).ok_or_else(|| {
        format!("`{shown}` is a dependent CSL style whose parent is not bundled with clerk: use the parent style's file")
    })
}

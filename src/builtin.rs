//! The templates compiled into the binary, by name, and the file
//! extensions of a project's own templates: what `check` needs to know
//! which template names exist, without the renderer.

/// Built-in Typst templates (the PDF): `(name, text)`.
pub const TEMPLATES: &[(&str, &str)] = &[("brief", include_str!("builtin/brief.typ.hbs"))];

/// Built-in HTML templates (the HTML edition): `(name, text)`. A dossier
/// whose template has no HTML one of its own is published with `brief`'s.
pub const HTML_TEMPLATES: &[(&str, &str)] = &[("brief", include_str!("builtin/brief.html.hbs"))];

/// File extension of Typst templates under `templates/`.
pub const EXTENSION: &str = ".typ.hbs";

/// What a template writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Markup {
    /// Typst markup, typeset into the PDF.
    Typst,
    /// The HTML edition.
    Html,
}

impl Markup {
    /// The file extension of a project's templates of this markup.
    pub fn extension(self) -> &'static str {
        match self {
            Markup::Typst => EXTENSION,
            Markup::Html => ".html.hbs",
        }
    }

    /// The suffix `clerk template` adds to a built-in name to print this
    /// markup's template (`brief-html`).
    fn suffix(self) -> &'static str {
        match self {
            Markup::Typst => "",
            Markup::Html => "-html",
        }
    }

    fn builtins(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Markup::Typst => TEMPLATES,
            Markup::Html => HTML_TEMPLATES,
        }
    }
}

/// The text of built-in Typst template `name`.
pub fn template(name: &str) -> Option<&'static str> {
    template_of(name, Markup::Typst)
}

/// The text of built-in template `name` of `markup`.
pub fn template_of(name: &str, markup: Markup) -> Option<&'static str> {
    markup
        .builtins()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// A built-in template as `clerk template` names it: `brief` (Typst) or
/// `brief-html` (HTML).
pub fn printable(name: &str) -> Option<&'static str> {
    match name.strip_suffix(Markup::Html.suffix()) {
        Some(stem) => template_of(stem, Markup::Html),
        None => template(name),
    }
}

/// The names `clerk template` prints, for messages.
pub fn names() -> Vec<String> {
    [Markup::Typst, Markup::Html]
        .into_iter()
        .flat_map(|markup| {
            markup
                .builtins()
                .iter()
                .map(move |(name, _)| format!("{name}{}", markup.suffix()))
        })
        .collect()
}

/// Whether `path` is an HTML template (`*.html.hbs`): an input of the HTML
/// edition only, never of the PDF.
pub fn is_html_template(path: &std::path::Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_string_lossy().ends_with(Markup::Html.extension()))
}

/// The Word edition's reference document, directly under `templates/`.
pub const REFERENCE_DOCX: &str = "reference.docx";

/// Whether `path` is the reference document of the project whose
/// templates folder is `templates`: an input of the Word edition only,
/// never of the PDF.
pub fn is_reference_docx(templates: &std::path::Path, path: &std::path::Path) -> bool {
    path.parent() == Some(templates) && path.file_name().is_some_and(|name| name == REFERENCE_DOCX)
}

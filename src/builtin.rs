//! The templates compiled into the binary, by name, and the file extension
//! of a project's own templates: what `check` needs to know which template
//! names exist, without the renderer.

/// Built-in templates: `(name, text)`.
pub const TEMPLATES: &[(&str, &str)] = &[("brief", include_str!("builtin/brief.typ.hbs"))];

/// File extension of templates under `templates/`.
pub const EXTENSION: &str = ".typ.hbs";

/// The text of built-in template `name`.
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The names of the built-in templates, for messages.
pub fn names() -> Vec<&'static str> {
    TEMPLATES.iter().map(|(name, _)| *name).collect()
}

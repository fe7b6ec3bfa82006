//! Handlebars templates that turn a [`Brief`] into Typst markup (the PDF)
//! or HTML (the HTML edition), escaping every field for what they write.
//!
//! In a Typst template every `{{field}}` is escaped for Typst markup, so
//! dossier text always prints as itself; only the deliberately named
//! `raw-markup` helper inserts markup unescaped. In an HTML template every
//! `{{field}}` is HTML-escaped and nothing can turn that off: there is no
//! `raw-markup`, and `{{href url}}` writes only `http`, `https` and
//! `mailto` links. The triple-stash `{{{…}}}` is refused in both.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};

use crate::builtin::{self, Markup};
use crate::diag::{Diagnostic, Rule, TextFile};
use crate::model::Brief;
use crate::project::Project;

/// A template ready to render: its text and where it came from.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub markup: Markup,
    /// `templates/<name>.typ.hbs`, `<built-in brief>`,
    /// `templates/<name>.html.hbs` or `<built-in brief-html>`.
    pub display: String,
    pub text: String,
    /// The file, for a project template.
    pub path: Option<PathBuf>,
    /// The text compiled by Handlebars, once, shared by clones.
    compiled: Arc<OnceLock<Result<Handlebars<'static>, Box<Diagnostic>>>>,
}

impl Template {
    fn new(name: &str, display: String, text: String, path: Option<PathBuf>) -> Template {
        Template {
            name: name.to_string(),
            markup: Markup::Typst,
            display,
            text,
            path,
            compiled: Arc::default(),
        }
    }

    /// A template known by its name, how messages name it and its text,
    /// for locating typst's errors in a process that did not read it (a
    /// typesetting worker).
    pub fn described(name: &str, display: String, text: String) -> Template {
        Template::new(name, display, text, None)
    }

    /// A template with no text or file, for markup rendered elsewhere
    /// (typesetting Typst directly); errors name it `<name>`.
    pub fn inline(name: &str) -> Template {
        Template::new(name, format!("<{name}>"), String::new(), None)
    }

    fn compiled(&self) -> Result<&Handlebars<'static>, Box<Diagnostic>> {
        self.compiled
            .get_or_init(|| compile(self))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Templates loaded once per run, by name: every brief of a batch is
/// rendered from the same text, compiled once.
#[derive(Debug, Default)]
pub struct TemplateCache {
    templates: Mutex<HashMap<(Markup, String), Template>>,
}

impl TemplateCache {
    /// Typst template `name`, loaded by [`load`] the first time it is asked
    /// for.
    pub fn get(&self, project: &Project, name: &str) -> anyhow::Result<Template> {
        self.get_of(project, name, Markup::Typst)
    }

    /// The HTML template of dossiers whose template is `name`
    /// ([`load_html`]), loaded the first time it is asked for.
    pub fn get_html(&self, project: &Project, name: &str) -> anyhow::Result<Template> {
        self.get_of(project, name, Markup::Html)
    }

    fn get_of(&self, project: &Project, name: &str, markup: Markup) -> anyhow::Result<Template> {
        let mut loaded = self.templates.lock().unwrap_or_else(|e| e.into_inner());
        let key = (markup, name.to_string());
        if let Some(template) = loaded.get(&key) {
            return Ok(template.clone());
        }
        let template = match markup {
            Markup::Typst => load(project, name)?,
            Markup::Html => load_html(project, name)?,
        };
        loaded.insert(key, template.clone());
        Ok(template)
    }
}

/// Loads Typst template `name`: the project's own if it has one, else the
/// built-in of that name.
pub fn load(project: &Project, name: &str) -> anyhow::Result<Template> {
    load_project_template(project, name, Markup::Typst)?
        .or_else(|| builtin_template(name, Markup::Typst))
        .ok_or_else(|| anyhow::anyhow!("no template named `{name}`"))
}

/// Loads the HTML template of dossiers whose template is `name`: the
/// project's `templates/<name>.html.hbs`, else the built-in HTML template
/// of that name, else the built-in `brief` one (so a project's own Typst
/// template still gets an HTML edition).
pub fn load_html(project: &Project, name: &str) -> anyhow::Result<Template> {
    Ok(load_project_template(project, name, Markup::Html)?
        .or_else(|| builtin_template(name, Markup::Html))
        .or_else(|| builtin_template("brief", Markup::Html))
        .expect("the built-in brief has an HTML template"))
}

fn load_project_template(
    project: &Project,
    name: &str,
    markup: Markup,
) -> anyhow::Result<Option<Template>> {
    let Some(path) = project.template_file_of(name, markup) else {
        return Ok(None);
    };
    let display = format!("templates/{name}{}", markup.extension());
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read `{display}` ({})", crate::files::cause(&e)))?;
    Ok(Some(Template {
        markup,
        ..Template::new(name, display, text, Some(path))
    }))
}

fn builtin_template(name: &str, markup: Markup) -> Option<Template> {
    let text = crate::spec::is_valid_id(name)
        .then(|| builtin::template_of(name, markup))
        .flatten()?;
    let display = match markup {
        Markup::Typst => format!("<built-in {name}>"),
        Markup::Html => format!("<built-in {name}-html>"),
    };
    Some(Template {
        markup,
        ..Template::new(name, display, text.to_string(), None)
    })
}

/// Renders `brief` through `template` into Typst markup or HTML.
pub fn render(template: &Template, brief: &Brief) -> Result<String, Box<Diagnostic>> {
    let registry = template.compiled()?;
    registry.render(&template.name, brief).map_err(|error| {
        let message = match error.reason() {
            RenderErrorReason::MissingVariable(Some(name)) => {
                format!("the template uses `{name}`, which the brief context does not have")
            }
            other => other.to_string(),
        };
        Box::new(
            locate(
                Diagnostic::new(
                    Rule::Template,
                    format!("template failed to render: {message}"),
                ),
                &template_file(template),
                error.line_no,
                error.column_no,
            )
            .help("docs/templates.md lists every field of the context"),
        )
    })
}

fn template_file(template: &Template) -> TextFile {
    TextFile::new(template.display.clone(), template.text.clone())
}

/// Compiles a template's text, refusing unescaped insertions.
fn compile(template: &Template) -> Result<Handlebars<'static>, Box<Diagnostic>> {
    // Only the named `raw-markup` helper of Typst templates may insert
    // unescaped text.
    if let Some(at) = ["{{{", "{{&", "{{~{{", "{{~&"]
        .iter()
        .filter_map(|form| template.text.find(form))
        .min()
    {
        return Err(unescaped(template, Some(at), None));
    }
    let mut registry = match template.markup {
        Markup::Typst => registry(),
        Markup::Html => html_registry(),
    };
    registry
        .register_template_string(&template.name, &template.text)
        .map_err(|error| {
            // The parser's own message lists its grammar and points at the
            // end of the file for a block left open: name the block instead.
            if let Some(unbalanced) = unbalanced_block(template) {
                return unbalanced;
            }
            let reason = error.reason().to_string();
            let (message, help) = match reason.find(" expected ") {
                Some(_) => (
                    "the Handlebars syntax is invalid here".to_string(),
                    Some("check this tag's braces, quotes and helper name; docs/templates.md shows the syntax"),
                ),
                None => (reason, None),
            };
            let mut d = locate(
                Diagnostic::new(
                    Rule::Template,
                    format!("template does not parse: {message}"),
                ),
                &template_file(template),
                error.pos().map(|(line, _)| line),
                error.pos().map(|(_, column)| column),
            );
            if let Some(help) = help {
                d = d.help(help);
            }
            Box::new(d)
        })?;
    // The text search above names the usual spellings; the parsed template
    // is the proof (`{{ {x} }}` and `{{~{x}~}}` parse as the same thing).
    if let Some(at) = registry
        .get_template(&template.name)
        .and_then(first_unescaped)
    {
        return Err(unescaped(template, None, Some(at)));
    }
    Ok(registry)
}

/// The refusal of an unescaped insertion, at byte `at` of the template's
/// text or at a parsed template's (line, column).
fn unescaped(
    template: &Template,
    at: Option<usize>,
    line_column: Option<(usize, usize)>,
) -> Box<Diagnostic> {
    let help = match template.markup {
        Markup::Typst => {
            "write `{{field}}` to print text as itself, or `{{raw-markup field}}` to insert trusted Typst markup on purpose"
        }
        Markup::Html => "write `{{field}}`: an HTML template prints every field as text, escaped",
    };
    let d = Diagnostic::new(
        Rule::Template,
        "the template inserts a field unescaped (`{{{…}}}` or `{{&…}}`)",
    );
    let file = template_file(template);
    let d = match (at, line_column) {
        (Some(at), _) => d.at(file.site(at..at + 3)),
        (None, Some((line, column))) => locate(d, &file, Some(line), Some(column)),
        (None, None) => d.in_file(file.display.clone()),
    };
    Box::new(d.help(help))
}

/// The (line, column) of the first unescaped insertion of a parsed
/// template, looking inside blocks.
fn first_unescaped(template: &handlebars::Template) -> Option<(usize, usize)> {
    use handlebars::template::TemplateElement;
    template
        .elements
        .iter()
        .enumerate()
        .find_map(|(index, element)| match element {
            TemplateElement::HtmlExpression(_) => template
                .mapping
                .get(index)
                .map(|mapping| (mapping.0, mapping.1))
                .or(Some((1, 1))),
            TemplateElement::HelperBlock(block) | TemplateElement::Expression(block) => block
                .template
                .as_ref()
                .and_then(first_unescaped)
                .or_else(|| block.inverse.as_ref().and_then(first_unescaped)),
            TemplateElement::DecoratorBlock(block) | TemplateElement::PartialBlock(block) => {
                block.template.as_ref().and_then(first_unescaped)
            }
            _ => None,
        })
}

/// A block helper (`{{#each}}`, `{{#if}}`, …) that is never closed, or
/// closed by the wrong `{{/…}}`, as a diagnostic at its tag.
fn unbalanced_block(template: &Template) -> Option<Box<Diagnostic>> {
    let text = &template.text;
    let file = template_file(template);
    let problem = |message: String, at: std::ops::Range<usize>, help: String| {
        Some(Box::new(
            Diagnostic::new(
                Rule::Template,
                format!("template does not parse: {message}"),
            )
            .at(file.site(at))
            .help(help),
        ))
    };
    // Opening tags not closed yet: the tag's byte range.
    let mut open: Vec<std::ops::Range<usize>> = Vec::new();
    let mut at = 0;
    while let Some(start) = text[at..].find("{{").map(|i| at + i) {
        let Some(end) = text[start..].find("}}").map(|i| start + i + 2) else {
            break;
        };
        at = end;
        let tag = text[start + 2..end - 2]
            .trim_start_matches('~')
            .trim_start();
        if tag.starts_with("!--") {
            // A long comment may hold `}}`; it ends at `--}}`.
            if let Some(close) = text[start..].find("--}}") {
                at = start + close + 4;
            }
        } else if tag.starts_with('#') {
            open.push(start..end);
        } else if let Some(rest) = tag.strip_prefix('/') {
            let closing = block_name(rest);
            match open.pop() {
                Some(opener) if block_name(&text[opener.clone()]) == closing => {}
                Some(opener) => {
                    let name = block_name(&text[opener.clone()]);
                    let line = file.site(opener).line;
                    return problem(
                        format!(
                            "`{{{{/{closing}}}}}` closes `{{{{#{name}}}}}`, opened on line {line}"
                        ),
                        start..end,
                        format!("close `{{{{#{name}}}}}` with `{{{{/{name}}}}}` before this tag"),
                    );
                }
                None => {
                    return problem(
                        format!("`{{{{/{closing}}}}}` closes no block"),
                        start..end,
                        format!("remove it, or open the block with `{{{{#{closing} …}}}}`"),
                    );
                }
            }
        }
    }
    let opener = open.pop()?;
    let name = block_name(&text[opener.clone()]);
    problem(
        format!("`{{{{#{name}}}}}` is never closed"),
        opener,
        format!("add `{{{{/{name}}}}}` where the block ends"),
    )
}

/// The helper name of a block tag (`{{#each sections}}` or `each}}` ->
/// `each`).
fn block_name(tag: &str) -> String {
    tag.trim_start_matches("{{")
        .trim_start_matches('~')
        .trim_start()
        .trim_start_matches(['#', '/', '>', '*'])
        .split(|c: char| c.is_whitespace() || c == '~' || c == '}')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn locate(
    d: Diagnostic,
    file: &TextFile,
    line: Option<usize>,
    column: Option<usize>,
) -> Diagnostic {
    match line {
        Some(line) => {
            let start = file
                .text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>();
            let column_bytes = file.text[start..]
                .char_indices()
                .nth(column.unwrap_or(1).saturating_sub(1))
                .map_or(0, |(i, _)| i);
            d.at(file.site(start + column_bytes..start + column_bytes))
        }
        None => d.in_file(file.display.clone()),
    }
}

/// A Handlebars registry set up for Typst: strict, Typst-escaped, with
/// clerk's helpers.
fn registry() -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(escape_markup);
    registry.register_helper("str", Box::new(string_helper));
    registry.register_helper("label", Box::new(label_helper));
    registry.register_helper("raw-markup", Box::new(raw_helper));
    registry.register_helper("num", Box::new(number_helper));
    registry.register_helper("csl", Box::new(typst_csl_helper));
    registry
}

/// A Handlebars registry set up for HTML: strict, with Handlebars' own
/// HTML escaping on every field and no way to turn it off.
fn html_registry() -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(handlebars::html_escape);
    registry.register_helper("href", Box::new(href_helper));
    registry.register_helper("is-link", Box::new(is_link));
    registry.register_helper("num", Box::new(number_helper));
    registry.register_helper("csl", Box::new(html_csl_helper));
    registry
}

handlebars::handlebars_helper!(is_link: |url: str| is_safe_link(url));

/// Whether `url` may be a link of the HTML edition: `http`, `https` or
/// `mailto`, so no `javascript:` or `data:` URL in a record becomes code.
pub fn is_safe_link(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// `{{href url}}`: the URL, HTML-escaped, if [`is_safe_link`]; else `#`.
fn href_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let url = param_text(h, "href")?;
    let safe = if is_safe_link(&url) {
        handlebars::html_escape(url.trim())
    } else {
        "#".to_string()
    };
    out.write(&safe)?;
    Ok(())
}

/// `{{num x}}`: a number as is (coordinates of the timeline); anything
/// else is an error.
fn number_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    match h.param(0).map(|p| p.value()) {
        Some(serde_json::Value::Number(n)) => {
            out.write(&n.to_string())?;
            Ok(())
        }
        other => Err(RenderErrorReason::Other(format!(
            "`num` takes a number, not {}",
            other.map_or("nothing".to_string(), ToString::to_string)
        ))
        .into()),
    }
}

/// Escapes plain text for Typst markup, so it prints as itself.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '#' | '*' | '_' | '`' | '$' | '@' | '<' | '>' | '[' | ']' | '~' | '=' | '-'
            | '+' | '/' | '"' | '\'' | '.' | ':' | '{' | '}' | '%' | '&' | '^' | '|' | ';' => {
                out.push('\\');
                out.push(c);
            }
            // A line break in plain text is a space: paragraphs are the
            // template's business.
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a Typst string literal (for code: `title: {{str title}}`).
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn param_text(h: &Helper<'_>, name: &'static str) -> Result<String, RenderErrorReason> {
    let value = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?
        .value();
    Ok(match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

fn string_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&string_literal(&param_text(h, "str")?))?;
    Ok(())
}

fn label_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let name = param_text(h, "label")?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(RenderErrorReason::Other(format!("`{name}` cannot be a Typst label")).into());
    }
    out.write(&format!("<{name}>"))?;
    Ok(())
}

/// The runs of a formatted reference (`{{csl formatted}}`).
fn formatted_parts(h: &Helper<'_>) -> Result<Vec<crate::model::Part>, RenderError> {
    let value = h
        .param(0)
        .map(|p| p.value().clone())
        .ok_or_else(|| RenderErrorReason::Other("`csl` takes a reference's `formatted`".into()))?;
    let parts = value.get("parts").cloned().unwrap_or(value);
    serde_json::from_value(parts).map_err(|_| {
        RenderErrorReason::Other("`csl` takes a reference's `formatted`".to_string()).into()
    })
}

/// `{{csl formatted}}` in a Typst template: the reference as the citation
/// style writes it, each run escaped, then set in italics, bold, small
/// capitals, raised or lowered, or linked as the style says.
fn typst_csl_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    for part in formatted_parts(h)? {
        let mut text = escape_markup(&part.text);
        if !part.text.trim().is_empty() {
            for (on, function) in [
                (part.italic, "emph"),
                (part.bold, "strong"),
                (part.small_caps, "smallcaps"),
                (part.superscript, "super"),
                (part.subscript, "sub"),
            ] {
                if on {
                    text = format!("#{function}[{text}]");
                }
            }
        }
        if let Some(link) = part.link.as_deref().filter(|l| is_safe_link(l)) {
            text = format!("#link({})[{text}]", string_literal(link));
        }
        out.write(&text)?;
    }
    Ok(())
}

/// `{{csl formatted}}` in an HTML template: the same, as HTML-escaped text
/// in `<i>`, `<b>`, `<span class="smallcaps">`, `<sup>`, `<sub>` and `<a>`.
fn html_csl_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    for part in formatted_parts(h)? {
        let mut text = handlebars::html_escape(&part.text);
        for (on, open, close) in [
            (part.italic, "<i>", "</i>"),
            (part.bold, "<b>", "</b>"),
            (part.small_caps, "<span class=\"smallcaps\">", "</span>"),
            (part.superscript, "<sup>", "</sup>"),
            (part.subscript, "<sub>", "</sub>"),
        ] {
            if on {
                text = format!("{open}{text}{close}");
            }
        }
        if let Some(link) = part.link.as_deref().filter(|l| is_safe_link(l)) {
            text = format!(
                "<a href=\"{}\">{text}</a>",
                handlebars::html_escape(link.trim())
            );
        }
        out.write(&text)?;
    }
    Ok(())
}

fn raw_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&param_text(h, "raw-markup")?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_or_crossed_block_is_named_at_its_tag() {
        let unclosed = Template::inline("t");
        let unclosed = Template {
            text: "= {{title}}\n{{#each sections}}\n== {{title}}\n".into(),
            ..unclosed
        };
        let d = unbalanced_block(&unclosed).unwrap();
        assert_eq!(
            d.message,
            "template does not parse: `{{#each}}` is never closed"
        );
        let site = d.site.unwrap();
        assert_eq!((site.line, site.column), (2, 1));
        assert_eq!(d.help, ["add `{{/each}}` where the block ends"]);

        let crossed = Template {
            text: "{{#each sections}}{{#if claims}}x{{/each}}{{/if}}".into(),
            ..Template::inline("t")
        };
        let d = unbalanced_block(&crossed).unwrap();
        assert_eq!(
            d.message,
            "template does not parse: `{{/each}}` closes `{{#if}}`, opened on line 1"
        );
        let balanced = Template {
            text: "{{!-- {{#each}} --}}{{#each a}}{{#if b}}{{else}}{{/if}}{{/each}}".into(),
            ..Template::inline("t")
        };
        assert!(unbalanced_block(&balanced).is_none());
    }

    #[test]
    fn every_spelling_of_an_unescaped_insertion_is_refused() {
        for text in [
            "<p>{{{title}}}</p>",
            "<p>{{ {title} }}</p>",
            "<p>{{~{title}~}}</p>",
            "<p>{{&title}}</p>",
            "<p>{{ &title}}</p>",
            "{{#each sections}}\n<p>{{ {title} }}</p>{{else}}x{{/each}}",
            "{{#if a}}x{{else}}{{ &title }}{{/if}}",
        ] {
            for markup in [Markup::Typst, Markup::Html] {
                let template = Template {
                    text: text.into(),
                    markup,
                    ..Template::inline("t")
                };
                let refused = compile(&template).err();
                let refused = refused.map(|d| d.message);
                assert_eq!(
                    refused.as_deref(),
                    Some("the template inserts a field unescaped (`{{{…}}}` or `{{&…}}`)"),
                    "{text}"
                );
            }
        }
        let fine = Template {
            text: "<p>{{title}} {{#each a}}{{this}}{{/each}}</p>".into(),
            markup: Markup::Html,
            ..Template::inline("t")
        };
        assert!(compile(&fine).is_ok());
    }

    #[test]
    fn markup_escape_covers_typst_syntax() {
        assert_eq!(escape_markup("#set *x* $y$"), "\\#set \\*x\\* \\$y\\$");
        assert_eq!(escape_markup("a // b\r\nc"), "a \\/\\/ b c");
        assert_eq!(escape_markup("l'été..."), "l\\'été\\.\\.\\.");
    }

    #[test]
    fn string_literal_escapes_quotes_and_controls() {
        assert_eq!(string_literal("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u{1}\"");
    }

    #[test]
    fn builtin_brief_exists_and_names_are_ids() {
        assert!(builtin::template("brief").is_some());
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("dossiers")).unwrap();
        let project = Project::open(dir.path(), crate::settings::MAX_SOURCE_SIZE).unwrap();
        assert!(project.has_template("brief"));
        assert!(!project.has_template("../brief"));
        assert!(load(&project, "../brief").is_err());
    }
}

//! The OpenSSH `allowed_signers` format (ssh-keygen(1), "ALLOWED SIGNERS"):
//! which keys a unit trusts, for which principals and namespaces, and
//! when; and judging a signing key against it.
//!
//! Each line is `principals [options] keytype base64-key [comment]`, the
//! options `namespaces="…"`, `valid-after="…"` and `valid-before="…"`.
//! `cert-authority` lines are refused: clerk checks plain keys, never SSH
//! certificates, and silently skipping such a line would turn the signers
//! it vouches for into unknown ones.

use std::fmt;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ssh_key::public::KeyData;
use ssh_key::{HashAlg, PublicKey};

/// A parsed `allowed_signers` file.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    /// Where it was read from, as shown to people.
    pub origin: String,
    entries: Vec<Entry>,
}

/// One line: who may sign with which key, for what and when.
#[derive(Debug, Clone)]
struct Entry {
    /// The principals as written (`analyst@unit`, `*@unit,!intern@unit`).
    principals: String,
    key: KeyData,
    /// The key's SHA-256 fingerprint (`SHA256:…`), the DSSE key id.
    fingerprint: String,
    namespaces: Option<String>,
    valid_after: Option<DateTime<Utc>>,
    valid_before: Option<DateTime<Utc>>,
}

/// Why an `allowed_signers` file cannot be used: the line and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What an `allowed_signers` file says of a key used for `namespace` at a
/// given time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Listed, for this namespace, and valid now: the principals of the
    /// line that allows it.
    Allowed { principals: String },
    /// Listed, but only for other namespaces.
    OtherNamespaces {
        principals: String,
        namespaces: String,
    },
    /// Listed, but not valid at this time: why (`valid until …`).
    Expired { principals: String, why: String },
    /// Not listed, or listed only for principals other than those asked.
    Unknown,
}

impl AllowedSigners {
    /// Parses the text of an `allowed_signers` file read from `origin`.
    pub fn parse(origin: &str, text: &str) -> Result<AllowedSigners, LineError> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = parse_line(line).map_err(|message| LineError {
                line: index + 1,
                message,
            })?;
            entries.push(entry);
        }
        Ok(AllowedSigners {
            origin: origin.to_string(),
            entries,
        })
    }

    /// How many keys it lists.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it lists no key at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys listed under the fingerprint `keyid` (a DSSE key id).
    pub fn keys_with_fingerprint(&self, keyid: &str) -> Vec<&KeyData> {
        let mut keys: Vec<&KeyData> = Vec::new();
        for entry in self.entries.iter().filter(|e| e.fingerprint == keyid) {
            if !keys.contains(&&entry.key) {
                keys.push(&entry.key);
            }
        }
        keys
    }

    /// Judges `key` used in `namespace` at `now`. With `identity`, only
    /// lines whose principals match it count, as with `ssh-keygen -Y
    /// verify -I`. Of several lines for the key, one that allows it wins.
    pub fn judge(
        &self,
        key: &KeyData,
        namespace: &str,
        identity: Option<&str>,
        now: DateTime<Utc>,
    ) -> Trust {
        let mut verdict = Trust::Unknown;
        let lines = self.entries.iter().filter(|e| {
            e.key == *key && identity.is_none_or(|id| match_pattern_list(id, &e.principals))
        });
        for entry in lines {
            let principals = entry.principals.clone();
            if let Some(namespaces) = &entry.namespaces
                && !match_pattern_list(namespace, namespaces)
            {
                if verdict == Trust::Unknown {
                    verdict = Trust::OtherNamespaces {
                        principals,
                        namespaces: namespaces.clone(),
                    };
                }
                continue;
            }
            if let Some(after) = entry.valid_after
                && now < after
            {
                verdict = Trust::Expired {
                    principals,
                    why: format!("not valid before {}", after.format("%Y-%m-%d %H:%M:%S UTC")),
                };
                continue;
            }
            if let Some(before) = entry.valid_before
                && now >= before
            {
                verdict = Trust::Expired {
                    principals,
                    why: format!(
                        "valid only until {}",
                        before.format("%Y-%m-%d %H:%M:%S UTC")
                    ),
                };
                continue;
            }
            return Trust::Allowed { principals };
        }
        verdict
    }
}

/// One line (not blank, not a comment): principals, options, key.
fn parse_line(line: &str) -> Result<Entry, String> {
    let fields = split_fields(line)?;
    let principals = unquote(fields[0]);
    if principals.is_empty() {
        return Err("no principals before the key".to_string());
    }
    let rest = &fields[1..];
    // The options field is optional: a line whose second field starts a
    // key has none (as ssh-keygen decides it, by trying to read a key).
    let looks_like_key_type = |field: &str| {
        ["ssh-", "ecdsa-", "sk-"]
            .iter()
            .any(|p| field.starts_with(p))
    };
    let (options, key_fields) = match rest {
        [kind, blob, ..] if PublicKey::from_openssh(&format!("{kind} {blob}")).is_ok() => {
            (None, rest)
        }
        // A damaged key, not options: say so.
        [kind, ..] if looks_like_key_type(kind) => (None, rest),
        [options, key @ ..] => (Some(*options), key),
        [] => return Err("no key after the principals".to_string()),
    };
    let options = options.map(parse_options).transpose()?.unwrap_or_default();
    let key = match key_fields {
        [kind, blob, ..] => PublicKey::from_openssh(&format!("{kind} {blob}")).map_err(|e| {
            if kind.contains("-cert-") {
                "an SSH certificate, not a key: clerk checks plain keys only".to_string()
            } else {
                format!("`{kind}` is not followed by a public key clerk can read ({e})")
            }
        })?,
        _ => return Err("no key after the principals and options".to_string()),
    };
    Ok(Entry {
        principals,
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
        key: key.key_data().clone(),
        namespaces: options.namespaces,
        valid_after: options.valid_after,
        valid_before: options.valid_before,
    })
}

#[derive(Default)]
struct Options {
    namespaces: Option<String>,
    valid_after: Option<DateTime<Utc>>,
    valid_before: Option<DateTime<Utc>>,
}

/// The options field: comma-separated, values in double quotes.
fn parse_options(field: &str) -> Result<Options, String> {
    let mut options = Options::default();
    for option in split_outside_quotes(field, ',') {
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name, Some(unquote(value))),
            None => (option, None),
        };
        let name = name.to_ascii_lowercase();
        let needed = |value: Option<String>| value.ok_or(format!("`{name}` needs a value"));
        match name.as_str() {
            "cert-authority" => {
                return Err(
                    "`cert-authority` is not supported: clerk checks signatures by plain keys, not by SSH certificates; list each signer's own key".to_string(),
                );
            }
            "namespaces" => options.namespaces = Some(needed(value)?),
            "valid-after" => options.valid_after = Some(parse_time(&needed(value)?)?),
            "valid-before" => options.valid_before = Some(parse_time(&needed(value)?)?),
            other => {
                return Err(format!(
                    "unknown option `{other}` (known: namespaces, valid-after, valid-before)"
                ));
            }
        }
    }
    Ok(options)
}

/// A time as `allowed_signers` writes it: `YYYYMMDD`, `YYYYMMDDHHMM` or
/// `YYYYMMDDHHMMSS`, in UTC with a final `Z`, else in local time (as
/// ssh-keygen reads it).
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    let invalid = || format!("`{text}` is not a time such as 20250131 or 20250131235959Z");
    let (digits, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(digits) => (digits, true),
        None => (text, false),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let naive = match digits.len() {
        8 => NaiveDate::parse_from_str(digits, "%Y%m%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
        12 => NaiveDateTime::parse_from_str(&format!("{digits}00"), "%Y%m%d%H%M%S").ok(),
        14 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok(),
        _ => None,
    }
    .ok_or_else(invalid)?;
    if utc {
        return Ok(Utc.from_utc_datetime(&naive));
    }
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(invalid)
}

/// The fields of a line, split at white space outside double quotes.
fn split_fields(line: &str) -> Result<Vec<&str>, String> {
    let mut fields = Vec::new();
    let mut start = None;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => {
                quoted = !quoted;
                start.get_or_insert(i);
            }
            c if c.is_whitespace() && !quoted => {
                if let Some(s) = start.take() {
                    fields.push(&line[s..i]);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if quoted {
        return Err("a double quote is not closed".to_string());
    }
    if let Some(s) = start {
        fields.push(&line[s..]);
    }
    Ok(fields)
}

/// `text` split at `separator` outside double quotes.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// A value without its surrounding double quotes.
fn unquote(text: &str) -> String {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .to_string()
}

/// OpenSSH's `match_pattern_list`: whether `name` matches the
/// comma-separated `patterns` (`*` and `?` wildcards); a matching pattern
/// negated with `!` excludes the name whatever else matches.
pub fn match_pattern_list(name: &str, patterns: &str) -> bool {
    let mut matched = false;
    for pattern in patterns.split(',') {
        match pattern.strip_prefix('!') {
            Some(negated) if match_pattern(name, negated) => return false,
            Some(_) => {}
            None => matched |= match_pattern(name, pattern),
        }
    }
    matched
}

/// Whether `name` matches `pattern`, where `*` stands for any run of
/// characters and `?` for one.
fn match_pattern(name: &str, pattern: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    // Iterative wildcard matching with one backtrack point: linear in
    // practice, and no recursion for a hostile pattern to deepen.
    let (mut n, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                n += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNNGVFfP4hiS6IN/iOwJY+4tSEMBduj5VsVuOzl18ZF";

    fn key() -> KeyData {
        PublicKey::from_openssh(KEY).unwrap().key_data().clone()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn patterns_match_as_openssh_does() {
        assert!(match_pattern_list("analyst@unit", "*@unit"));
        assert!(match_pattern_list("analyst@unit", "head@unit,analyst@unit"));
        assert!(!match_pattern_list("intern@unit", "*@unit,!intern@unit"));
        assert!(match_pattern_list("a@unit", "?@unit"));
        assert!(!match_pattern_list("ab@unit", "?@unit"));
        assert!(!match_pattern_list("analyst@other", "*@unit"));
        assert!(match_pattern_list("clerk-brief", "git,clerk-*"));
        assert!(!match_pattern_list("x", "!y"));
        assert!(match_pattern_list(&"a".repeat(200), &"*a".repeat(40)));
    }

    #[test]
    fn lines_with_and_without_options_are_read() {
        let text = format!(
            "# the unit's signers\n\nanalyst@unit {KEY} analyst's laptop\n\"head@unit\" namespaces=\"clerk-brief,git\",valid-after=\"20250101\" {KEY}\n"
        );
        let allowed = AllowedSigners::parse("allowed", &text).unwrap();
        assert_eq!(allowed.len(), 2);
        assert_eq!(
            allowed.judge(&key(), "clerk-brief", None, now()),
            Trust::Allowed {
                principals: "analyst@unit".into()
            }
        );
        assert_eq!(
            allowed.judge(&key(), "clerk-brief", Some("head@unit"), now()),
            Trust::Allowed {
                principals: "head@unit".into()
            }
        );
        assert_eq!(
            allowed.judge(&key(), "clerk-brief", Some("boss@unit"), now()),
            Trust::Unknown
        );
        let fingerprint = PublicKey::from_openssh(KEY)
            .unwrap()
            .fingerprint(HashAlg::Sha256)
            .to_string();
        assert_eq!(allowed.keys_with_fingerprint(&fingerprint).len(), 1);
    }

    #[test]
    fn namespaces_and_validity_are_judged() {
        let allowed = |options: &str| {
            AllowedSigners::parse("allowed", &format!("analyst@unit {options} {KEY}\n")).unwrap()
        };
        assert!(matches!(
            allowed("namespaces=\"git\"").judge(&key(), "clerk-brief", None, now()),
            Trust::OtherNamespaces { .. }
        ));
        assert!(matches!(
            allowed("valid-before=\"20250101Z\"").judge(&key(), "clerk-brief", None, now()),
            Trust::Expired { .. }
        ));
        assert!(matches!(
            allowed("valid-after=\"202507010000Z\"").judge(&key(), "clerk-brief", None, now()),
            Trust::Expired { .. }
        ));
        assert!(matches!(
            allowed("valid-after=\"20250101000000Z\",valid-before=\"20260101Z\"").judge(
                &key(),
                "clerk-brief",
                None,
                now()
            ),
            Trust::Allowed { .. }
        ));
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        let refused = |text: &str| AllowedSigners::parse("allowed", text).unwrap_err();
        let error = refused(&format!("# x\nca@unit cert-authority {KEY}\n"));
        assert_eq!(error.line, 2);
        assert!(
            error.message.contains("`cert-authority` is not supported"),
            "{error}"
        );
        assert!(refused("analyst@unit\n").message.contains("no key"));
        assert!(
            refused(&format!("a@unit valid-before=\"tomorrow\" {KEY}"))
                .message
                .contains("not a time")
        );
        assert!(
            refused(&format!("a@unit restrict {KEY}"))
                .message
                .contains("unknown option")
        );
        assert!(
            refused("a@unit ssh-ed25519 AAAA")
                .message
                .contains("public key")
        );
        assert!(
            refused(&format!("\"a@unit {KEY}"))
                .message
                .contains("double quote")
        );
    }
}

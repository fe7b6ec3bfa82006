//! Signing briefs and checking their signatures: the signing key, the SSH
//! signatures (SSHSIG, namespace `clerk-brief`) written beside each file,
//! the signed provenance statement (a DSSE envelope, [`dsse`]), and
//! judging each signature against the unit's `allowed_signers`
//! ([`allowed`]).
//!
//! A signature lives beside the file it signs and never changes its
//! bytes: `x.pdf.sig` for the first key, `x.pdf.2.sig`, `x.pdf.3.sig`, …
//! for each other key, one armoured SSH signature per file so that stock
//! `ssh-keygen -Y verify -s x.pdf.2.sig` reads each. Signing again with a
//! key that already signed the file replaces that key's signature.
//!
//! The cryptography is the `ssh-key` crate's; only the DSSE
//! pre-authentication encoding and the `allowed_signers` parser are
//! written here.

pub mod allowed;
pub mod dsse;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, EcdsaCurve, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};
use zeroize::Zeroizing;

use crate::diag::Fatal;
use crate::files;
use crate::output::{write_atomic, write_new};

pub use allowed::{AllowedSigners, Trust};

/// The SSHSIG namespace of every signature clerk makes or accepts: a
/// signature made for another purpose (`git`, `file`) is not a brief's.
pub const NAMESPACE: &str = "clerk-brief";

/// The environment variable that gives the signing key when no flag does:
/// a path to the key file, or the key itself.
pub const KEY_VARIABLE: &str = "CLERK_SIGNING_KEY";

/// Where a project keeps the keys it trusts, relative to its root.
pub const ALLOWED_SIGNERS: &str = ".clerk/allowed_signers";

/// Largest key, passphrase, signature or `allowed_signers` file read: far
/// above any real one (an RSA-16384 key is about 12 KiB).
const MAX_KEY_FILE: u64 = 1024 * 1024;

/// Largest file signed or checked: signing reads the whole file.
pub const MAX_SIGNED_FILE: u64 = 4 * 1024 * 1024 * 1024;

/// Where the signing key comes from.
pub enum KeySource {
    /// A key file (`--sign KEY`, `--key KEY`, or a path in
    /// [`KEY_VARIABLE`]).
    File(PathBuf),
    /// The key's text, from [`KEY_VARIABLE`]: never shown.
    Text(Zeroizing<String>),
}

impl KeySource {
    /// The key named by a flag, else by [`KEY_VARIABLE`]: a value that
    /// holds an OpenSSH key is the key, any other a path.
    pub fn from_flag_or_env(flag: Option<PathBuf>) -> Option<KeySource> {
        if let Some(path) = flag {
            return Some(KeySource::File(path));
        }
        let value = Zeroizing::new(std::env::var(KEY_VARIABLE).ok()?);
        if value.trim().is_empty() {
            return None;
        }
        if value.trim_start().starts_with("-----BEGIN") {
            return Some(KeySource::Text(value));
        }
        Some(KeySource::File(PathBuf::from(value.trim())))
    }

    /// How the key is named in messages (never its content).
    fn shown(&self) -> String {
        match self {
            KeySource::File(path) => format!("`{}`", path.display()),
            KeySource::Text(_) => format!("in `{KEY_VARIABLE}`"),
        }
    }
}

/// A private key ready to sign, with its public half.
pub struct Signer {
    key: PrivateKey,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
}

// The key must never reach a log: only its fingerprint is shown.
impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Reads an OpenSSH private key, decrypting it with the passphrase in
    /// `passphrase_file` if it has one. Every failure is an error that
    /// names the key's file (never its content) and says what to do.
    pub fn load(source: &KeySource, passphrase_file: Option<&Path>) -> anyhow::Result<Signer> {
        let shown = source.shown();
        let text = match source {
            KeySource::File(path) => {
                let bytes = Zeroizing::new(files::read_limited(path, MAX_KEY_FILE).map_err(
                    |e| {
                        Fatal::new(format!(
                            "cannot read the signing key {shown} ({})",
                            files::cause(&e)
                        ))
                        .help("give an OpenSSH private key file, such as one made by `ssh-keygen -t ed25519 -f KEY`")
                    },
                )?);
                Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned())
            }
            KeySource::Text(text) => text.clone(),
        };
        let key = PrivateKey::from_openssh(text.trim()).map_err(|_| not_a_key(&shown, &text))?;
        let key = if key.is_encrypted() {
            let Some(file) = passphrase_file else {
                return Err(Fatal::new(format!(
                    "the signing key {shown} is protected by a passphrase"
                ))
                .help("give the passphrase in a file readable only by you: `--sign-passphrase-file FILE` (`--passphrase-file` for `clerk sign`); clerk does not prompt or use ssh-agent")
                .into());
            };
            let passphrase = read_passphrase(file)?;
            key.decrypt(passphrase.as_bytes()).map_err(|_| {
                Fatal::new(format!(
                    "cannot decrypt the signing key {shown} with the passphrase in `{}`",
                    file.display()
                ))
                .help("check that the file holds the key's passphrase (one line)")
            })?
        } else {
            key
        };
        if !can_sign(&key.algorithm()) {
            return Err(Fatal::new(format!(
                "the signing key {shown} is a `{}` key, which clerk cannot sign with",
                key.algorithm()
            ))
            .help("use an Ed25519 key (`ssh-keygen -t ed25519`) or an ECDSA P-256 or P-384 key (`ssh-keygen -t ecdsa`)")
            .into());
        }
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        Ok(Signer { key, fingerprint })
    }

    /// The public key, as an `allowed_signers` line wants it.
    pub fn public_key(&self) -> &PublicKey {
        self.key.public_key()
    }

    /// The key's algorithm for people: `ED25519` or `ECDSA`.
    pub fn kind(&self) -> &'static str {
        match self.key.algorithm() {
            Algorithm::Ed25519 => "ED25519",
            _ => "ECDSA",
        }
    }

    /// An armoured SSH signature of `bytes` (SHA-512, as `ssh-keygen -Y
    /// sign` makes).
    pub fn sign(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let signature = self
            .key
            .sign(NAMESPACE, HashAlg::Sha512, bytes)
            .map_err(|e| anyhow::anyhow!("cannot sign ({e})"))?;
        let mut pem = signature
            .to_pem(LineEnding::LF)
            .map_err(|e| anyhow::anyhow!("cannot encode the signature ({e})"))?;
        if !pem.ends_with('\n') {
            pem.push('\n');
        }
        Ok(pem)
    }

    /// Signs the file at `path` (whose bytes are `bytes`) and writes the
    /// signature beside it: over this key's earlier signature of the file,
    /// else as the next free `.sig` name. Returns the signature's path.
    pub fn sign_file(&self, path: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
        let pem = self.sign(bytes)?;
        let existing = signature_paths(path);
        for signature in &existing {
            let same_key = read_signature(signature)
                .is_ok_and(|s| s.public_key() == self.key.public_key().key_data());
            if same_key {
                write_atomic(signature, pem.as_bytes())?;
                return Ok(signature.clone());
            }
        }
        let target = next_signature_path(path, &existing);
        write_new(&target, pem.as_bytes())?;
        Ok(target)
    }
}

/// Whether clerk signs with keys of `algorithm`. Security keys need their
/// device; RSA keys made by ssh-keygen fail to sign in the `ssh-key`
/// crate (0.6), so they are refused up front rather than after a build.
/// Signatures by RSA keys are still checked.
fn can_sign(algorithm: &Algorithm) -> bool {
    matches!(
        algorithm,
        Algorithm::Ed25519
            | Algorithm::Ecdsa {
                curve: EcdsaCurve::NistP256 | EcdsaCurve::NistP384
            }
    )
}

/// Why a key's text is not a private key clerk reads, as an error.
fn not_a_key(shown: &str, text: &str) -> anyhow::Error {
    let text = text.trim_start();
    let public = text.starts_with("ssh-")
        || text.starts_with("ecdsa-")
        || text.starts_with("sk-")
        || text.starts_with("---- BEGIN SSH2 PUBLIC KEY");
    let (message, help) = if public {
        (
            format!("the signing key {shown} is a public key"),
            "give the private key: the file without `.pub`",
        )
    } else if text.starts_with("-----BEGIN") {
        (
            format!("the signing key {shown} is not in OpenSSH's format"),
            "rewrite it in OpenSSH's format with `ssh-keygen -p -f KEY` (it keeps the key), or make a new one with `ssh-keygen -t ed25519 -f KEY`",
        )
    } else {
        (
            format!("the signing key {shown} is not an OpenSSH private key"),
            "give an OpenSSH private key file, such as one made by `ssh-keygen -t ed25519 -f KEY`",
        )
    };
    Fatal::new(message).help(help).into()
}

/// The passphrase in `file`: its first line.
fn read_passphrase(file: &Path) -> anyhow::Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(files::read_limited(file, MAX_KEY_FILE).map_err(|e| {
        Fatal::new(format!(
            "cannot read the passphrase file `{}` ({})",
            file.display(),
            files::cause(&e)
        ))
    })?);
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Fatal::new(format!(
            "the passphrase file `{}` is not UTF-8",
            file.display()
        ))
    })?;
    Ok(Zeroizing::new(
        text.lines().next().unwrap_or_default().to_string(),
    ))
}

/// Reads an `allowed_signers` file (bounded); an unreadable or invalid one
/// is an error naming the file and the line.
pub fn read_allowed_signers(path: &Path, shown: &str) -> anyhow::Result<AllowedSigners> {
    let bytes = files::read_limited(path, MAX_KEY_FILE)
        .map_err(files::io_error)
        .with_context(|| format!("cannot read the allowed signers file `{shown}`"))?;
    let text = String::from_utf8_lossy(&bytes);
    AllowedSigners::parse(shown, &text).map_err(|error| {
        Fatal::new(format!("cannot use the allowed signers file `{shown}` ({error})"))
            .help("each line is `PRINCIPALS [OPTIONS] KEYTYPE KEY [COMMENT]`, as ssh-keygen(1) describes under ALLOWED SIGNERS (docs/audit.md, section 6)")
            .into()
    })
}

/// The signatures beside `file`, in order: `x.pdf.sig`, then `x.pdf.2.sig`,
/// `x.pdf.3.sig`, …
pub fn signature_paths(file: &Path) -> Vec<PathBuf> {
    let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<(u64, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            let rest = entry_name.strip_prefix(&name)?.strip_suffix(".sig")?;
            let number = match rest {
                "" => 1,
                _ => {
                    let digits = rest.strip_prefix('.')?;
                    if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    digits.parse().ok()?
                }
            };
            Some((number, entry.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, path)| path).collect()
}

/// The name for a new signature of `file`: `x.pdf.sig` when free, else
/// one past the highest number in use.
fn next_signature_path(file: &Path, existing: &[PathBuf]) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let beside = |suffix: String| file.with_file_name(format!("{name}{suffix}"));
    if existing.is_empty() {
        return beside(".sig".to_string());
    }
    let highest = existing
        .iter()
        .filter_map(|p| {
            let n = p.file_name()?.to_string_lossy().into_owned();
            let rest = n.strip_prefix(&name)?.strip_suffix(".sig")?;
            rest.strip_prefix('.')
                .map_or(Some(1), |d| d.parse::<u64>().ok())
        })
        .max()
        .unwrap_or(1);
    beside(format!(".{}.sig", highest + 1))
}

/// Reads an armoured SSH signature (bounded).
fn read_signature(path: &Path) -> Result<SshSig, String> {
    let bytes = files::read_limited(path, MAX_KEY_FILE).map_err(|e| files::cause(&e))?;
    SshSig::from_pem(&bytes).map_err(|e| format!("not an SSH signature: {e}"))
}

/// What a check of one signature found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A good signature by a key the allowed signers list for briefs now.
    Signed,
    /// Unreadable, made for another namespace, or not over these bytes.
    BadSignature,
    /// A good signature by a key the allowed signers do not list for
    /// briefs (or there is no list).
    UnknownSigner,
    /// A good signature by a listed key outside its validity.
    Expired,
    /// No signature beside the file.
    Unsigned,
}

impl Status {
    /// The word a report prints.
    pub fn label(self) -> &'static str {
        match self {
            Status::Signed => "SIGNED",
            Status::BadSignature => "BAD SIGNATURE",
            Status::UnknownSigner => "UNKNOWN SIGNER",
            Status::Expired => "EXPIRED",
            Status::Unsigned => "UNSIGNED",
        }
    }
}

/// One signature of one file, judged.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// The file the signature is about.
    pub file: String,
    /// The signature's file (`x.pdf.sig`, `x.intoto.jsonl`); none when
    /// the file is unsigned.
    pub signature: Option<String>,
    pub status: Status,
    /// The principals of the `allowed_signers` line that vouches for the
    /// key.
    pub principals: Option<String>,
    /// The signing key's `SHA256:…` fingerprint, when known.
    pub fingerprint: Option<String>,
    pub detail: Option<String>,
}

impl Check {
    fn new(file: &Path, signature: Option<&Path>, status: Status) -> Check {
        Check {
            file: file.display().to_string(),
            signature: signature.map(|p| p.display().to_string()),
            status,
            principals: None,
            fingerprint: None,
            detail: None,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Check {
        self.detail = Some(detail.into());
        self
    }
}

/// Whom a verification trusts: the allowed signers (if any) and,
/// optionally, the one identity a signature must be made by.
#[derive(Debug, Clone, Copy)]
pub struct Trusted<'a> {
    pub allowed: Option<&'a AllowedSigners>,
    /// Only signatures by this principal count (`ssh-keygen -Y verify -I`).
    pub identity: Option<&'a str>,
}

impl Trusted<'_> {
    /// The check of a cryptographically good signature by `key`.
    fn judge(&self, mut check: Check, key: &KeyData) -> Check {
        let fingerprint = PublicKey::new(key.clone(), "")
            .fingerprint(HashAlg::Sha256)
            .to_string();
        check.fingerprint = Some(fingerprint);
        let Some(allowed) = self.allowed else {
            check.status = Status::UnknownSigner;
            return check.detail(format!(
                "a good signature, but there is no allowed signers file to say whose key this is (`{ALLOWED_SIGNERS}` in the project, or `--allowed-signers FILE`)"
            ));
        };
        let now = chrono::Utc::now();
        match allowed.judge(key, NAMESPACE, self.identity, now) {
            Trust::Allowed { principals } => {
                check.status = Status::Signed;
                check.principals = Some(principals);
                check
            }
            Trust::Expired { principals, why } => {
                check.status = Status::Expired;
                check.principals = Some(principals.clone());
                check.detail(format!(
                    "the key of `{principals}` is {why} in `{}`",
                    allowed.origin
                ))
            }
            Trust::OtherNamespaces {
                principals,
                namespaces,
            } => {
                check.status = Status::UnknownSigner;
                check.detail(format!(
                    "the key of `{principals}` is allowed only for namespaces `{namespaces}` in `{}`, not `{NAMESPACE}`",
                    allowed.origin
                ))
            }
            Trust::Unknown => {
                check.status = Status::UnknownSigner;
                match self.identity {
                    Some(identity) => check.detail(format!(
                        "a good signature, but not by a key `{}` lists for `{identity}`",
                        allowed.origin
                    )),
                    None => check.detail(format!(
                        "a good signature, but by a key `{}` does not list",
                        allowed.origin
                    )),
                }
            }
        }
    }
}

/// Checks every signature beside `file`, whose bytes are `bytes`; a file
/// with none gives one [`Status::Unsigned`] check.
pub fn check_file(file: &Path, bytes: &[u8], trusted: &Trusted<'_>) -> Vec<Check> {
    let signatures = signature_paths(file);
    if signatures.is_empty() {
        return vec![Check::new(file, None, Status::Unsigned).detail("no signature beside it")];
    }
    signatures
        .iter()
        .map(|path| check_signature(file, bytes, path, trusted))
        .collect()
}

/// Checks the SSH signature at `path` of `file`.
fn check_signature(file: &Path, bytes: &[u8], path: &Path, trusted: &Trusted<'_>) -> Check {
    let check = Check::new(file, Some(path), Status::BadSignature);
    let signature = match read_signature(path) {
        Ok(signature) => signature,
        Err(why) => return check.detail(format!("cannot read it ({why})")),
    };
    let key = signature.public_key().clone();
    let mut check = check;
    check.fingerprint = Some(
        PublicKey::new(key.clone(), "")
            .fingerprint(HashAlg::Sha256)
            .to_string(),
    );
    if signature.namespace() != NAMESPACE {
        return check.detail(format!(
            "made for namespace `{}`, not `{NAMESPACE}`: it does not vouch for a brief",
            signature.namespace()
        ));
    }
    if PublicKey::new(key.clone(), "")
        .verify(NAMESPACE, bytes, &signature)
        .is_err()
    {
        return check.detail(format!(
            "it does not match the bytes of `{}`: it was made over other bytes, or it was damaged",
            file.display()
        ));
    }
    trusted.judge(check, &key)
}

/// Whether the checks of one file meet `--require-signature`: at least
/// one good signature by an allowed signer, and no bad one.
pub fn meets_requirement(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.status == Status::Signed)
        && !checks.iter().any(|c| c.status == Status::BadSignature)
}

/// Signs a built brief in `out`: every file its provenance statement
/// (`<id>.provenance.json`) names, each checked against the digest the
/// statement records, and the statement itself as a DSSE envelope
/// (`<id>.intoto.jsonl`). Returns the files written.
pub fn sign_brief(out: &Path, id: &str, signer: &Signer) -> anyhow::Result<Vec<PathBuf>> {
    let statement_path = out.join(format!("{id}.provenance.json"));
    let statement = files::read_limited(&statement_path, MAX_KEY_FILE * 16)
        .map_err(files::io_error)
        .with_context(|| format!("cannot read `{}` to sign it", statement_path.display()))?;
    let subjects = dsse::subjects(&statement)
        .with_context(|| format!("cannot sign the files `{}` names", statement_path.display()))?;
    let mut written = Vec::new();
    for (name, digest) in subjects {
        let path = out.join(&name);
        if !files::is_plain_relative(Path::new(&name)) || name.contains('/') {
            anyhow::bail!(
                "`{}` names `{name}`, which is not a file of the output folder",
                statement_path.display()
            );
        }
        let bytes = files::read_limited(&path, MAX_SIGNED_FILE)
            .map_err(files::io_error)
            .with_context(|| format!("cannot read `{}` to sign it", path.display()))?;
        // The bytes signed must be those the statement vouches for.
        if files::sha256_hex(&bytes) != digest {
            anyhow::bail!(
                "`{}` differs from the digest `{}` records; build it again",
                path.display(),
                statement_path.display()
            );
        }
        written.push(signer.sign_file(&path, &bytes)?);
    }
    let envelope = out.join(format!("{id}.{}", dsse::ENVELOPE_SUFFIX));
    dsse::write_envelope(&envelope, &statement, signer)?;
    written.push(envelope);
    Ok(written)
}

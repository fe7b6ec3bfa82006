//! The signed provenance statement: a DSSE envelope (payload type
//! `application/vnd.in-toto+json`, key id the key's `SHA256:…`
//! fingerprint) holding a brief's in-toto statement, one envelope per line
//! of `<id>.intoto.jsonl` as in-toto and SLSA tooling read it.
//!
//! The signature is over DSSE's pre-authentication encoding (PAE) of the
//! payload, in each algorithm's usual encoding: Ed25519's 64 bytes, ECDSA
//! in ASN.1 DER (RSA, which clerk does not sign with, as PKCS#1 v1.5 with
//! SHA-512).

use std::path::Path;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use signature::Signer as _;
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, EcdsaCurve, HashAlg, PublicKey, Signature};

use super::{Check, Signer, Status, Trusted};
use crate::files;
use crate::output::write_atomic;

/// The payload type of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The suffix of the envelope beside a brief: `<id>.intoto.jsonl`.
pub const ENVELOPE_SUFFIX: &str = "intoto.jsonl";

/// Largest envelope file read.
const MAX_ENVELOPE: u64 = 64 * 1024 * 1024;

/// A DSSE envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub payload_type: String,
    /// The statement, base64 (standard alphabet, padded).
    pub payload: String,
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    pub keyid: String,
    /// The signature over the PAE, base64.
    pub sig: String,
}

/// DSSE's pre-authentication encoding: `DSSEv1 <len> <type> <len> <body>`,
/// lengths in ASCII decimal bytes, so that neither the type nor the body
/// can be confused with the other.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut encoded = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    encoded.extend_from_slice(payload);
    encoded
}

/// The subjects of an in-toto statement: each file name and its SHA-256.
pub fn subjects(statement: &[u8]) -> anyhow::Result<Vec<(String, String)>> {
    let value: serde_json::Value =
        serde_json::from_slice(statement).context("the statement is not JSON")?;
    let subjects = value["subject"]
        .as_array()
        .context("the statement has no `subject` list")?;
    subjects
        .iter()
        .map(|s| {
            let name = s["name"].as_str().context("a subject has no name")?;
            let digest = s["digest"]["sha256"]
                .as_str()
                .with_context(|| format!("subject `{name}` has no sha256 digest"))?;
            Ok((name.to_string(), digest.to_string()))
        })
        .collect()
}

impl Signer {
    /// This key's DSSE signature of `statement`.
    fn sign_envelope(&self, statement: &[u8]) -> anyhow::Result<EnvelopeSignature> {
        let signature: Signature = self
            .key
            .try_sign(&pae(PAYLOAD_TYPE, statement))
            .map_err(|e| anyhow::anyhow!("cannot sign the statement ({e})"))?;
        Ok(EnvelopeSignature {
            keyid: self.fingerprint.clone(),
            sig: STANDARD.encode(encode_signature(&signature)?),
        })
    }
}

/// Writes the envelope of `statement` signed by `signer` at `path`. An
/// envelope already there for the same statement keeps the other keys'
/// signatures (this key's is replaced); one for another statement is
/// replaced whole, its signatures being about other bytes.
pub fn write_envelope(path: &Path, statement: &[u8], signer: &Signer) -> anyhow::Result<()> {
    let payload = STANDARD.encode(statement);
    let mut envelope = files::read_limited(path, MAX_ENVELOPE)
        .ok()
        .and_then(|bytes| {
            let text = String::from_utf8(bytes).ok()?;
            let line = text.lines().find(|l| !l.trim().is_empty())?;
            serde_json::from_str::<Envelope>(line).ok()
        })
        .filter(|e| e.payload_type == PAYLOAD_TYPE && e.payload == payload)
        .unwrap_or(Envelope {
            payload_type: PAYLOAD_TYPE.to_string(),
            payload,
            signatures: Vec::new(),
        });
    envelope
        .signatures
        .retain(|s| s.keyid != signer.fingerprint);
    envelope.signatures.push(signer.sign_envelope(statement)?);
    let mut line = serde_json::to_vec(&envelope)?;
    line.push(b'\n');
    write_atomic(path, &line)
}

/// A signature in the encoding DSSE verifiers expect for its algorithm.
fn encode_signature(signature: &Signature) -> anyhow::Result<Vec<u8>> {
    let bytes = match signature.algorithm() {
        Algorithm::Ecdsa {
            curve: EcdsaCurve::NistP256,
        } => p256::ecdsa::Signature::try_from(signature)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .to_der()
            .as_bytes()
            .to_vec(),
        Algorithm::Ecdsa {
            curve: EcdsaCurve::NistP384,
        } => p384::ecdsa::Signature::try_from(signature)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .to_der()
            .as_bytes()
            .to_vec(),
        _ => signature.as_bytes().to_vec(),
    };
    Ok(bytes)
}

/// The SSH signature of `key`'s algorithm encoded in `bytes`, if they are
/// one.
fn decode_signature(key: &KeyData, bytes: &[u8]) -> Option<Signature> {
    match key.algorithm() {
        Algorithm::Ecdsa {
            curve: EcdsaCurve::NistP256,
        } => Signature::try_from(p256::ecdsa::Signature::from_der(bytes).ok()?).ok(),
        Algorithm::Ecdsa {
            curve: EcdsaCurve::NistP384,
        } => Signature::try_from(p384::ecdsa::Signature::from_der(bytes).ok()?).ok(),
        Algorithm::Rsa { .. } => Signature::new(
            Algorithm::Rsa {
                hash: Some(HashAlg::Sha512),
            },
            bytes,
        )
        .ok(),
        algorithm => Signature::new(algorithm, bytes).ok(),
    }
}

/// Checks the envelope at `path` beside the brief whose file is `file`
/// (bytes `bytes`): each signature over the statement, judged against
/// `trusted`, and whether the statement names these bytes.
pub fn check_envelope(path: &Path, file: &Path, bytes: &[u8], trusted: &Trusted<'_>) -> Vec<Check> {
    let bad =
        |detail: String| vec![Check::new(file, Some(path), Status::BadSignature).detail(detail)];
    let text = match files::read_limited(path, MAX_ENVELOPE) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => return bad(format!("cannot read it ({})", files::cause(&e))),
    };
    let mut checks = Vec::new();
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = |what: String| format!("envelope on line {}: {what}", number + 1);
        let envelope: Envelope = match serde_json::from_str(line) {
            Ok(envelope) => envelope,
            Err(e) => {
                checks.extend(bad(at(format!("not a DSSE envelope ({e})"))));
                continue;
            }
        };
        if envelope.payload_type != PAYLOAD_TYPE {
            checks.extend(bad(at(format!(
                "payload type `{}`, not `{PAYLOAD_TYPE}`",
                envelope.payload_type
            ))));
            continue;
        }
        let Ok(statement) = STANDARD.decode(&envelope.payload) else {
            checks.extend(bad(at("its payload is not base64".to_string())));
            continue;
        };
        let names_file = names_digest(&statement, &files::sha256_hex(bytes));
        if envelope.signatures.is_empty() {
            checks.extend(bad(at("it holds no signature".to_string())));
        }
        for signature in &envelope.signatures {
            let check = check_one(&statement, signature, (file, path), trusted);
            let check = match (&check.status, names_file) {
                // A good signature over a statement about other bytes does
                // not vouch for this file.
                (Status::Signed | Status::UnknownSigner | Status::Expired, false) => Check {
                    status: Status::BadSignature,
                    ..check
                }
                .detail(format!(
                    "the statement it signs does not name the bytes of `{}` (sha256 {}): it is about another build",
                    file.display(),
                    files::sha256_hex(bytes)
                )),
                _ => check,
            };
            checks.push(check);
        }
    }
    if checks.is_empty() {
        return bad("it holds no envelope".to_string());
    }
    checks
}

/// Whether an in-toto statement has a subject with SHA-256 `digest`.
fn names_digest(statement: &[u8], digest: &str) -> bool {
    subjects(statement).is_ok_and(|subjects| subjects.iter().any(|(_, d)| d == digest))
}

/// One signature of an envelope: found by its key id among the allowed
/// signers' keys (an envelope does not carry the key), then verified.
fn check_one(
    statement: &[u8],
    signature: &EnvelopeSignature,
    (file, path): (&Path, &Path),
    trusted: &Trusted<'_>,
) -> Check {
    let mut check = Check::new(file, Some(path), Status::UnknownSigner);
    check.fingerprint = Some(signature.keyid.clone());
    let keys = trusted
        .allowed
        .map(|a| a.keys_with_fingerprint(&signature.keyid))
        .unwrap_or_default();
    if keys.is_empty() {
        return check.detail(match trusted.allowed {
            Some(allowed) => format!(
                "the statement is signed by key `{}`, which `{}` does not list, so the signature cannot be checked",
                signature.keyid, allowed.origin
            ),
            None => format!(
                "the statement is signed by key `{}`; without an allowed signers file the signature cannot be checked",
                signature.keyid
            ),
        });
    }
    let Ok(raw) = STANDARD.decode(&signature.sig) else {
        check.status = Status::BadSignature;
        return check.detail("the statement's signature is not base64");
    };
    let message = pae(PAYLOAD_TYPE, statement);
    let good = keys.iter().find(|key| {
        decode_signature(key, &raw).is_some_and(|sig| {
            let public = PublicKey::new((**key).clone(), "");
            // The trait's `verify`, not the inherent SSHSIG one.
            signature::Verifier::verify(&public, &message, &sig).is_ok()
        })
    });
    match good {
        Some(key) => trusted.judge(check.detail("the provenance statement"), key),
        None => {
            check.status = Status::BadSignature;
            check.detail(
                "the signature does not match the statement: the envelope was altered or damaged",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_is_as_the_dsse_specification_gives_it() {
        // The example of the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    }

    #[test]
    fn subjects_are_read_or_refused() {
        let statement = br#"{"subject":[{"name":"a.pdf","digest":{"sha256":"00ff"}}]}"#;
        assert_eq!(
            subjects(statement).unwrap(),
            vec![("a.pdf".to_string(), "00ff".to_string())]
        );
        assert!(subjects(b"{}").is_err());
        assert!(subjects(br#"{"subject":[{"name":"a.pdf"}]}"#).is_err());
        assert!(names_digest(statement, "00ff"));
        assert!(!names_digest(statement, "00fe"));
    }
}

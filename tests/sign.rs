//! Signed briefs (issue 25), against the real tools: keys made by
//! `ssh-keygen`, clerk's signatures checked by `ssh-keygen -Y verify` (and
//! the signed provenance by `openssl`), `ssh-keygen -Y sign`'s signatures
//! checked by `clerk verify`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::Project;

/// A key pair made by `ssh-keygen -t <kind>` in `dir` (no passphrase
/// unless one is given): the private key's path and the public key line.
fn keygen(dir: &Path, name: &str, kind: &str, passphrase: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    // `ecdsa-384` is `-t ecdsa -b 384`.
    let (kind, bits) = kind.split_once('-').unwrap_or((kind, "2048"));
    let mut args = vec!["-q", "-t", kind, "-N", passphrase, "-C", name, "-f"];
    if kind != "ed25519" {
        args.splice(0..0, ["-b", bits]);
    }
    let status = Command::new("ssh-keygen")
        .args(&args)
        .arg(&path)
        .status()
        .expect("ssh-keygen is installed");
    assert!(status.success());
    let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    (path, public.trim().to_string())
}

/// `ssh-keygen -lf KEY.pub`'s `SHA256:…` fingerprint.
fn fingerprint(key: &Path) -> String {
    let output = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(key.with_extension("pub"))
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    text.split_whitespace().nth(1).unwrap().to_string()
}

/// `ssh-keygen -Y verify` of `file` with `signature`: whether it accepts.
fn ssh_keygen_verifies(allowed: &Path, identity: &str, file: &Path, signature: &Path) -> bool {
    let output = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(allowed)
        .args(["-I", identity, "-n", "clerk-brief", "-s"])
        .arg(signature)
        .stdin(std::fs::File::open(file).unwrap())
        .output()
        .unwrap();
    output.status.success()
}

/// `ssh-keygen -Y sign -n <namespace>` of `file`: writes `file.sig`.
fn ssh_keygen_signs(key: &Path, namespace: &str, file: &Path) {
    let output = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-f"])
        .arg(key)
        .args(["-n", namespace])
        .arg(file)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A project with the key `analyst` (Ed25519) and an allowed signers file
/// listing it for `analyst@unit` with `options`.
fn project_with_key(options: &str) -> (Project, tempfile::TempDir, PathBuf) {
    let project = Project::fixture("basic");
    let keys = tempfile::tempdir().unwrap();
    let (key, public) = keygen(keys.path(), "analyst", "ed25519", "");
    project.write(
        ".clerk/allowed_signers",
        format!("# the unit's signers\nanalyst@unit {options} {public}\n"),
    );
    (project, keys, key)
}

/// Runs clerk in the project's folder, so that paths are relative to it
/// (as a user types them, and as reports print them).
fn run(project: &Project, args: &[&str]) -> (i32, String, String) {
    let output = project
        .clerk(args)
        .current_dir(project.root())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn run_ok(project: &Project, args: &[&str]) -> String {
    let (status, stdout, stderr) = run(project, args);
    assert_eq!(status, 0, "{args:?}\n{stdout}{stderr}");
    format!("{stdout}{stderr}")
}

fn flip(path: &Path, at: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[at] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_signed_build_verifies_with_ssh_keygen_and_with_clerk() {
    let (project, _keys, key) = project_with_key("");
    let out = run_ok(
        &project,
        &[
            "build",
            "--emit",
            "json,html",
            "--sign",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        out.contains("signed 4 files with ED25519 key SHA256:"),
        "{out}"
    );
    let allowed = project.path(".clerk/allowed_signers");
    for file in ["harbour.pdf", "harbour.json", "harbour.html"] {
        let file = project.path(&format!("output/{file}"));
        let signature = PathBuf::from(format!("{}.sig", file.display()));
        assert!(
            ssh_keygen_verifies(&allowed, "analyst@unit", &file, &signature),
            "ssh-keygen refuses {}",
            signature.display()
        );
        // Another principal is not the signer, for ssh-keygen as for clerk.
        assert!(!ssh_keygen_verifies(
            &allowed,
            "head@unit",
            &file,
            &signature
        ));
    }
    let out = run_ok(
        &project,
        &["verify", "--require-signature", "output/harbour.pdf"],
    );
    let signed = format!("SIGNED by analyst@unit ({})", fingerprint(&key));
    for file in [
        "harbour.pdf.sig",
        "harbour.json.sig",
        "harbour.html.sig",
        "harbour.intoto.jsonl",
    ] {
        assert!(
            out.contains(&format!("output/{file}: {signed}")),
            "{file} not signed in:\n{out}"
        );
    }
    assert!(
        out.contains("verified: output/harbour.pdf matches its project exactly"),
        "{out}"
    );
    assert!(out.contains("SIGNED: 4 good signatures"), "{out}");
}

#[test]
fn signing_changes_no_byte_of_the_brief() {
    let (project, _keys, key) = project_with_key("");
    run_ok(
        &project,
        &["build", "--emit", "json,html", "--out", "plain"],
    );
    run_ok(
        &project,
        &[
            "build",
            "--emit",
            "json,html",
            "--out",
            "signed",
            "--sign",
            key.to_str().unwrap(),
        ],
    );
    for file in [
        "harbour.pdf",
        "harbour.html",
        "harbour.json",
        "harbour.provenance.json",
    ] {
        assert_eq!(
            std::fs::read(project.path(&format!("plain/{file}"))).unwrap(),
            std::fs::read(project.path(&format!("signed/{file}"))).unwrap(),
            "{file} differs when signed"
        );
    }
    // A fresh brief is signed too, without being rebuilt.
    let out = run_ok(
        &project,
        &[
            "build",
            "--emit",
            "json,html",
            "--out",
            "plain",
            "--sign",
            key.to_str().unwrap(),
        ],
    );
    assert!(out.contains("built 0, fresh 1"), "{out}");
    assert!(project.path("plain/harbour.pdf.sig").is_file());
    assert!(project.path("plain/harbour.intoto.jsonl").is_file());
}

#[test]
fn the_signed_provenance_is_a_dsse_envelope_openssl_verifies() {
    let (project, keys, key) = project_with_key("");
    run_ok(&project, &["build", "--sign", key.to_str().unwrap()]);
    let text = project.read("output/harbour.intoto.jsonl");
    assert_eq!(text.lines().count(), 1, "{text}");
    let envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
    let payload = STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        payload,
        std::fs::read(project.path("output/harbour.provenance.json")).unwrap()
    );
    let signature = &envelope["signatures"][0];
    assert_eq!(signature["keyid"], fingerprint(&key).as_str());
    // openssl checks the Ed25519 signature over DSSE's PAE, with the key
    // taken from the public key line as a SubjectPublicKeyInfo.
    let mut pae = format!("DSSEv1 28 application/vnd.in-toto+json {} ", payload.len()).into_bytes();
    pae.extend_from_slice(&payload);
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let blob = STANDARD
        .decode(public.split_whitespace().nth(1).unwrap())
        .unwrap();
    let mut spki = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    spki.extend_from_slice(&blob[blob.len() - 32..]);
    let dir = keys.path();
    std::fs::write(dir.join("pae"), &pae).unwrap();
    std::fs::write(dir.join("spki.der"), &spki).unwrap();
    let sig = STANDARD.decode(signature["sig"].as_str().unwrap()).unwrap();
    std::fs::write(dir.join("sig"), &sig).unwrap();
    let openssl = |pae: &str| {
        Command::new("openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-rawin"])
            .arg("-inkey")
            .arg(dir.join("spki.der"))
            .arg("-in")
            .arg(dir.join(pae))
            .arg("-sigfile")
            .arg(dir.join("sig"))
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(openssl("pae"), "openssl refuses the envelope's signature");
    pae[10] ^= 1;
    std::fs::write(dir.join("pae2"), &pae).unwrap();
    assert!(!openssl("pae2"));
}

#[test]
fn ssh_keygen_signatures_are_checked_by_clerk_and_several_stand_beside_a_file() {
    let (project, keys, analyst) = project_with_key("");
    let (head, head_public) = keygen(keys.path(), "head", "ed25519", "");
    let allowed = project.read(".clerk/allowed_signers");
    project.write(
        ".clerk/allowed_signers",
        format!(
            "{allowed}*@head.unit,!intern@head.unit namespaces=\"git,clerk-*\" {head_public}\n"
        ),
    );
    run_ok(&project, &["build"]);
    let pdf = project.path("output/harbour.pdf");
    ssh_keygen_signs(&analyst, "clerk-brief", &pdf);
    let out = run_ok(
        &project,
        &[
            "sign",
            pdf.to_str().unwrap(),
            "--key",
            head.to_str().unwrap(),
        ],
    );
    let second = project.path("output/harbour.pdf.2.sig");
    assert!(out.contains(&second.display().to_string()), "{out}");
    // Signing again with the same key replaces its signature.
    run_ok(
        &project,
        &[
            "sign",
            pdf.to_str().unwrap(),
            "--key",
            head.to_str().unwrap(),
        ],
    );
    assert!(!project.path("output/harbour.pdf.3.sig").exists());
    let allowed = project.path(".clerk/allowed_signers");
    assert!(ssh_keygen_verifies(
        &allowed,
        "boss@head.unit",
        &pdf,
        &second
    ));
    let out = run_ok(
        &project,
        &["verify", "--require-signature", "output/harbour.pdf"],
    );
    assert!(
        out.contains(&format!(
            "output/harbour.pdf.sig: SIGNED by analyst@unit ({})",
            fingerprint(&analyst)
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "output/harbour.pdf.2.sig: SIGNED by *@head.unit,!intern@head.unit ({})",
            fingerprint(&head)
        )),
        "{out}"
    );
    // Only the head's signature counts for `--signed-by`.
    let (status, stdout, _) = run(
        &project,
        &[
            "verify",
            "--signed-by",
            "boss@head.unit",
            "output/harbour.pdf",
        ],
    );
    assert_eq!(status, 0, "{stdout}");
    assert!(
        stdout.contains("output/harbour.pdf.sig: UNKNOWN SIGNER"),
        "{stdout}"
    );
    assert!(
        stdout.contains("output/harbour.pdf.2.sig: SIGNED by"),
        "{stdout}"
    );
    let (status, stdout, _) = run(
        &project,
        &[
            "verify",
            "--require-signature",
            "--signed-by",
            "intern@head.unit",
            "output/harbour.pdf",
        ],
    );
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("SIGNATURE REQUIRED: 0 good signatures"),
        "{stdout}"
    );
}

#[test]
fn a_flipped_byte_in_the_brief_the_signature_or_the_envelope_is_detected() {
    let (project, _keys, key) = project_with_key("");
    run_ok(&project, &["build", "--sign", key.to_str().unwrap()]);
    let verify = |required: bool| {
        let mut args = vec!["verify", "output/harbour.pdf"];
        if required {
            args.insert(1, "--require-signature");
        }
        let (status, stdout, stderr) = run(&project, &args);
        (status, format!("{stdout}{stderr}"))
    };
    // The signature: the brief still verifies, and is said to.
    let signature = project.path("output/harbour.pdf.sig");
    let pristine = std::fs::read(&signature).unwrap();
    let len = pristine.len();
    flip(&signature, len - 40);
    let (status, out) = verify(false);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("output/harbour.pdf.sig: BAD SIGNATURE"),
        "{out}"
    );
    assert!(
        out.contains("verified: output/harbour.pdf matches its project exactly"),
        "{out}"
    );
    assert!(out.contains("the signature, not the brief, fails"), "{out}");
    let (status, out) = verify(true);
    assert_eq!(status, 1, "{out}");
    std::fs::write(&signature, &pristine).unwrap();
    assert_eq!(verify(true).0, 0);
    // The envelope's payload.
    let envelope = project.path("output/harbour.intoto.jsonl");
    let pristine = std::fs::read(&envelope).unwrap();
    let at = String::from_utf8_lossy(&pristine)
        .find("\"payload\":\"")
        .unwrap()
        + 30;
    flip(&envelope, at);
    let (status, out) = verify(true);
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("output/harbour.intoto.jsonl: BAD SIGNATURE"),
        "{out}"
    );
    std::fs::write(&envelope, &pristine).unwrap();
    // The brief: both its bytes and its signatures fail.
    let pdf = project.path("output/harbour.pdf");
    let len = std::fs::metadata(&pdf).unwrap().len() as usize;
    flip(&pdf, len / 2);
    let (status, out) = verify(false);
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("output/harbour.pdf.sig: BAD SIGNATURE"),
        "{out}"
    );
    assert!(out.contains("it does not match the bytes of"), "{out}");
    assert!(
        out.contains("output/harbour.intoto.jsonl: BAD SIGNATURE"),
        "{out}"
    );
    assert!(out.contains("NOT VERIFIED"), "{out}");
}

#[test]
fn expired_keys_other_namespaces_and_unknown_signers_are_reported() {
    let cases: [(&str, &str); 3] = [
        ("valid-before=\"20200101\"", "EXPIRED"),
        ("valid-after=\"29991231Z\"", "EXPIRED"),
        ("namespaces=\"git\"", "UNKNOWN SIGNER"),
    ];
    for (options, label) in cases {
        let (project, _keys, key) = project_with_key(options);
        run_ok(&project, &["build", "--sign", key.to_str().unwrap()]);
        let (status, stdout, _) = run(&project, &["verify", "output/harbour.pdf"]);
        assert_eq!(status, 0, "{options}: {stdout}");
        assert!(
            stdout.contains(&format!("output/harbour.pdf.sig: {label}")),
            "{options}: {stdout}"
        );
        assert!(
            stdout.contains(&format!("output/harbour.intoto.jsonl: {label}")),
            "{options}: {stdout}"
        );
        let (status, stdout, _) = run(
            &project,
            &["verify", "--require-signature", "output/harbour.pdf"],
        );
        assert_eq!(status, 1, "{options}: {stdout}");
    }
    // A key the unit does not list; a signature made for another namespace.
    let (project, keys, _) = project_with_key("");
    let (stranger, _) = keygen(keys.path(), "stranger", "ed25519", "");
    run_ok(&project, &["build", "--sign", stranger.to_str().unwrap()]);
    let (_, stdout, _) = run(&project, &["verify", "output/harbour.pdf"]);
    assert!(
        stdout.contains("output/harbour.pdf.sig: UNKNOWN SIGNER"),
        "{stdout}"
    );
    assert!(stdout.contains("does not list"), "{stdout}");
    assert!(
        stdout.contains("output/harbour.intoto.jsonl: UNKNOWN SIGNER"),
        "{stdout}"
    );
    let pdf = project.path("output/harbour.pdf");
    std::fs::remove_file(project.path("output/harbour.pdf.sig")).unwrap();
    let (analyst, _) = (keys.path().join("analyst"), ());
    ssh_keygen_signs(&analyst, "file", &pdf);
    let (_, stdout, _) = run(&project, &["verify", "output/harbour.pdf"]);
    assert!(
        stdout.contains("output/harbour.pdf.sig: BAD SIGNATURE")
            && stdout.contains("made for namespace `file`, not `clerk-brief`"),
        "{stdout}"
    );
}

#[test]
fn ecdsa_keys_sign_too_and_rsa_signatures_are_checked() {
    for kind in ["ecdsa-256", "ecdsa-384"] {
        let project = Project::fixture("basic");
        let keys = tempfile::tempdir().unwrap();
        let (key, public) = keygen(keys.path(), kind, kind, "");
        project.write(".clerk/allowed_signers", format!("analyst@unit {public}\n"));
        run_ok(&project, &["build", "--sign", key.to_str().unwrap()]);
        let pdf = project.path("output/harbour.pdf");
        assert!(ssh_keygen_verifies(
            &project.path(".clerk/allowed_signers"),
            "analyst@unit",
            &pdf,
            &project.path("output/harbour.pdf.sig"),
        ));
        let out = run_ok(
            &project,
            &["verify", "--require-signature", "output/harbour.pdf"],
        );
        assert!(
            out.contains("output/harbour.intoto.jsonl: SIGNED by analyst@unit"),
            "{kind}: {out}"
        );
    }
    // clerk does not sign with RSA keys, but checks what ssh-keygen signs
    // with them.
    let project = Project::fixture("basic");
    let keys = tempfile::tempdir().unwrap();
    let (key, public) = keygen(keys.path(), "rsa", "rsa", "");
    project.write(".clerk/allowed_signers", format!("head@unit {public}\n"));
    let (status, _, stderr) = run(&project, &["build", "--sign", key.to_str().unwrap()]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("which clerk cannot sign with"), "{stderr}");
    run_ok(&project, &["build"]);
    ssh_keygen_signs(&key, "clerk-brief", &project.path("output/harbour.pdf"));
    let out = run_ok(
        &project,
        &["verify", "--require-signature", "output/harbour.pdf"],
    );
    assert!(
        out.contains("output/harbour.pdf.sig: SIGNED by head@unit"),
        "{out}"
    );
}

#[test]
fn keys_that_cannot_sign_are_a_clear_exit_2_and_never_printed() {
    let project = Project::fixture("basic");
    let keys = tempfile::tempdir().unwrap();
    let (locked, _) = keygen(keys.path(), "locked", "ed25519", "correct horse");
    let locked_text = std::fs::read_to_string(&locked).unwrap();
    let not_a_key = keys.path().join("notes.txt");
    std::fs::write(&not_a_key, "just some notes\n").unwrap();
    let missing = keys.path().join("missing");
    let public = locked.with_extension("pub");
    let cases: [(&Path, &str); 4] = [
        (&locked, "is protected by a passphrase"),
        (&not_a_key, "is not an OpenSSH private key"),
        (&missing, "cannot read the signing key"),
        (&public, "is a public key"),
    ];
    for (key, expected) in cases {
        let (status, stdout, stderr) = run(&project, &["build", "--sign", key.to_str().unwrap()]);
        assert_eq!(status, 2, "{expected}: {stdout}{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(stderr.contains("help:"), "{stderr}");
        assert!(
            !project.path("output/harbour.pdf").exists(),
            "built with a bad key"
        );
        let (status, _, stderr) = run(
            &project,
            &[
                "sign",
                "dossiers/harbour.toml",
                "--key",
                key.to_str().unwrap(),
            ],
        );
        assert_eq!(status, 2, "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    // The passphrase in a file unlocks it; a wrong one does not.
    let passphrase = keys.path().join("passphrase");
    std::fs::write(&passphrase, "wrong\n").unwrap();
    let args = [
        "build",
        "--sign",
        locked.to_str().unwrap(),
        "--sign-passphrase-file",
        passphrase.to_str().unwrap(),
    ];
    let (status, _, stderr) = run(&project, &args);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("cannot decrypt the signing key"),
        "{stderr}"
    );
    std::fs::write(&passphrase, "correct horse\n").unwrap();
    run_ok(&project, &args);
    assert!(project.path("output/harbour.pdf.sig").is_file());
    // The key itself in the environment; an invalid one is never echoed.
    let output = project
        .clerk(&["sign", "output/harbour.pdf"])
        .current_dir(project.root())
        .env("CLERK_SIGNING_KEY", &locked_text)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("in `CLERK_SIGNING_KEY` is protected"),
        "{stderr}"
    );
    let (key, _) = keygen(keys.path(), "plain", "ed25519", "");
    let key_text = std::fs::read_to_string(&key).unwrap();
    let output = project
        .clerk(&["sign", "output/harbour.pdf"])
        .current_dir(project.root())
        .env("CLERK_SIGNING_KEY", &key_text)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let damaged = key_text.replace("b3BlbnNzaC1rZXktdjE", "b3BlbnNzaC1rZXktdjF");
    let output = project
        .clerk(&["sign", "output/harbour.pdf"])
        .current_dir(project.root())
        .env("CLERK_SIGNING_KEY", &damaged)
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(2), "{all}");
    let body = damaged.lines().nth(1).unwrap();
    assert!(!all.contains(body), "the key was printed: {all}");
}

#[test]
fn an_allowed_signers_file_clerk_cannot_use_is_refused() {
    let (project, _keys, key) = project_with_key("");
    run_ok(&project, &["build", "--sign", key.to_str().unwrap()]);
    let public = project.read(".clerk/allowed_signers");
    let public = public.lines().nth(1).unwrap().split_once(' ').unwrap().1;
    project.write(
        ".clerk/allowed_signers",
        format!("ca@unit cert-authority {public}\n"),
    );
    let (status, _, stderr) = run(&project, &["verify", "output/harbour.pdf"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("line 1: `cert-authority` is not supported"),
        "{stderr}"
    );
    std::fs::remove_file(project.path(".clerk/allowed_signers")).unwrap();
    // Without one, a good signature's signer is unknown, and requiring
    // signatures cannot be judged.
    let (status, stdout, _) = run(&project, &["verify", "output/harbour.pdf"]);
    assert_eq!(status, 0, "{stdout}");
    assert!(
        stdout.contains("output/harbour.pdf.sig: UNKNOWN SIGNER"),
        "{stdout}"
    );
    let (status, _, stderr) = run(
        &project,
        &["verify", "--require-signature", "output/harbour.pdf"],
    );
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("needs an allowed signers file"), "{stderr}");
}

#[test]
fn an_unsigned_brief_reports_as_before_unless_signatures_are_asked_for() {
    let (project, _keys, _) = project_with_key("");
    run_ok(&project, &["build"]);
    let (status, stdout, _) = run(&project, &["verify", "output/harbour.pdf"]);
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("output/harbour.pdf: UNSIGNED"), "{stdout}");
    let (status, stdout, _) = run(
        &project,
        &["verify", "--require-signature", "output/harbour.pdf"],
    );
    assert_eq!(status, 1, "{stdout}");
    assert!(stdout.contains("SIGNATURE REQUIRED"), "{stdout}");
    std::fs::remove_file(project.path(".clerk/allowed_signers")).unwrap();
    let (status, stdout, _) = run(&project, &["verify", "output/harbour.pdf"]);
    assert_eq!(status, 0, "{stdout}");
    assert!(!stdout.contains("signature"), "{stdout}");
    let (_, stdout, _) = run(
        &project,
        &["--format", "json", "verify", "output/harbour.pdf"],
    );
    assert!(!stdout.contains("\"signatures\""), "{stdout}");
}

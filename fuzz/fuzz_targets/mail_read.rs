//! Arbitrary bytes, and arbitrary headers and bodies around MIME
//! boundaries -> `mail::eml`, its metadata and attachments.
//!
//! Properties: reading never panics; the text of a message starts with its
//! header block (the first paragraph) whenever it has a `From` line.
#![no_main]

use arbitrary::Arbitrary;
use clerk::mail::{attachments, eml, metadata};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    raw: bool,
    headers: Vec<(String, String)>,
    parts: Vec<(String, String)>,
    bytes: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let bytes = if input.raw {
        input.bytes.clone()
    } else {
        let mut message = String::from("From: a@example.org\r\n");
        for (name, value) in &input.headers {
            message.push_str(&format!("{name}: {value}\r\n"));
        }
        message.push_str("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (header, body) in &input.parts {
            message.push_str(&format!("--b\r\n{header}\r\n\r\n{body}\r\n"));
        }
        message.push_str("--b--\r\n");
        message.into_bytes()
    };
    if let Ok(extracted) = eml(&bytes) {
        if !input.raw {
            assert!(extracted.text.starts_with("From: "), "{input:?}");
        }
    }
    let _ = metadata(&bytes);
    let _ = attachments(&bytes);
});

//! File primitives every stage uses: bounded reads, SHA-256, UTF-8
//! decoding, confinement of paths to a folder, and paths and sizes as
//! people read them.
//!
//! This module imports nothing from the rest of clerk.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

/// Deepest folder nesting clerk walks (under `sources/` or `templates/`).
pub const MAX_DEPTH: usize = 64;

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    hex
}

/// Digests of files remembered between runs, keyed by path and metadata
/// (the build's digest cache implements it); a reader that hashes a
/// file teaches it here.
pub trait DigestMemo: Sync {
    /// The remembered digest of the file at `path`, if its metadata is
    /// unchanged since it was hashed.
    fn recall(&self, path: &Path, metadata: &fs::Metadata) -> Option<String>;

    /// Remembers that the file at `path`, with `metadata` as read before
    /// hashing, has digest `sha256`.
    fn learn(&self, path: &Path, metadata: &fs::Metadata, sha256: &str);
}

/// Reads and hashes the file at `path` (at most `limit` bytes), teaching
/// its digest to `memo` when what was read is as long as `metadata`, taken
/// before reading, says.
pub fn read_hashed(
    path: &Path,
    metadata: &fs::Metadata,
    limit: u64,
    memo: Option<&dyn DigestMemo>,
) -> std::io::Result<(Vec<u8>, String)> {
    let bytes = read_limited(path, limit)?;
    let sha256 = sha256_hex(&bytes);
    if let Some(memo) = memo
        && bytes.len() as u64 == metadata.len()
    {
        memo.learn(path, metadata, &sha256);
    }
    Ok((bytes, sha256))
}

/// Reads a whole regular file, refusing more than `limit` bytes. The file
/// is opened without blocking and checked through the open handle, so a
/// pipe or device swapped in after an earlier check cannot hang the read;
/// a file that changes while it is read is refused, so the bytes hashed are
/// the bytes of one moment.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let before = file.metadata()?;
    if !before.is_file() {
        return Err(std::io::Error::other(
            "not a regular file: a folder, pipe, socket or device",
        ));
    }
    if before.len() > limit {
        return Err(std::io::Error::other(format!(
            "{}, above the limit of {}",
            human_size(before.len()),
            human_size(limit)
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(before.len()).unwrap_or(0));
    (&file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "it grew above the limit of {} while being read",
            human_size(limit)
        )));
    }
    let after = file.metadata()?;
    if after.len() != bytes.len() as u64 || after.modified().ok() != before.modified().ok() {
        return Err(std::io::Error::other(
            "it changed while clerk was reading it; run clerk again once it is complete",
        ));
    }
    Ok(bytes)
}

/// Decodes UTF-8, dropping a leading BOM; on failure, the offending offset.
pub fn decode_utf8(bytes: Vec<u8>) -> Result<String, usize> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(error) => Err(error.utf8_error().valid_up_to()),
    }
}

/// Why a path is not inside the folder it must stay in.
#[derive(Debug)]
pub enum Escape {
    /// It does not resolve (missing, a dangling link, no permission).
    Unresolved(std::io::Error),
    /// It resolves outside the folder (through `..` or a symbolic link), to
    /// this path.
    Outside(PathBuf),
}

/// Resolves `path` (following links) and accepts it only if it lies inside
/// `folder`, which must itself be canonical: the one guard that keeps
/// sources in `sources/`, templates' files in `templates/` and the files a
/// manifest names in the project.
pub fn confine(folder: &Path, path: &Path) -> Result<PathBuf, Escape> {
    let canonical = fs::canonicalize(path).map_err(Escape::Unresolved)?;
    if canonical.starts_with(folder) {
        Ok(canonical)
    } else {
        Err(Escape::Outside(canonical))
    }
}

/// Whether `path` is relative and made only of names (no `..`, no root, no
/// drive): a path that cannot leave the folder it is joined to lexically.
pub fn is_plain_relative(path: &Path) -> bool {
    path.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Joins and resolves `.` and `..` without touching the file system.
pub fn lexical_join(base: &Path, relative: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A path relative to `root`, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    with_slashes(relative)
}

/// A path with `/` separators whatever the platform.
pub fn with_slashes(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The cause of an I/O error in words, for a message's parentheses: `no
/// such file or folder`, not `No such file or directory (os error 2)`.
pub fn cause(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let words = match error.kind() {
        ErrorKind::NotFound => "no such file or folder",
        ErrorKind::PermissionDenied => "permission denied",
        ErrorKind::AlreadyExists => "it already exists",
        ErrorKind::IsADirectory => "it is a folder",
        ErrorKind::NotADirectory => "a part of the path is not a folder",
        ErrorKind::DirectoryNotEmpty => "the folder is not empty",
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only",
        ErrorKind::StorageFull => "the disk is full",
        ErrorKind::QuotaExceeded => "the disk quota is exceeded",
        ErrorKind::FileTooLarge => "the file is too large",
        ErrorKind::CrossesDevices => "it would cross file systems",
        ErrorKind::InvalidFilename => "the file name is not valid here",
        ErrorKind::Interrupted => "interrupted",
        ErrorKind::OutOfMemory => "out of memory",
        _ => {
            // Messages clerk writes itself (`not a regular file: …`) are
            // kept; the system's lose their `(os error N)` tail.
            let text = error.to_string();
            let text = match text.rfind(" (os error ") {
                Some(at) if text.ends_with(')') => text[..at].to_string(),
                _ => text,
            };
            let mut chars = text.chars();
            return match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "an unknown error".to_string(),
            };
        }
    };
    words.to_string()
}

/// An I/O error as an `anyhow` error whose message is its [`cause`], so
/// that context added on top reads `cannot write `x`: permission denied`.
pub fn io_error(error: std::io::Error) -> anyhow::Error {
    anyhow::anyhow!(cause(&error))
}

/// A byte count for people: `12 MiB`, `300 KiB`, `17 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            return if value.fract() == 0.0 {
                format!("{value:.0} {unit}")
            } else {
                format!("{value:.1} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_sha256sum() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn bom_is_dropped_and_bad_bytes_located() {
        assert_eq!(decode_utf8(b"\xef\xbb\xbfhi".to_vec()).unwrap(), "hi");
        assert_eq!(decode_utf8(b"ab\xffcd".to_vec()).unwrap_err(), 2);
    }

    #[test]
    fn io_causes_read_as_words() {
        let missing = std::fs::read("/nonexistent/clerk-test").unwrap_err();
        assert_eq!(cause(&missing), "no such file or folder");
        let own = std::io::Error::other("not a regular file: a folder, pipe, socket or device");
        assert_eq!(
            cause(&own),
            "not a regular file: a folder, pipe, socket or device"
        );
        let raw = std::io::Error::from_raw_os_error(libc::EIO);
        assert_eq!(cause(&raw), "input/output error");
    }

    #[test]
    fn sizes_print_for_people() {
        assert_eq!(human_size(256 << 20), "256 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(17), "17 bytes");
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let error = read_limited(&fifo, 1024).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn lexical_join_resolves_parents() {
        assert_eq!(
            lexical_join(Path::new("/p/sources/a"), Path::new("../../x")),
            PathBuf::from("/p/x")
        );
    }

    #[cfg(unix)]
    #[test]
    fn confine_refuses_a_link_out_and_accepts_a_file_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        let inside = root.join("inside");
        fs::create_dir(&inside).unwrap();
        fs::write(inside.join("a.txt"), "a").unwrap();
        fs::write(root.join("b.txt"), "b").unwrap();
        std::os::unix::fs::symlink(root.join("b.txt"), inside.join("link.txt")).unwrap();
        assert_eq!(
            confine(&inside, &inside.join("a.txt")).unwrap(),
            inside.join("a.txt")
        );
        assert!(matches!(
            confine(&inside, &inside.join("link.txt")),
            Err(Escape::Outside(target)) if target == root.join("b.txt")
        ));
        assert!(matches!(
            confine(&inside, &inside.join("nope.txt")),
            Err(Escape::Unresolved(_))
        ));
        assert!(is_plain_relative(Path::new("sources/a.txt")));
        assert!(!is_plain_relative(Path::new("../a.txt")));
        assert!(!is_plain_relative(Path::new("/etc/passwd")));
    }
}

//! Every write clerk makes: atomically, through a temporary file beside the
//! target that is renamed into place, so a reader never sees half a file
//! and a failed write leaves the old file as it was.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Prefix of clerk's temporary files, so stale ones can be recognised.
pub const TEMP_PREFIX: &str = ".clerk-tmp-";

/// Writes `bytes` to `path` atomically (same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    written_beside(path, bytes)?
        .persist(path)
        .map_err(|e| crate::files::io_error(e.error))
        .with_context(|| format!("cannot replace `{}`", path.display()))?;
    Ok(())
}

/// Writes `bytes` to a new file at `path` atomically, refusing to replace
/// a file that is already there (even one that appears meanwhile).
pub fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    written_beside(path, bytes)?
        .persist_noclobber(path)
        .map_err(|e| crate::files::io_error(e.error))
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    Ok(())
}

/// A temporary file holding `bytes`, synced, in the folder of `path`, with
/// the permissions `path` should have: ready to be renamed into place.
fn written_beside(path: &Path, bytes: &[u8]) -> anyhow::Result<tempfile::NamedTempFile> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(folder)
        .map_err(crate::files::io_error)
        .with_context(|| format!("cannot create a temporary file in `{}`", folder.display()))?;
    temp.write_all(bytes)
        .and_then(|()| set_permissions(temp.as_file(), path))
        .and_then(|()| temp.as_file().sync_all())
        .map_err(crate::files::io_error)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(temp)
}

/// The lock file that keeps two builds from writing one output folder at
/// once, held until the returned guard is dropped.
pub const LOCK: &str = ".clerk-lock";

/// The folder under an output folder where clerk keeps what it remembers
/// between builds (freshness stamps, file digests).
pub const STATE_DIR: &str = ".clerk";

/// An exclusive lock on an output folder.
#[derive(Debug)]
pub struct FolderLock {
    _file: std::fs::File,
}

/// Locks `folder` for writing, waiting for another clerk that holds it
/// (`waiting` is called once if so), then removes the temporary files a
/// killed build left behind: under the lock, none belongs to a live writer.
pub fn lock_folder(folder: &Path, waiting: impl FnOnce()) -> anyhow::Result<FolderLock> {
    let path = folder.join(LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(crate::files::io_error)
        .with_context(|| format!("cannot open the lock file `{}`", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting();
            file.lock()
                .map_err(crate::files::io_error)
                .with_context(|| format!("cannot lock `{}`", path.display()))?;
        }
        Err(std::fs::TryLockError::Error(error)) => {
            return Err(crate::files::io_error(error))
                .with_context(|| format!("cannot lock `{}`", path.display()));
        }
    }
    remove_stale_temporaries(folder);
    Ok(FolderLock { _file: file })
}

/// Removes clerk's temporary files directly under `folder` and its
/// [`STATE_DIR`].
fn remove_stale_temporaries(folder: &Path) {
    for dir in [folder.to_path_buf(), folder.join(STATE_DIR)] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let is_temporary = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
            // `file_type` does not follow links: a link named like a
            // temporary file is removed, never what it points to.
            if is_temporary && entry.file_type().is_ok_and(|t| !t.is_dir()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Temporary files are private (0600); a brief is an ordinary file, so it
/// keeps the old file's mode, or gets the usual 0644.
#[cfg(unix)]
fn set_permissions(file: &std::fs::File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode());
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_permissions(_: &std::fs::File, _: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.pdf");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_file_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.toml");
        write_new(&target, b"one").unwrap();
        let error = write_new(&target, b"two").unwrap_err();
        assert!(
            format!("{error:#}").starts_with("cannot create `"),
            "{error:#}"
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn locking_removes_stale_temporaries_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".clerk-tmp-abc"), b"half a pdf").unwrap();
        std::fs::write(dir.path().join("keep.pdf"), b"pdf").unwrap();
        let lock = lock_folder(dir.path(), || panic!("nobody else holds it")).unwrap();
        assert!(!dir.path().join(".clerk-tmp-abc").exists());
        assert!(dir.path().join("keep.pdf").exists());
        // A second lock on the same folder waits.
        let file = std::fs::File::open(dir.path().join(LOCK)).unwrap();
        assert!(matches!(
            file.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(lock);
        assert!(file.try_lock().is_ok());
    }
}

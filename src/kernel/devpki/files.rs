//! Files of the demo PKI: private keys are written owner-only (0600) through a temporary
//! name, so a half-written or world-readable key never exists; certificates are public.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

/// Reads a PEM (or any text) file, naming it in the error.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Writes a secret file: mode 0600, written to a temporary name first, then renamed.
pub fn write_private(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    write_atomically(path, contents.as_ref(), 0o600)
}

/// Writes a public file (a certificate, a CRL): mode 0644, atomically.
pub fn write_public(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    write_atomically(path, contents.as_ref(), 0o644)
}

fn write_atomically(path: &Path, contents: &[u8], mode: u32) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::new_v4().simple()));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = options.open(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        file.write_all(contents).with_context(|| format!("writing {}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn private_files_are_owner_only_and_public_ones_are_readable() {
        let dir = tempfile::tempdir().expect("dir");
        let key = dir.path().join("sub/key.pem");
        write_private(&key, "secret").expect("write");
        assert_eq!(std::fs::metadata(&key).expect("meta").permissions().mode() & 0o777, 0o600);
        let cert = dir.path().join("cert.pem");
        write_public(&cert, "public").expect("write");
        assert_eq!(read_text(&cert).expect("read"), "public");
        write_private(&key, "replaced").expect("overwrite");
        assert_eq!(read_text(&key).expect("read"), "replaced");
    }
}

//! Secrets at rest: the key file, the sealing of secrets stored in the database, and the
//! [`Secret`] type that keeps plaintext out of logs.
//!
//! Guarantees:
//! - The key file (`--secret-key-file`, default `data/secret.key`) holds exactly 32 random bytes
//!   and is only ever created with mode 0600; a key file of the wrong size, or one that group or
//!   others may access, is refused with a clear error instead of being used or replaced.
//! - [`SecretBox::seal`] uses XChaCha20-Poly1305 with a fresh random 24-byte nonce per seal (large
//!   enough that random nonces never collide in practice) and stores `v1:` + base64(nonce‖ciphertext).
//! - The associated data binds a ciphertext to its row and column (e.g. `webhooks.hub_secret:42`):
//!   opened anywhere else it fails, so stored secrets cannot be swapped between rows.
//! - [`Secret`] prints as `<redacted>` in `Debug` and `Display`, and is zeroed when dropped.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

/// Where the key lives when `--secret-key-file` is not given.
pub const DEFAULT_KEY_FILE: &str = "data/secret.key";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Version prefix of the stored text: a later scheme (another AEAD, key rotation) gets `v2:`.
const V1: &str = "v1:";

/// Why a key could not be loaded or a stored secret opened. Messages never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read the secret key file {}: {error}", path.display())]
    ReadKey { path: PathBuf, error: io::Error },
    #[error("cannot create the secret key file {}: {error}", path.display())]
    CreateKey { path: PathBuf, error: io::Error },
    #[error("the secret key file {} holds {len} bytes; it must hold exactly 32", path.display())]
    WrongLength { path: PathBuf, len: u64 },
    #[error(
        "the secret key file {} may be accessed by group or others (mode {mode:03o}); \
         make it private with `chmod 600 {}`", path.display(), path.display()
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("the stored secret is in an unknown format")]
    UnknownFormat,
    #[error("the stored secret is damaged (not base64, or too short)")]
    Malformed,
    #[error(
        "the stored secret cannot be decrypted: another key, altered data, or it belongs to \
         another record"
    )]
    Decrypt,
    #[error("the decrypted secret is not UTF-8 text")]
    NotUtf8,
}

/// The 32-byte key that encrypts stored secrets. Never printed; zeroed when dropped.
pub struct SecretKey(Zeroizing<[u8; KEY_LEN]>);

impl SecretKey {
    /// Loads the key at `path`, or creates it (and its folder) with 32 random bytes, mode 0600.
    pub fn load_or_create(path: &Path) -> Result<Self, SecretError> {
        match File::open(path) {
            Ok(file) => Self::read_existing(file, path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Self::create(path),
            Err(error) => Err(SecretError::ReadKey {
                path: path.to_owned(),
                error,
            }),
        }
    }

    /// A key from raw bytes (tests, or a key kept elsewhere).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = [0u8; KEY_LEN];
        bytes.copy_from_slice(&key);
        key.as_mut_slice().zeroize();
        Self::from_bytes(bytes)
    }

    fn read_existing(mut file: File, path: &Path) -> Result<Self, SecretError> {
        let read_err = |error| SecretError::ReadKey {
            path: path.to_owned(),
            error,
        };
        // fstat on the opened file: the checks judge the very file we read.
        let meta = file.metadata().map_err(read_err)?;
        let mode = meta.permissions().mode() & 0o777;
        // Why: a key others can read decrypts every stored secret; one others can write can be
        // replaced. Refuse rather than silently fix it, so the operator learns of the exposure.
        if mode & 0o077 != 0 {
            return Err(SecretError::TooOpen {
                path: path.to_owned(),
                mode,
            });
        }
        if meta.len() != KEY_LEN as u64 {
            return Err(SecretError::WrongLength {
                path: path.to_owned(),
                len: meta.len(),
            });
        }
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        file.read_exact(&mut bytes[..]).map_err(read_err)?;
        Ok(Self(bytes))
    }

    fn create(path: &Path) -> Result<Self, SecretError> {
        let create_err = |error| SecretError::CreateKey {
            path: path.to_owned(),
            error,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(create_err)?;
        }
        let key = Self::generate();
        // Why a temporary file, then a hard link: another instance starting at the same moment
        // must never see a half-written key. The key is written in full to a private file
        // (mode set on open, create_new refusing planted files or symlinks), then published
        // under its name in one atomic step that fails if a key is there already.
        let tmp = path.with_extension(format!("tmp-{}", &crate::auth::token::random_token()[..12]));
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp);
        let mut file = opened.map_err(create_err)?;
        let written = file.write_all(&key.0[..]).and_then(|()| file.sync_all());
        let published = written.and_then(|()| fs::hard_link(&tmp, path));
        let _ = fs::remove_file(&tmp);
        match published {
            Ok(()) => {}
            // Another process published its key first: use theirs.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Self::load_or_create(path)
            }
            Err(error) => return Err(create_err(error)),
        }
        tracing::info!(path = %path.display(), "created a new secret key file");
        Ok(key)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// The associated data of every sealed column, in one place: what a ciphertext is bound to.
/// (The security work binds each to its row as well.)
pub mod aad {
    pub const HUB_SECRET: &[u8] = b"webhooks.hub_secret";
    pub const ESME_PASSWORD: &[u8] = b"esme_binds.password";
    /// The sealed JSON object of a profile's write-only fields.
    pub const AUTHORIZATION_SECRETS: &[u8] = b"authorizations.secrets";
    pub const ACCESS_TOKEN: &[u8] = b"authorizations.access_token";
    pub const REFRESH_TOKEN: &[u8] = b"authorizations.refresh_token";
    pub const PKCE_VERIFIER: &[u8] = b"oauth_pending_flows.pkce_verifier";
}

/// Seals and opens stored secrets with the key. Share it (e.g. in an `Arc`) across the store.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl SecretBox {
    pub fn new(key: &SecretKey) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(Key::from_slice(&key.0[..])),
        }
    }

    /// The associated data for `column` (`"table.column"`) of row `id`, e.g.
    /// `aad("webhooks.hub_secret", 42)` → `b"webhooks.hub_secret:42"`.
    pub fn aad(column: &str, id: impl fmt::Display) -> Vec<u8> {
        format!("{column}:{id}").into_bytes()
    }

    /// Encrypts `plaintext` bound to `aad`; the result is text for a database column.
    pub fn seal(&self, plaintext: &str, aad: &[u8]) -> String {
        // Why random nonces: 192-bit XChaCha nonces make random choice safe without a counter
        // that would have to survive restarts and be shared between processes.
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad,
        };
        let ciphertext = self
            .cipher
            .encrypt(&nonce, payload)
            .expect("XChaCha20-Poly1305 fails only on plaintexts of hundreds of gigabytes");
        let mut raw = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&ciphertext);
        format!("{V1}{}", BASE64.encode(raw))
    }

    /// Decrypts a value made by [`Self::seal`] with the same `aad`.
    pub fn open(&self, stored: &str, aad: &[u8]) -> Result<Secret, SecretError> {
        let encoded = stored.strip_prefix(V1).ok_or(SecretError::UnknownFormat)?;
        let raw = BASE64.decode(encoded).map_err(|_| SecretError::Malformed)?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(SecretError::Malformed);
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad,
        };
        let plaintext = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SecretError::Decrypt)?;
        String::from_utf8(plaintext).map(Secret).map_err(|e| {
            e.into_bytes().zeroize();
            SecretError::NotUtf8
        })
    }
}

impl fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBox(<redacted>)")
    }
}

/// A secret in memory (hub secret, password, token…). Read it only with [`Secret::expose`], at
/// the point of use; it never shows in logs or error messages.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The plaintext. Name of the method on purpose: every use is easy to find.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> SecretBox {
        SecretBox::new(&SecretKey::generate())
    }

    #[test]
    fn a_sealed_secret_opens_with_the_same_aad() {
        let b = sealer();
        let stored = b.seal("hunter2 ünïcode", b"webhooks.hub_secret:42");
        assert!(stored.starts_with("v1:"));
        assert!(!stored.contains("hunter2"));
        let opened = b.open(&stored, b"webhooks.hub_secret:42").unwrap();
        assert_eq!(opened.expose(), "hunter2 ünïcode");
    }

    #[test]
    fn sealing_twice_gives_different_ciphertexts() {
        let b = sealer();
        assert_ne!(b.seal("same", b"a"), b.seal("same", b"a"));
    }

    #[test]
    fn a_secret_moved_to_another_row_does_not_open() {
        let b = sealer();
        let stored = b.seal("hunter2", &SecretBox::aad("webhooks.hub_secret", 42));
        let err = b
            .open(&stored, &SecretBox::aad("webhooks.hub_secret", 43))
            .unwrap_err();
        assert!(matches!(err, SecretError::Decrypt));
    }

    #[test]
    fn a_tampered_ciphertext_does_not_open() {
        let b = sealer();
        let stored = b.seal("hunter2", b"x:1");
        let mut raw = BASE64.decode(&stored[3..]).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("v1:{}", BASE64.encode(&raw));
        assert!(matches!(
            b.open(&tampered, b"x:1"),
            Err(SecretError::Decrypt)
        ));
        assert!(matches!(
            b.open("v1:AAAA", b"x:1"),
            Err(SecretError::Malformed)
        ));
        assert!(matches!(
            b.open("v1:%%%", b"x:1"),
            Err(SecretError::Malformed)
        ));
        assert!(matches!(
            b.open("hunter2", b"x:1"),
            Err(SecretError::UnknownFormat)
        ));
    }

    #[test]
    fn a_secret_opened_with_another_key_fails() {
        let stored = sealer().seal("hunter2", b"x:1");
        assert!(matches!(
            sealer().open(&stored, b"x:1"),
            Err(SecretError::Decrypt)
        ));
    }

    #[test]
    fn a_missing_key_file_is_created_private_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/data/secret.key");
        let first = SecretKey::load_or_create(&path).unwrap();
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(meta.len(), 32);
        let again = SecretKey::load_or_create(&path).unwrap();
        let stored = SecretBox::new(&first).seal("hunter2", b"x:1");
        assert_eq!(
            SecretBox::new(&again)
                .open(&stored, b"x:1")
                .unwrap()
                .expose(),
            "hunter2"
        );
    }

    #[test]
    fn a_key_file_of_the_wrong_size_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        for len in [0usize, 16, 31, 33, 64] {
            fs::write(&path, vec![7u8; len]).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            let err = SecretKey::load_or_create(&path).unwrap_err();
            assert!(
                matches!(err, SecretError::WrongLength { .. }),
                "{len}: {err}"
            );
            assert!(err.to_string().contains("exactly 32"), "{err}");
        }
    }

    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        fs::write(&path, [7u8; 32]).unwrap();
        for mode in [0o644, 0o640, 0o604, 0o620] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let err = SecretKey::load_or_create(&path).unwrap_err();
            assert!(
                matches!(err, SecretError::TooOpen { .. }),
                "{mode:o}: {err}"
            );
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        assert!(SecretKey::load_or_create(&path).is_ok());
    }

    #[test]
    fn debug_and_display_never_show_the_plaintext() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(<redacted>)");
        let key = SecretKey::from_bytes([0x41; 32]);
        assert!(!format!("{key:?}").contains("65"));
        assert!(!format!("{:?}", SecretBox::new(&key)).contains("65"));
    }
}

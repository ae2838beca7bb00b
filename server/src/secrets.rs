//! Secrets at rest: the key file, the sealing of secrets stored in the database, and the
//! [`Secret`] type that keeps plaintext out of logs.
//!
//! Guarantees:
//! - The key file (`--secret-key-file`, default `data/secret.key`) holds exactly 32 random bytes
//!   and is only ever created with mode 0600; a key file of the wrong size, or one that group or
//!   others may access, is refused with a clear error instead of being used or replaced.
//! - [`SecretBox::seal`] uses XChaCha20-Poly1305 with a fresh random 24-byte nonce per seal (large
//!   enough that random nonces never collide in practice) and stores `v2:` + base64(nonce‖ciphertext).
//! - The associated data binds a ciphertext to its row and column (e.g. `webhooks.hub_secret:42`):
//!   opened anywhere else it fails, so stored secrets cannot be copied or swapped between rows.
//! - Values of the first format (`v1:`, bound to their column only) are never opened by
//!   [`SecretBox::open`]: start-up re-seals them once, in place, bound to the row they are in
//!   ([`SecretBox::upgrade_v1`]; the migration `20261202000008` schedules that upgrade).
//! - [`Secret`] prints as `<redacted>` in `Debug` and `Display`, and is zeroed when dropped.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

/// Where the key lives when `--secret-key-file` is not given.
pub const DEFAULT_KEY_FILE: &str = "data/secret.key";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Version prefix of the first format: associated data = the column alone (legacy; only
/// [`SecretBox::upgrade_v1`] opens it).
const V1: &str = "v1:";
/// Version prefix of the current format: associated data = column and row. A later scheme
/// (another AEAD, key rotation) gets `v3:`.
const V2: &str = "v2:";

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
    #[error(
        "the stored secret is in the first format (bound to its column only); start the server \
         once with the right key file to upgrade it"
    )]
    Legacy,
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

/// A sealed column (`"table.column"`): with the id of the row, what a ciphertext is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Column(&'static str);

impl Column {
    /// `"table.column"`, e.g. `webhooks.hub_secret`.
    pub const fn name(self) -> &'static str {
        self.0
    }
}

/// Every sealed column, in one place.
pub mod aad {
    use super::Column;

    pub const HUB_SECRET: Column = Column("webhooks.hub_secret");
    pub const ESME_PASSWORD: Column = Column("esme_binds.password");
    /// The sealed JSON object of a profile's write-only fields.
    pub const AUTHORIZATION_SECRETS: Column = Column("authorizations.secrets");
    pub const ACCESS_TOKEN: Column = Column("authorizations.access_token");
    pub const REFRESH_TOKEN: Column = Column("authorizations.refresh_token");
    /// Rows of `oauth_pending_flows` are keyed by their `state`, not an integer id.
    pub const PKCE_VERIFIER: Column = Column("oauth_pending_flows.pkce_verifier");

    pub const ALL: [Column; 6] = [
        HUB_SECRET,
        ESME_PASSWORD,
        AUTHORIZATION_SECRETS,
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        PKCE_VERIFIER,
    ];
}

/// A secret on its way into a row that has no id yet (an insert): the store seals it, inside
/// the insert's transaction, with the id the row gets.
#[derive(Clone)]
pub struct Sealing {
    secrets: Arc<SecretBox>,
    column: Column,
    plaintext: Secret,
}

impl Sealing {
    pub fn new(secrets: Arc<SecretBox>, column: Column, plaintext: Secret) -> Self {
        Self {
            secrets,
            column,
            plaintext,
        }
    }

    /// The stored text for row `row`.
    pub fn for_row(&self, row: impl fmt::Display) -> String {
        self.secrets.seal(self.plaintext.expose(), self.column, row)
    }
}

impl fmt::Debug for Sealing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealing({}, <redacted>)", self.column.name())
    }
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

    /// The associated data of `column` in row `row`, e.g. `webhooks.hub_secret:42`.
    fn aad(column: Column, row: impl fmt::Display) -> Vec<u8> {
        format!("{}:{row}", column.name()).into_bytes()
    }

    /// Encrypts `plaintext` bound to `column` of row `row`; the result is text for that column.
    pub fn seal(&self, plaintext: &str, column: Column, row: impl fmt::Display) -> String {
        self.seal_raw(V2, plaintext, &Self::aad(column, row))
    }

    /// Decrypts a value made by [`Self::seal`] for the same column and row. A value of the
    /// first format is [`SecretError::Legacy`]: it names no row, so it could have been copied
    /// from any.
    pub fn open(
        &self,
        stored: &str,
        column: Column,
        row: impl fmt::Display,
    ) -> Result<Secret, SecretError> {
        if stored.starts_with(V1) {
            return Err(SecretError::Legacy);
        }
        let encoded = stored.strip_prefix(V2).ok_or(SecretError::UnknownFormat)?;
        self.open_raw(encoded, &Self::aad(column, row))
    }

    /// The upgrade of a first-format value found in `column` of row `row`: opened with the
    /// column alone, sealed again bound to the row. `Ok(None)` when `stored` is not of the first
    /// format (nothing to do).
    pub fn upgrade_v1(
        &self,
        stored: &str,
        column: Column,
        row: impl fmt::Display,
    ) -> Result<Option<String>, SecretError> {
        let Some(encoded) = stored.strip_prefix(V1) else {
            return Ok(None);
        };
        let plaintext = self.open_raw(encoded, column.name().as_bytes())?;
        Ok(Some(self.seal(plaintext.expose(), column, row)))
    }

    /// A first-format value, as the earlier versions sealed it. Only for tests that prove the
    /// upgrade carries such values forward.
    #[doc(hidden)]
    pub fn seal_v1(&self, plaintext: &str, column: Column) -> String {
        self.seal_raw(V1, plaintext, column.name().as_bytes())
    }

    fn seal_raw(&self, prefix: &str, plaintext: &str, aad: &[u8]) -> String {
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
        format!("{prefix}{}", BASE64.encode(raw))
    }

    fn open_raw(&self, encoded: &str, aad: &[u8]) -> Result<Secret, SecretError> {
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

    const HUB: Column = aad::HUB_SECRET;

    #[test]
    fn a_sealed_secret_opens_in_its_own_row_and_column() {
        let b = sealer();
        let stored = b.seal("hunter2 ünïcode", HUB, 42);
        assert!(stored.starts_with("v2:"));
        assert!(!stored.contains("hunter2"));
        assert_eq!(
            b.open(&stored, HUB, 42).unwrap().expose(),
            "hunter2 ünïcode"
        );
    }

    #[test]
    fn sealing_twice_gives_different_ciphertexts() {
        let b = sealer();
        assert_ne!(b.seal("same", HUB, 1), b.seal("same", HUB, 1));
    }

    #[test]
    fn a_secret_copied_to_another_row_or_column_does_not_open() {
        let b = sealer();
        let stored = b.seal("hunter2", HUB, 42);
        for (column, row) in [
            (HUB, "43"),
            (HUB, "4"),
            (HUB, "420"),
            (aad::ESME_PASSWORD, "42"),
        ] {
            let err = b.open(&stored, column, row).unwrap_err();
            assert!(
                matches!(err, SecretError::Decrypt),
                "{column:?} {row}: {err}"
            );
        }
    }

    #[test]
    fn a_first_format_value_is_refused_by_open_and_upgraded_into_its_row() {
        let b = sealer();
        let old = b.seal_v1("hunter2", HUB);
        assert!(old.starts_with("v1:"));
        assert!(matches!(b.open(&old, HUB, 42), Err(SecretError::Legacy)));
        let upgraded = b.upgrade_v1(&old, HUB, 42).unwrap().expect("a v1 value");
        assert!(upgraded.starts_with("v2:"));
        assert_eq!(b.open(&upgraded, HUB, 42).unwrap().expose(), "hunter2");
        assert!(matches!(
            b.open(&upgraded, HUB, 43),
            Err(SecretError::Decrypt)
        ));
        // Current values need nothing; a v1 value of another column does not open.
        assert!(b.upgrade_v1(&upgraded, HUB, 42).unwrap().is_none());
        let other = b.seal_v1("hunter2", aad::ESME_PASSWORD);
        assert!(matches!(
            b.upgrade_v1(&other, HUB, 42),
            Err(SecretError::Decrypt)
        ));
    }

    #[test]
    fn a_sealing_for_a_new_row_is_bound_to_the_id_it_is_given() {
        let b = Arc::new(sealer());
        let sealing = Sealing::new(b.clone(), HUB, Secret::new("hunter2"));
        assert!(!format!("{sealing:?}").contains("hunter2"));
        let stored = sealing.for_row(7);
        assert_eq!(b.open(&stored, HUB, 7).unwrap().expose(), "hunter2");
        assert!(b.open(&stored, HUB, 8).is_err());
    }

    #[test]
    fn a_tampered_ciphertext_does_not_open() {
        let b = sealer();
        let stored = b.seal("hunter2", HUB, 1);
        let mut raw = BASE64.decode(&stored[3..]).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("v2:{}", BASE64.encode(&raw));
        assert!(matches!(
            b.open(&tampered, HUB, 1),
            Err(SecretError::Decrypt)
        ));
        assert!(matches!(
            b.open("v2:AAAA", HUB, 1),
            Err(SecretError::Malformed)
        ));
        assert!(matches!(
            b.open("v2:%%%", HUB, 1),
            Err(SecretError::Malformed)
        ));
        assert!(matches!(
            b.open("hunter2", HUB, 1),
            Err(SecretError::UnknownFormat)
        ));
        assert!(matches!(
            b.open("v3:AAAA", HUB, 1),
            Err(SecretError::UnknownFormat)
        ));
    }

    #[test]
    fn a_secret_opened_with_another_key_fails() {
        let stored = sealer().seal("hunter2", HUB, 1);
        assert!(matches!(
            sealer().open(&stored, HUB, 1),
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
        let stored = SecretBox::new(&first).seal("hunter2", HUB, 1);
        assert_eq!(
            SecretBox::new(&again)
                .open(&stored, HUB, 1)
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

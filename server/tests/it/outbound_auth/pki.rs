//! A throwaway CA and a leaf for `localhost`/`127.0.0.1`, as PEM files (for the Python and Node
//! peers' `--certfile/--keyfile`) and as a rustls server config (for the in-process receiver).

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub struct Pki {
    pub ca_pem: String,
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    pub server: Arc<rustls::ServerConfig>,
    _dir: tempfile::TempDir,
}

impl Pki {
    pub fn new() -> Pki {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        // Why distinct names: OpenSSL (curl, Python) takes a leaf whose issuer equals its own
        // subject for self-signed, and rcgen gives both the same default name.
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "webhooks-console test CA");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().expect("leaf key");
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
        let mut leaf_params = CertificateParams::new(names).expect("leaf params");
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        let leaf = leaf_params
            .signed_by(&leaf_key, &issuer)
            .expect("leaf certificate");
        let dir = tempfile::tempdir().expect("temp dir");
        let cert_file = dir.path().join("leaf.pem");
        let key_file = dir.path().join("leaf-key.pem");
        std::fs::write(&cert_file, leaf.pem()).expect("write leaf");
        std::fs::write(&key_file, leaf_key.serialize_pem()).expect("write key");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(leaf.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .expect("server config");
        Pki {
            ca_pem: ca_cert.pem(),
            cert_file,
            key_file,
            server: Arc::new(server),
            _dir: dir,
        }
    }

    pub fn ca_file(&self) -> PathBuf {
        let path = self.cert_file.with_file_name("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("write CA");
        path
    }
}

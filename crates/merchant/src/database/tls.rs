//! TLS to PostgreSQL as libpq's `sslmode` and `sslrootcert` ask for it, so that a merchant's
//! database URL means here what it means to `psql`:
//!
//! | `sslmode` | encrypted | the server's certificate |
//! |---|---|---|
//! | `disable` | never | - |
//! | `allow`, `prefer` (the default) | when the server offers it | checked against `sslrootcert` if given, else not |
//! | `require` | always | checked against `sslrootcert` if given, else not |
//! | `verify-ca` | always | signed by `sslrootcert` (else the public roots) |
//! | `verify-full` | always | that, and issued for the host named |
//!
//! Without a checked certificate, encryption keeps out whoever only listens, not whoever can
//! stand in the middle: production URLs should say `verify-full`.

use crate::error::MerchantError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

/// How the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Not at all: encryption only.
    Nothing,
    /// Signed by a trusted root, for any host.
    Issuer,
    /// Signed by a trusted root, for the host named.
    IssuerAndHost,
}

/// `url` without the parameters libpq has and tokio-postgres does not (`sslrootcert`, and the
/// `sslmode`s it lacks), its `sslmode` for tokio-postgres, and the connector that encrypts.
pub(crate) fn tls_of(url: &str) -> Result<(String, SslMode, MakeRustlsConnect), MerchantError> {
    let bad = |why: String| MerchantError::BadRequest(format!("the database URL: {why}"));
    let mut parsed = reqwest::Url::parse(url).map_err(|error| bad(error.to_string()))?;
    let mut mode = "prefer".to_owned();
    let mut root = None;
    let mut kept = Vec::new();
    for (name, value) in parsed.query_pairs() {
        match &*name {
            "sslmode" => mode = value.into_owned(),
            "sslrootcert" => root = Some(value.into_owned()),
            _ => kept.push((name.into_owned(), value.into_owned())),
        }
    }
    let (ssl_mode, check) = match (mode.as_str(), &root) {
        ("disable", _) => (SslMode::Disable, Check::Nothing),
        ("allow" | "prefer", None) => (SslMode::Prefer, Check::Nothing),
        ("allow" | "prefer", Some(_)) => (SslMode::Prefer, Check::Issuer),
        ("require", None) => (SslMode::Require, Check::Nothing),
        ("require" | "verify-ca", _) => (SslMode::Require, Check::Issuer),
        ("verify-full", _) => (SslMode::Require, Check::IssuerAndHost),
        (other, _) => {
            return Err(bad(format!(
                "sslmode={other} is none of disable, allow, prefer, require, verify-ca, verify-full"
            )))
        }
    };
    parsed.set_query(None);
    if !kept.is_empty() {
        parsed.query_pairs_mut().extend_pairs(kept);
    }
    let roots = roots(root.as_deref())?;
    let connector = MakeRustlsConnect::new(client_config(check, roots)?);
    Ok((parsed.into(), ssl_mode, connector))
}

/// The roots certificates are checked against: the file `sslrootcert` names (PEM), else the
/// public web's.
fn roots(file: Option<&str>) -> Result<RootCertStore, MerchantError> {
    let mut roots = RootCertStore::empty();
    match file {
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(file) => {
            let unreadable = |why: String| {
                MerchantError::BadRequest(format!("the database's sslrootcert {file:?}: {why}"))
            };
            for certificate in CertificateDer::pem_file_iter(file)
                .map_err(|error| unreadable(error.to_string()))?
            {
                let certificate = certificate.map_err(|error| unreadable(error.to_string()))?;
                roots
                    .add(certificate)
                    .map_err(|error| unreadable(error.to_string()))?;
            }
            if roots.is_empty() {
                return Err(unreadable("it holds no certificate".into()));
            }
        }
    }
    Ok(roots)
}

fn client_config(
    check: Check,
    roots: RootCertStore,
) -> Result<rustls::ClientConfig, MerchantError> {
    // ring, as the gateway clients' TLS (reqwest) uses: rustls now prefers aws-lc-rs (with
    // post-quantum key exchange), whose build needs cmake; PostgreSQL servers offer none yet.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| MerchantError::Internal(format!("TLS: {error}")))?;
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|error| MerchantError::Internal(format!("TLS roots: {error}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match check {
        Check::IssuerAndHost => webpki,
        Check::Issuer | Check::Nothing => Arc::new(Lenient { webpki, check }),
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// Checks less of the certificate than the web's rules: for `verify-ca` not the name it was
/// issued for (libpq's meaning), for `require` without a root nothing. The handshake's
/// signatures are checked all the same (the session is with whoever holds the certificate's
/// key).
#[derive(Debug)]
struct Lenient {
    webpki: Arc<WebPkiServerVerifier>,
    check: Check,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.check == Check::Nothing {
            return Ok(ServerCertVerified::assertion());
        }
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

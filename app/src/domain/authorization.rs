//! Authorization profiles (SPEC §5): the six types and every choice their forms offer, as data.
//!
//! Guarantees: each choice has exactly one label, the one the form shows and the API speaks
//! (CONTRACT §2 "Choice values are the labels of SPEC §5"); `parse` accepts exactly those labels
//! and nothing else, so the browser form, the REST API and the server's outbound code agree on
//! what a stored value means.

use serde::{Deserialize, Serialize};

pub mod form;
mod input;
mod parse;
#[cfg(test)]
mod parse_tests;

pub use input::{AuthorizationInput, AuthorizationSettings, Headers, KeyValue, SecretField};
pub use parse::{ExistingAuthorization, NewAuthorization, MAX_VALIDITY_SECS};

/// Declares a closed set of choices with their labels: `ALL`, `label()`, `parse()`, `Default`,
/// and serde as the label. One macro, because eight such sets would otherwise be eight copies.
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $label:literal),+ $(,)? } default $default:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $label)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The exact label of the form and the API.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The choice with exactly this label.
            pub fn parse(label: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.label() == label)
            }

            /// The labels in form order, for error messages ("one of …").
            pub fn labels() -> String {
                Self::ALL.iter().map(|c| format!("\"{}\"", c.label())).collect::<Vec<_>>().join(", ")
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

choices! {
    /// The Type select of the Authorization form.
    AuthType {
        NoAuth => "No Auth",
        Basic => "Basic Auth",
        Digest => "Digest Auth",
        AwsSignature => "AWS Signature",
        ApiKey => "API Key",
        OAuth2 => "OAuth 2.0",
    } default NoAuth
}

choices! {
    /// Digest Auth's Algorithm (RFC 7616 §3.3); `-sess` variants hash the session key.
    DigestAlgorithm {
        Md5 => "MD5",
        Md5Sess => "MD5-sess",
        Sha256 => "SHA-256",
        Sha256Sess => "SHA-256-sess",
    } default Md5
}

impl DigestAlgorithm {
    /// The `-sess` variants, whose HA1 also covers the server and client nonces.
    pub fn is_session(self) -> bool {
        matches!(self, DigestAlgorithm::Md5Sess | DigestAlgorithm::Sha256Sess)
    }
}

choices! {
    /// Digest Auth's QOP: `auth` covers the request line, `auth-int` the body too.
    DigestQop {
        Auth => "auth",
        AuthInt => "auth-int",
    } default Auth
}

choices! {
    /// API Key's Add to: where the key goes on the request.
    ApiKeyPlacement {
        Header => "Header",
        QueryParams => "Query Params",
    } default Header
}

choices! {
    /// OAuth 2.0's Grant Type.
    GrantType {
        ClientCredentials => "Client Credentials",
        AuthorizationCode => "Authorization Code",
    } default ClientCredentials
}

choices! {
    /// OAuth 2.0 Advance Settings: the HTTP method of the token request.
    TokenUrlMethod {
        Post => "POST",
        Get => "GET",
    } default Post
}

choices! {
    /// OAuth 2.0 Advance Settings: where the token request carries its parameters.
    TokenParameterType {
        Body => "Body",
        Url => "URL",
    } default Body
}

choices! {
    /// OAuth 2.0 Client Authentication (RFC 6749 §2.3.1).
    ClientAuthentication {
        InBody => "Send client credentials in body",
        BasicHeader => "Send as Basic Auth header",
    } default InBody
}

choices! {
    /// An authorization's status in the list and the API.
    AuthorizationStatus {
        Authorized => "Authorized",
        Pending => "Authorization Pending",
    } default Authorized
}

#[cfg(test)]
mod tests;

//! Omise (seeds 000-003): its API objects ([`objects`]) and their one boundary with the
//! checkout's model: a charge as a [`Payment`].

use crate::checkout::{Code, Image, Payment, Source};

pub mod objects;

pub use objects::{Charge, ChargeStatus};

/// What a customer's browser may know of a charge: fees, metadata and the customer's IP stay
/// on the server.
impl From<&Charge> for Payment {
    fn from(charge: &Charge) -> Self {
        Self {
            id: charge.id.to_string(),
            status: charge.status.clone(),
            amount: charge.amount,
            currency: charge.currency.clone(),
            authorize_uri: charge.authorize_uri.clone(),
            expires_at: charge.expires_at,
            paid_at: charge.paid_at,
            failure_code: charge
                .failure_code
                .as_ref()
                .map(|code| code.as_str().to_owned()),
            failure_message: charge.failure_message.clone(),
            source: Source {
                source_type: charge.source.source_type.as_str().to_owned(),
                flow: charge.source.flow,
                scannable_code: charge.source.scannable_code.as_ref().map(|code| Code {
                    image: Image {
                        download_uri: code.image.download_uri.clone(),
                    },
                }),
            },
        }
    }
}

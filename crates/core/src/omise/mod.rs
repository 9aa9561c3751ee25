//! Omise (seeds 000-003): its API objects ([`objects`]) and their one boundary with the
//! checkout's model: a charge as a [`Payment`].

use crate::checkout::{Code, Image, Payment, Source, Status};

pub mod objects;

pub use objects::{Charge, ChargeStatus};

impl From<&ChargeStatus> for Status {
    fn from(status: &ChargeStatus) -> Self {
        match status {
            ChargeStatus::Pending => Status::Pending,
            ChargeStatus::Successful => Status::Successful,
            ChargeStatus::Failed => Status::Failed,
            ChargeStatus::Expired => Status::Expired,
            ChargeStatus::Reversed => Status::Reversed,
            ChargeStatus::Unknown(other) => Status::Unknown(other.clone()),
        }
    }
}

/// What a customer's browser may know of a charge: fees, metadata and the customer's IP stay
/// on the server.
impl From<&Charge> for Payment {
    fn from(charge: &Charge) -> Self {
        Self {
            id: charge.id.clone(),
            status: Status::from(&charge.status),
            amount: charge.amount,
            currency: charge.currency.clone(),
            authorize_uri: charge.authorize_uri.clone(),
            expires_at: charge.expires_at,
            paid_at: charge.paid_at,
            failure_code: charge.failure_code.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_charge_status_has_the_same_name_in_the_model() {
        for status in ChargeStatus::KNOWN
            .iter()
            .cloned()
            .chain([ChargeStatus::parse("disputed")])
        {
            assert_eq!(Status::from(&status).as_str(), status.as_str());
        }
    }
}

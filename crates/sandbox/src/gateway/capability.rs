//! `GET /capability`: what the account can take, as Opn's Capability API answers it
//! (<https://docs.omise.co/capability-api>): its country, its charge limits and its payment
//! methods, each with the currencies it takes. A checkout asks it with the public key to offer
//! only what the account has; the sandbox's account has the methods of `--methods` (every
//! method by default), and refuses a source of any other ([`Account::accepts`]).

use super::auth::AnyKey;
use super::GatewayState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use paywasm_core::method::SourceType;
use serde_json::{json, Value};

pub(crate) fn router() -> Router<GatewayState> {
    Router::new().route("/capability", get(capability))
}

/// The account's payment methods (every one unless `--methods` names some).
#[derive(Debug, Clone)]
pub struct Account {
    methods: Vec<SourceType>,
}

impl Default for Account {
    fn default() -> Self {
        Self::with_methods(&[])
    }
}

impl Account {
    /// An account with `methods`; none named means every method.
    pub fn with_methods(methods: &[SourceType]) -> Self {
        let methods = SourceType::served()
            .filter(|method| methods.is_empty() || methods.contains(method))
            .collect();
        Self { methods }
    }

    /// Whether the account takes payments by `method`.
    pub fn accepts(&self, method: SourceType) -> bool {
        self.methods.contains(&method)
    }

    /// The capability object.
    fn capability(&self) -> Value {
        let payment_methods: Vec<Value> = self
            .methods
            .iter()
            .map(|source_type| {
                let method = source_type.method();
                json!({
                    "object": "payment_method",
                    "name": method.source_type.as_str(),
                    "currencies": method.limits.iter().map(|limit| limit.currency).collect::<Vec<_>>(),
                    "card_brands": null,
                    "installment_terms": null,
                    "banks": [],
                    "provider": null,
                })
            })
            .collect();
        json!({
            "object": "capability",
            "location": "/capability",
            "country": "TH",
            "banks": [],
            // A Thai account's charge limits, as Opn's example shows them.
            "limits": {
                "charge_amount": { "min": 2_000, "max": 15_000_000 },
                "transfer_amount": { "min": 3_000, "max": 5_000_000_000_i64 },
                "installment_amount": { "min": 200_000 },
            },
            "payment_methods": payment_methods,
            "tokenization_methods": [],
            "zero_interest_installments": false,
        })
    }
}

async fn capability(State(state): State<GatewayState>, AnyKey(_): AnyKey) -> Json<Value> {
    Json(state.account.capability())
}

//! The widget's one error type. Every variant reads as a sentence a customer (or, for
//! options, a merchant developer) can act on.

/// What went wrong in the widget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WidgetError {
    /// The merchant's mount options are wrong; a message for the developer.
    #[error("paywasm: {0}")]
    InvalidOptions(String),
    /// The network failed before an answer came.
    #[error("We could not reach {party}. Check your connection and try again.")]
    Network {
        /// "the payment service" or "the shop".
        party: &'static str,
    },
    /// The gateway or the merchant server refused, with its error object's message.
    #[error("{message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The error object's code.
        code: String,
        /// The error object's message.
        message: String,
    },
    /// An answer that is not what the contract promises.
    #[error("{party} sent an answer we do not understand. Please try again.")]
    InvalidResponse {
        /// "The payment service" or "The shop".
        party: &'static str,
    },
    /// The charge asked to send the customer somewhere other than the gateway's pages.
    #[error("For your safety we did not open the payment page: it is not on the payment service's site. Please choose another method or contact the shop.")]
    UnsafeRedirect,
}

impl WidgetError {
    /// A stable code for `onError`: the gateway's or merchant server's own code when it refused.
    pub fn code(&self) -> String {
        match self {
            WidgetError::InvalidOptions(_) => "invalid_options".into(),
            WidgetError::Network { .. } => "network_error".into(),
            WidgetError::Refused { code, .. } => code.clone(),
            WidgetError::InvalidResponse { .. } => "invalid_response".into(),
            WidgetError::UnsafeRedirect => "unsafe_redirect".into(),
        }
    }
}

impl From<WidgetError> for wasm_bindgen::JsValue {
    fn from(error: WidgetError) -> Self {
        js_sys::Error::new(&error.to_string()).into()
    }
}

/// The second module of a split build could not be fetched (src/flow.rs): the network's
/// failure, which the customer can try again.
#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for WidgetError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        WidgetError::Network {
            party: "the payment service",
        }
    }
}

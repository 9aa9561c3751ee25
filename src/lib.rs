//! paywasm widget

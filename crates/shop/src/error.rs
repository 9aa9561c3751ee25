//! The demo shop's errors are the merchant library's ([`MerchantError`]), in the merchant
//! contract's error shape; the sandbox answers its shared layers' refusals in the same shape
//! in front of the shop.

pub use paywasm_merchant::error::MerchantError;

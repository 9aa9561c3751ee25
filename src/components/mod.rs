//! The widget's views. One folder per component: its view, its state and its CSS.

#[cfg(feature = "checkout")]
pub mod checkout;
#[cfg(feature = "pos")]
pub mod pos;

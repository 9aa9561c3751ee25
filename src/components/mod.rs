//! The widget's views. One folder per component: its view, its state and its CSS.

pub mod checkout;
pub mod pos;

//! The merchant's callbacks: `onComplete(charge)`, `onError({code, message})`,
//! `onStateChange(state)` and `onRedirect(url)` (navigate elsewhere than this window). A callback that throws is reported to the console and never stops
//! the checkout.

use crate::error::WidgetError;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsValue;

const NAMES: [&str; 4] = ["onComplete", "onError", "onStateChange", "onRedirect"];

/// The functions passed in the mount options, if any.
#[derive(Clone, Default)]
pub struct Callbacks {
    on_complete: Option<SendWrapper<js_sys::Function>>,
    on_error: Option<SendWrapper<js_sys::Function>>,
    on_state_change: Option<SendWrapper<js_sys::Function>>,
    on_redirect: Option<SendWrapper<js_sys::Function>>,
}

fn function(options: &JsValue, name: &str) -> Option<SendWrapper<js_sys::Function>> {
    js_sys::Reflect::get(options, &JsValue::from_str(name))
        .ok()
        .and_then(|value| value.dyn_into::<js_sys::Function>().ok())
        .map(SendWrapper::new)
}

use wasm_bindgen::JsCast;

fn call(callback: &Option<SendWrapper<js_sys::Function>>, argument: &JsValue) {
    if let Some(callback) = callback {
        if let Err(thrown) = callback.call1(&JsValue::NULL, argument) {
            web_sys::console::error_2(&JsValue::from_str("paywasm: a callback threw"), &thrown);
        }
    }
}

impl Callbacks {
    /// Refuses a callback that is not a function: a merchant whose `onComplete` is a string
    /// would otherwise never hear that the customer paid. (Checked apart from
    /// [`Callbacks::from_options`], which keeps the widget smaller than one fallible reader.)
    pub fn check(options: &JsValue) -> Result<(), WidgetError> {
        for name in NAMES {
            let value = js_sys::Reflect::get(options, &JsValue::from_str(name)).unwrap_or_default();
            if !(value.is_undefined() || value.is_null() || value.is_function()) {
                return Err(WidgetError::InvalidOptions(
                    name.to_owned() + " must be a function",
                ));
            }
        }
        Ok(())
    }

    /// The callbacks in a mount options object.
    pub fn from_options(options: &JsValue) -> Self {
        Self {
            on_complete: function(options, NAMES[0]),
            on_error: function(options, NAMES[1]),
            on_state_change: function(options, NAMES[2]),
            on_redirect: function(options, NAMES[3]),
        }
    }

    /// The charge ended (`successful`, `failed` or `expired`).
    pub fn complete(&self, charge: &paywasm_core::objects::CheckoutCharge) {
        call(&self.on_complete, &crate::js::charge_to_js(charge));
    }

    /// Something went wrong: `code` is the gateway's or the merchant server's error code.
    pub fn error(&self, code: &str, message: &str) {
        let error = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
        let _ = js_sys::Reflect::set(&error, &"message".into(), &message.into());
        call(&self.on_error, &error);
    }

    /// Hands a checked `authorize_uri` to `onRedirect` (the hosted page, whose parent navigates
    /// the top window); false if there is no such callback and the widget navigates itself.
    pub fn redirect(&self, url: &str) -> bool {
        match &self.on_redirect {
            Some(_) => {
                call(&self.on_redirect, &JsValue::from_str(url));
                true
            }
            None => false,
        }
    }

    /// The checkout moved to `state`.
    pub fn state(&self, state: &str) {
        call(&self.on_state_change, &JsValue::from_str(state));
    }
}

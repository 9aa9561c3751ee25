//! Taking over the first view a merchant server rendered into the page
//! (`paywasm_core::first_view`): its section is replaced by the live checkout, and a method
//! the customer chose before the widget loaded is started at once, with the source the first
//! view already asked for.

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The server's first view: its section element.
    type FirstView;

    /// The promise the first view's script leaves on its section (`paywasmSource`) when it has
    /// sent the chosen method's `POST /sources`.
    #[wasm_bindgen(method, getter = paywasmSource)]
    fn sent_source(this: &FirstView) -> Option<wasm_bindgen::JsValue>;
}

/// What the customer chose in the first view.
pub struct Chosen {
    /// The source type's name (matched against the offered methods by the checkout: no
    /// parsing here, which would link its error formatting into the wasm).
    pub method: String,
    /// The promise of the answer to its `POST /sources`, when the first view sent it.
    pub source: Option<js_sys::Promise>,
}

/// Removes the server's first view (and its script) from `target`; what the customer already
/// chose in it, if anything.
pub fn take_over(target: &web_sys::Element) -> Option<Chosen> {
    let view = target
        .query_selector("[data-paywasm-first-view]")
        .ok()
        .flatten()?;
    let source = wasm_bindgen::JsCast::unchecked_ref::<FirstView>(&view)
        .sent_source()
        .map(|answer| js_sys::Promise::resolve(&answer));
    let chosen = view
        .get_attribute("data-chosen")
        .map(|method| Chosen { method, source });
    if let Some(script) = view.next_element_sibling() {
        if script.tag_name().eq_ignore_ascii_case("script") {
            script.remove();
        }
    }
    view.remove();
    chosen
}

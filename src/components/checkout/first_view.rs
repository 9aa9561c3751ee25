//! Taking over the first view a merchant server rendered into the page
//! (`paywasm_core::first_view`): its section is replaced by the live checkout, and a method
//! the customer chose before the widget loaded is started at once, with the source (and the
//! charge) the first view already asked for.

/// What the customer chose in the first view.
pub struct Chosen {
    /// The source type's name (matched against the offered methods by the checkout: no
    /// parsing here, which would link its error formatting into the wasm).
    pub method: String,
    /// The answers to what the first view sent for it.
    pub sent: crate::flow::Sent,
}

/// Removes the server's first view (and its script) from `target`; what the customer already
/// chose in it, if anything.
pub fn take_over(target: &web_sys::Element) -> Option<Chosen> {
    let view = target
        .query_selector("[data-paywasm-first-view]")
        .ok()
        .flatten()?;
    let chosen = view.get_attribute("data-chosen").map(|method| Chosen {
        method,
        sent: crate::flow::Sent::by(view.clone().into()),
    });
    if let Some(script) = view.next_element_sibling() {
        if script.tag_name().eq_ignore_ascii_case("script") {
            script.remove();
        }
    }
    view.remove();
    chosen
}

//! Taking over the first view a merchant server rendered into the page
//! (`paywasm_core::first_view`): its section is replaced by the live checkout, and a method
//! the customer chose before the widget loaded is started at once.

/// Removes the server's first view (and its script) from `target`; the source type the
/// customer already chose in it, if any (matched against the offered methods by the checkout:
/// no parsing here, which would link its error formatting into the wasm).
pub fn take_over(target: &web_sys::Element) -> Option<String> {
    let view = target
        .query_selector("[data-paywasm-first-view]")
        .ok()
        .flatten()?;
    let chosen = view.get_attribute("data-chosen");
    if let Some(script) = view.next_element_sibling() {
        if script.tag_name().eq_ignore_ascii_case("script") {
            script.remove();
        }
    }
    view.remove();
    chosen
}

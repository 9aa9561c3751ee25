//! Writes the checkout's words in each language but English (which the widget's JavaScript
//! builds carry), an ES module per language, `paywasm-words-<subtag>.js`, into the folder given:
//! its default export is a string of a sentence per line, `Texts::words` then
//! `PhoneWords::words`, the order the widget reads them back. A module rather than a text file
//! so that every bundler splits it off as a chunk of its own (Vite inlines a small asset into
//! the page's script, all three languages), and a script tag's page pins it like the builds. Run by
//! `scripts/build-widget.sh`: `cargo run -p paywasm-core --example words -- pkg`.

use paywasm_core::i18n::Language;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args()
        .nth(1)
        .ok_or("usage: words <folder>: writes paywasm-words-<language>.js there")?;
    for language in Language::ALL {
        if language == Language::English {
            continue;
        }
        let path =
            std::path::Path::new(&folder).join(format!("paywasm-words-{}.js", language.subtag()));
        // A JSON string is a JavaScript string literal.
        let text = serde_json::to_string(&language.words_text())?;
        std::fs::write(&path, format!("export default {text};\n"))?;
    }
    Ok(())
}

//! The widget's words: the sentences live in `paywasm_core::i18n` (the merchant server's first
//! view uses them too); here, what only the widget needs, and which language's it has.
//!
//! A Leptos app builds the crate with every language's words (feature `words-built-in`). The
//! JavaScript builds carry English only (the other three cost 3 KB gzip on every page): the
//! package's loaders fetch the one language a page speaks, `paywasm-words-th.js`..., beside
//! the wasm and pinned like it, and hand it over with `useWords` before `mount`. Without it the
//! checkout speaks English.

pub use paywasm_core::i18n::*;

use std::cell::Cell;

use crate::WidgetError;

thread_local! {
    /// The words a loader handed over ([`hand_over`]), for the page's one language: the text
    /// as handed, and its sentences.
    static HANDED: Cell<Option<&'static (&'static str, Texts, PhoneWords)>> = const { Cell::new(None) };
}

/// Takes one language's words, a sentence per line as `paywasm-words-<subtag>.js` exports them;
/// false (and nothing taken) when they are not such a list.
pub fn hand_over(words: String) -> bool {
    // The loaders hand them over at each mount: the same again is taken already.
    if HANDED.get().is_some_and(|(text, ..)| *text == words) {
        return true;
    }
    // Kept for the page's life (a few KB: a page speaks one language).
    let text: &'static str = Box::leak(words.into_boxed_str());
    let words: Vec<&'static str> = text.lines().collect();
    let (texts, phone) = words.split_at(Texts::WORDS.min(words.len()));
    let (Ok(texts), Ok(phone)) = (texts.try_into(), phone.try_into()) else {
        return false;
    };
    let texts = Texts::from_words(texts);
    if Language::for_tag(texts.lang).is_none() {
        return false;
    }
    HANDED.set(Some(Box::leak(Box::new((
        text,
        texts,
        PhoneWords::from_words(phone),
    )))));
    true
}

/// The handed-over words, if they are `language`'s.
fn handed(language: Language) -> Option<&'static (&'static str, Texts, PhoneWords)> {
    HANDED
        .get()
        .filter(|(_, texts, _)| Language::for_tag(texts.lang) == Some(language))
}

/// The checkout's sentences in the language [`Language::choose`] chooses: handed over, built
/// in, or else English.
pub fn choose<'a>(
    option: Option<&str>,
    browser: impl IntoIterator<Item = &'a str>,
) -> &'static Texts {
    let language = Language::choose(option, browser);
    match handed(language) {
        Some((_, texts, _)) => texts,
        None => built_in(language),
    }
}

#[cfg(feature = "words-built-in")]
fn built_in(language: Language) -> &'static Texts {
    language.texts()
}

#[cfg(not(feature = "words-built-in"))]
fn built_in(_: Language) -> &'static Texts {
    &EN
}

/// The mobile number's words in the language of `texts`.
pub fn phone_words(texts: &Texts) -> &'static PhoneWords {
    let language = Language::for_tag(texts.lang).unwrap_or(Language::English);
    match handed(language) {
        Some((_, _, phone)) => phone,
        #[cfg(feature = "words-built-in")]
        None => paywasm_core::i18n::phone_words(texts),
        #[cfg(not(feature = "words-built-in"))]
        None => &PHONE_EN,
    }
}

/// A widget error for the customer.
pub fn error_reason(texts: &Texts, error: &WidgetError) -> &'static str {
    match error {
        WidgetError::Network { .. } => texts.reasons.network,
        WidgetError::UnsafeRedirect => texts.reasons.unsafe_redirect,
        WidgetError::Refused { .. }
        | WidgetError::InvalidResponse { .. }
        | WidgetError::InvalidOptions(_) => texts.reasons.refused,
    }
}

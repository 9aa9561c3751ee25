//! EXPERIMENT (not for main): the checkout view without Leptos, to measure what Leptos costs.
use super::state::Phase;
use super::status_text;
use crate::callbacks::Callbacks;
use crate::flow::{self, Started};
use crate::i18n::{self, fill, Texts};
use crate::options::Options;
use paywasm_core::method::{online_methods, SourceType};
use paywasm_core::objects::ChargeStatus;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

struct View {
    doc: Document,
    body: Element,
    status: Element,
    root: Element,
    phase: RefCell<Phase>,
    options: Options,
    callbacks: Callbacks,
    texts: &'static Texts,
    methods: Vec<SourceType>,
    last: Cell<Option<SourceType>>,
}

fn el(doc: &Document, tag: &str, class: &str, text: &str) -> Element {
    let e = doc.create_element(tag).unwrap_throw();
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    e
}

fn on_click(e: &Element, f: impl FnMut() + 'static) {
    let c = Closure::<dyn FnMut()>::new(f);
    e.add_event_listener_with_callback("click", c.as_ref().unchecked_ref()).unwrap_throw();
    c.forget();
}

fn set(view: &Rc<View>, phase: Phase) {
    let name = phase.name();
    let changed = view.phase.borrow().name() != name;
    *view.phase.borrow_mut() = phase.clone();
    if changed {
        view.callbacks.state(name);
        match &phase {
            Phase::Done(charge) => view.callbacks.complete(charge),
            Phase::Error(error) => view.callbacks.error(&error.code(), &error.to_string()),
            _ => {}
        }
    }
    render(view);
}

fn render(view: &Rc<View>) {
    let doc = &view.doc;
    let phase = view.phase.borrow().clone();
    let t = view.texts;
    view.body.set_inner_html("");
    let busy = phase.is_busy();
    view.root.set_attribute("aria-busy", if busy { "true" } else { "false" }).unwrap_throw();
    if matches!(phase, Phase::Choosing | Phase::Starting(_) | Phase::Error(_)) {
        let amount = i18n::amount(view.options.amount, &view.options.currency);
        view.body.append_child(&el(doc, "h2", "paywasm-title", &fill(t.choose, &amount))).unwrap_throw();
        let group = el(doc, "div", "paywasm-methods", "");
        group.set_attribute("role", "group").unwrap_throw();
        group.set_attribute("aria-label", t.methods_label).unwrap_throw();
        for &method in &view.methods {
            let b = el(doc, "button", "paywasm-method", method.method().display_name);
            b.set_attribute("type", "button").unwrap_throw();
            if busy {
                b.set_attribute("disabled", "").unwrap_throw();
            }
            let v = view.clone();
            on_click(&b, move || start(&v, method));
            group.append_child(&b).unwrap_throw();
        }
        view.body.append_child(&group).unwrap_throw();
    }
    if let Phase::Waiting(charge) = &phase {
        let qr = el(doc, "div", "paywasm-qr", "");
        let amount = i18n::amount(view.options.amount, &view.options.currency);
        if let Some(name) = &view.options.merchant_name {
            qr.append_child(&el(doc, "p", "paywasm-merchant", &fill(t.pay_to, name))).unwrap_throw();
        }
        qr.append_child(&el(doc, "p", "paywasm-amount", &amount)).unwrap_throw();
        if let Some(code) = &charge.source.scannable_code {
            let img = el(doc, "img", "", "");
            img.set_attribute("src", &code.image.download_uri).unwrap_throw();
            img.set_attribute("alt", &fill(t.qr_alt, &amount)).unwrap_throw();
            qr.append_child(&img).unwrap_throw();
        }
        if let Some(at) = charge.expires_at {
            let p = el(doc, "p", "paywasm-countdown", t.time_left);
            let timer = el(doc, "span", "", "");
            timer.set_attribute("role", "timer").unwrap_throw();
            p.append_child(&timer).unwrap_throw();
            qr.append_child(&p).unwrap_throw();
            let at = at.unix() as f64 * 1000.0;
            wasm_bindgen_futures::spawn_local(async move {
                loop {
                    let left = ((at - js_sys::Date::now()) / 1000.0).ceil().max(0.0) as i64;
                    timer.set_text_content(Some(&format!("{:02}:{:02}", left / 60, left % 60)));
                    if left == 0 || !timer.is_connected() {
                        return;
                    }
                    crate::browser::sleep(1_000).await;
                }
            });
        }
        qr.append_child(&el(doc, "p", "paywasm-hint", t.qr_instructions)).unwrap_throw();
        view.body.append_child(&qr).unwrap_throw();
    }
    view.status.set_text_content(Some(&status_text(t, &view.options, &phase, false, None)));
    if let Phase::Done(charge) = &phase {
        if charge.status != ChargeStatus::Successful {
            let expired = charge.status == ChargeStatus::Expired;
            let b = el(doc, "button", "paywasm-again", if expired { t.new_qr } else { t.try_again });
            let v = view.clone();
            on_click(&b, move || match v.last.get() {
                Some(m) if expired => start(&v, m),
                _ => set(&v, Phase::Choosing),
            });
            view.body.append_child(&b).unwrap_throw();
        }
    }
}

fn start(view: &Rc<View>, method: SourceType) {
    if view.phase.borrow().is_busy() {
        return;
    }
    view.last.set(Some(method));
    set(view, Phase::Starting(method));
    let view = view.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match flow::start(&view.options, method).await {
            Ok(Started::Redirect(uri)) => {
                set(&view, Phase::Redirecting);
                if !view.callbacks.redirect(&uri) {
                    let _ = web_sys::window().map(|w| w.location().assign(&uri));
                }
            }
            Ok(Started::Wait(charge)) => {
                let id = charge.id.clone();
                set(&view, Phase::Waiting(charge));
                match flow::wait_for_result(&view.options, &id, || true, |_| {}).await {
                    Ok(Some(charge)) => set(&view, Phase::Done(charge)),
                    Ok(None) => {}
                    Err(error) => set(&view, Phase::Error(error)),
                }
            }
            Err(error) => set(&view, Phase::Error(error)),
        }
    });
}

/// Mounts the plain checkout.
pub fn mount(target: web_sys::HtmlElement, options: Options, callbacks: Callbacks) {
    let doc = web_sys::window().unwrap_throw().document().unwrap_throw();
    let texts = i18n::choose(options.locale.as_deref(), std::iter::empty());
    let methods: Vec<SourceType> = online_methods(options.amount, &options.currency, flow::current_platform())
        .map(|m| m.source_type)
        .collect();
    let root = el(&doc, "section", "paywasm", "");
    root.set_attribute("lang", texts.lang).unwrap_throw();
    let body = el(&doc, "div", "", "");
    let status = el(&doc, "p", "paywasm-status", "");
    status.set_attribute("role", "status").unwrap_throw();
    root.append_child(&body).unwrap_throw();
    root.append_child(&status).unwrap_throw();
    target.append_child(&root).unwrap_throw();
    let view = Rc::new(View { doc, body, status, root, phase: RefCell::new(Phase::Choosing), options, callbacks, texts, methods, last: Cell::new(None) });
    render(&view);
}

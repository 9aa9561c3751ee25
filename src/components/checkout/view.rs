//! The checkout's view, kept by hand with web-sys: persistent nodes for the method choice and
//! the status, a QR panel (the amount, the merchant, a countdown to the charge's real
//! `expires_at`, and on phones a button that saves the QR for the banking app) and a "try
//! again" button made and removed as the phase changes. The merchant's callbacks run after a
//! change, never inside it, so that one may unmount the checkout.

use super::state::Phase;
use super::status_text;
use crate::callbacks::Callbacks;
use crate::flow::{self, Started};
use crate::i18n::{self, fill, Texts};
use crate::options::Options;
use crate::WidgetError;
use paywasm_core::method::{checkout_methods, SourceType};
use paywasm_core::objects::{ChargeStatus, CheckoutCharge, PlatformType};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

/// Remaining seconds at which the countdown is announced (not every second).
const ANNOUNCE_AT_SECS: [i64; 5] = [600, 300, 120, 60, 30];

struct Checkout {
    doc: Document,
    root: Element,
    title: Element,
    group: Element,
    buttons: Vec<Element>,
    status: Element,
    qr: RefCell<Option<Piece>>,
    again: RefCell<Option<Piece>>,
    options: Options,
    callbacks: Callbacks,
    texts: &'static Texts,
    platform: PlatformType,
    resuming: bool,
    phase: RefCell<Phase>,
    reconnecting: Cell<bool>,
    notice: RefCell<Option<String>>,
    last_method: Cell<Option<SourceType>>,
    alive: Cell<bool>,
    /// The listeners of the persistent nodes.
    listeners: RefCell<Vec<Listener>>,
}

type Listener = Closure<dyn FnMut()>;

/// A node made for one phase, with its listeners: dropping it takes both away. (A listener
/// dropped while it runs, as "try again" is, is freed by wasm-bindgen when it returns.)
struct Piece {
    node: Element,
    _listeners: Vec<Listener>,
}

impl Drop for Piece {
    fn drop(&mut self) {
        self.node.remove();
    }
}

fn element(doc: &Document, tag: &str, class: &str, text: &str) -> Element {
    let made = doc.create_element(tag).unwrap_throw();
    if !class.is_empty() {
        made.set_class_name(class);
    }
    if !text.is_empty() {
        made.set_text_content(Some(text));
    }
    made
}

fn attr(target: &Element, name: &str, value: &str) {
    let _ = target.set_attribute(name, value);
}

fn clock(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (hours, minutes, secs) = (seconds / 3_600, seconds % 3_600 / 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes:02}:{secs:02}")
    }
}

fn seconds_until(expires_at_ms: f64) -> i64 {
    ((expires_at_ms - js_sys::Date::now()) / 1_000.0)
        .ceil()
        .max(0.0) as i64
}

impl Checkout {
    /// Calls `act` on a click of `target` for as long as the checkout and the returned
    /// listener live.
    fn on_click(self: &Rc<Self>, target: &Element, act: impl Fn(&Rc<Self>) + 'static) -> Listener {
        let this = Rc::downgrade(self);
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(this) = this.upgrade() {
                act(&this);
            }
        });
        let _ = target.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
        listener
    }

    fn set(self: &Rc<Self>, phase: Phase) {
        if !self.alive.get() {
            return;
        }
        let previous = self.phase.replace(phase.clone());
        self.render();
        if previous.name() != phase.name() {
            if phase.moves_focus() {
                if let Some(status) = self.status.dyn_ref::<web_sys::HtmlElement>() {
                    let _ = status.focus();
                }
            }
            self.announce(phase);
        }
    }

    /// Tells the merchant, after the change (a callback may unmount the checkout).
    fn announce(&self, phase: Phase) {
        let callbacks = self.callbacks.clone();
        wasm_bindgen_futures::spawn_local(async move {
            callbacks.state(phase.name());
            match &phase {
                Phase::Done(charge) => callbacks.complete(charge),
                Phase::Error(error) => callbacks.error(&error.code(), &error.to_string()),
                _ => {}
            }
        });
    }

    fn render(self: &Rc<Self>) {
        let phase = self.phase.borrow().clone();
        let busy = phase.is_busy();
        attr(&self.root, "aria-busy", if busy { "true" } else { "false" });
        let choosing = !self.resuming
            && matches!(
                phase,
                Phase::Choosing | Phase::Starting(_) | Phase::Error(_)
            );
        if choosing && !self.title.is_connected() {
            let _ = self
                .root
                .insert_before(&self.group, self.root.first_child().as_ref());
            let _ = self.root.insert_before(&self.title, Some(&self.group));
        } else if !choosing && self.title.is_connected() {
            self.title.remove();
            self.group.remove();
        }
        for button in &self.buttons {
            let _ = button.toggle_attribute_with_force("disabled", busy);
        }
        match &phase {
            Phase::Waiting(charge) if self.qr.borrow().is_none() => {
                let qr = self.qr_panel(charge);
                let _ = self.root.insert_before(&qr.node, Some(&self.status));
                *self.qr.borrow_mut() = Some(qr);
            }
            Phase::Waiting(_) => {}
            _ => drop(self.qr.take()),
        }
        self.status.set_text_content(Some(&status_text(
            self.texts,
            &self.options,
            &phase,
            self.reconnecting.get(),
            self.notice.borrow().clone(),
        )));
        let again_wanted = match &phase {
            Phase::Done(charge) => charge.status != ChargeStatus::Successful && !self.resuming,
            _ => false,
        };
        if !again_wanted {
            drop(self.again.take());
        } else if self.again.borrow().is_none() {
            if let Phase::Done(charge) = &phase {
                let expired = charge.status == ChargeStatus::Expired;
                let label = if expired {
                    self.texts.new_qr
                } else {
                    self.texts.try_again
                };
                let again = element(&self.doc, "button", "paywasm-again", label);
                attr(&again, "type", "button");
                let listener = self.on_click(&again, move |this| match this.last_method.get() {
                    Some(method) if expired => this.start(method),
                    _ => this.set(Phase::Choosing),
                });
                let _ = self.root.append_child(&again);
                *self.again.borrow_mut() = Some(Piece {
                    node: again,
                    _listeners: vec![listener],
                });
            }
        }
    }

    fn qr_panel(self: &Rc<Self>, charge: &CheckoutCharge) -> Piece {
        let (doc, texts) = (&self.doc, self.texts);
        let amount_text = i18n::amount(self.options.amount, &self.options.currency);
        let panel = element(doc, "div", "paywasm-qr", "");
        let mut listeners = Vec::new();
        if let Some(name) = &self.options.merchant_name {
            let _ = panel.append_child(&element(
                doc,
                "p",
                "paywasm-merchant",
                &fill(texts.pay_to, name),
            ));
        }
        let _ = panel.append_child(&element(doc, "p", "paywasm-amount", &amount_text));
        let image_uri = charge
            .source
            .scannable_code
            .as_ref()
            .map(|code| code.image.download_uri.clone());
        if let Some(uri) = &image_uri {
            let image = element(doc, "img", "", "");
            attr(&image, "src", uri);
            attr(&image, "alt", &fill(texts.qr_alt, &amount_text));
            attr(&image, "width", "240");
            attr(&image, "height", "240");
            let _ = panel.append_child(&image);
        }
        if let Some(expires_at) = charge.expires_at {
            let expires_at_ms = expires_at.unix() as f64 * 1_000.0;
            let countdown = element(doc, "p", "paywasm-countdown", "");
            let _ = countdown.append_child(&doc.create_text_node(&format!("{} ", texts.time_left)));
            let timer = element(doc, "span", "", &clock(seconds_until(expires_at_ms)));
            attr(&timer, "role", "timer");
            let _ = countdown.append_child(&timer);
            let _ = panel.append_child(&countdown);
            let this = Rc::downgrade(self);
            let shown = panel.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut announced = ANNOUNCE_AT_SECS
                    .iter()
                    .filter(|&&t| seconds_until(expires_at_ms) <= t)
                    .count();
                loop {
                    crate::browser::sleep(1_000).await;
                    let Some(this) = this.upgrade() else { return };
                    if !this.alive.get() || !shown.is_connected() {
                        return;
                    }
                    let left = seconds_until(expires_at_ms);
                    timer.set_text_content(Some(&clock(left)));
                    let due = ANNOUNCE_AT_SECS.iter().filter(|&&t| left <= t).count();
                    if due > announced && left > 0 {
                        announced = due;
                        let text = if left >= 60 {
                            fill(this.texts.minutes_left, &((left + 59) / 60).to_string())
                        } else {
                            fill(this.texts.seconds_left, &left.to_string())
                        };
                        *this.notice.borrow_mut() = Some(text);
                        this.render();
                    }
                    if left == 0 {
                        return;
                    }
                }
            });
        }
        let _ = panel.append_child(&element(doc, "p", "paywasm-hint", texts.qr_instructions));
        if self.platform != PlatformType::Web {
            if let Some(uri) = image_uri {
                let save = element(doc, "button", "paywasm-save", texts.save_qr);
                attr(&save, "type", "button");
                listeners.push(self.on_click(&save, move |_| {
                    let uri = uri.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Err(error) =
                            crate::browser::save_image_as_png(&uri, 720, "promptpay-qr.png").await
                        {
                            web_sys::console::error_2(
                                &"paywasm: could not save the QR code".into(),
                                &error,
                            );
                        }
                    });
                }));
                let _ = panel.append_child(&save);
            }
        }
        Piece {
            node: panel,
            _listeners: listeners,
        }
    }

    fn start(self: &Rc<Self>, method: SourceType) {
        // Two clicks in one frame, before the buttons are disabled, start one payment.
        if self.phase.borrow().is_busy() {
            return;
        }
        self.last_method.set(Some(method));
        self.set(Phase::Starting(method));
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match flow::start(&this.options, method).await {
                Ok(Started::Redirect(uri)) => {
                    this.set(Phase::Redirecting);
                    if !this.alive.get() || this.callbacks.redirect(&uri) {
                        return;
                    }
                    let navigated = web_sys::window().map(|w| w.location().assign(&uri));
                    if !matches!(navigated, Some(Ok(()))) {
                        this.set(Phase::Error(WidgetError::UnsafeRedirect));
                    }
                }
                Ok(Started::Wait(charge)) => {
                    let id = charge.id.clone();
                    this.set(Phase::Waiting(charge));
                    this.wait(id);
                }
                Err(error) => this.set(Phase::Error(error)),
            }
        });
    }

    fn wait(self: &Rc<Self>, charge_id: String) {
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = {
                let alive = this.clone();
                let reconnecting = this.clone();
                flow::wait_for_result(
                    &this.options,
                    &charge_id,
                    move || alive.alive.get(),
                    move |lost| {
                        reconnecting.reconnecting.set(lost);
                        reconnecting.render();
                    },
                )
                .await
            };
            if !this.alive.get() {
                return;
            }
            this.reconnecting.set(false);
            *this.notice.borrow_mut() = None;
            match result {
                Ok(Some(charge)) => this.set(Phase::Done(charge)),
                Ok(None) => this.render(),
                Err(error) => this.set(Phase::Error(error)),
            }
        });
    }
}

fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|languages| languages.iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default()
}

/// Mounts the checkout into `target`; the returned function unmounts it. `chosen`: a method
/// the customer chose in the server's first view before the widget loaded.
pub fn mount(
    target: &Element,
    options: Options,
    callbacks: Callbacks,
    chosen: Option<String>,
) -> impl FnOnce() {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("a document");
    let languages = browser_languages();
    let texts = i18n::choose(
        options.locale.as_deref(),
        languages.iter().map(String::as_str),
    );
    let platform = flow::current_platform();
    let offered = checkout_methods(options.gateway, options.amount, &options.currency, platform);
    let methods: Vec<SourceType> = offered
        .into_iter()
        .filter(|t| {
            options
                .methods
                .as_ref()
                .is_none_or(|allowed| allowed.contains(t))
        })
        .collect();
    let resuming = options.charge_id.is_some();
    let initial = if resuming {
        Phase::Confirming
    } else if methods.is_empty() {
        Phase::Unavailable
    } else {
        Phase::Choosing
    };

    let root = element(&doc, "section", "paywasm", "");
    attr(&root, "lang", texts.lang);
    let amount_text = i18n::amount(options.amount, &options.currency);
    let title = element(
        &doc,
        "h2",
        "paywasm-title",
        &fill(texts.choose, &amount_text),
    );
    let group = element(&doc, "div", "paywasm-methods", "");
    attr(&group, "role", "group");
    attr(&group, "aria-label", texts.methods_label);
    let buttons: Vec<Element> = methods
        .iter()
        .map(|method| {
            let button = element(
                &doc,
                "button",
                "paywasm-method",
                method.method().display_name,
            );
            attr(&button, "type", "button");
            let _ = group.append_child(&button);
            button
        })
        .collect();
    let status = element(&doc, "p", "paywasm-status", "");
    attr(&status, "role", "status");
    attr(&status, "aria-live", "polite");
    attr(&status, "tabindex", "-1");
    let _ = root.append_child(&status);

    let checkout = Rc::new(Checkout {
        doc,
        root,
        title,
        group,
        buttons,
        status,
        qr: RefCell::new(None),
        again: RefCell::new(None),
        options,
        callbacks,
        texts,
        platform,
        resuming,
        phase: RefCell::new(initial.clone()),
        reconnecting: Cell::new(false),
        notice: RefCell::new(None),
        last_method: Cell::new(None),
        alive: Cell::new(true),
        listeners: RefCell::new(Vec::new()),
    });
    for (button, &method) in checkout.buttons.iter().zip(&methods) {
        let listener = checkout.on_click(button, move |this| this.start(method));
        checkout.listeners.borrow_mut().push(listener);
    }
    checkout.render();
    let _ = target.append_child(&checkout.root);
    checkout.announce(initial);

    if let Some(charge_id) = checkout.options.charge_id.clone() {
        checkout.wait(charge_id);
    } else if let Some(&method) =
        chosen.and_then(|name| methods.iter().find(|m| m.as_str() == name))
    {
        checkout.start(method);
    }

    move || {
        checkout.alive.set(false);
        checkout.root.remove();
        // Its listeners go with it (they hold it only weakly).
        checkout.listeners.borrow_mut().clear();
        drop(checkout.qr.take());
        drop(checkout.again.take());
    }
}

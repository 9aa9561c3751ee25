//! Small waits on the browser: timers and page visibility, as futures.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Whether the page is hidden (another tab, a minimised window, a locked phone).
pub fn is_hidden() -> bool {
    document().is_some_and(|d| d.hidden())
}

fn timeout_promise(ms: u32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.min(i32::MAX as u32) as i32,
            );
        }
    })
}

fn visibility_promise() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        if let Some(document) = document() {
            let options = web_sys::AddEventListenerOptions::new();
            options.set_once(true);
            let _ = document.add_event_listener_with_callback_and_add_event_listener_options(
                "visibilitychange",
                &resolve,
                &options,
            );
        }
    })
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let _ = JsFuture::from(timeout_promise(ms)).await;
}

/// A timer and a `visibilitychange` listener that settle one promise; dropping it clears the
/// timer and removes the listener, whichever fired (a wait of ten minutes makes about 200 of
/// these, and none may stay behind).
struct TimerOrVisibility {
    settle: js_sys::Function,
    timer: Option<i32>,
}

impl Drop for TimerOrVisibility {
    fn drop(&mut self) {
        if let (Some(window), Some(timer)) = (web_sys::window(), self.timer) {
            window.clear_timeout_with_handle(timer);
        }
        if let Some(document) = document() {
            let _ = document.remove_event_listener_with_callback("visibilitychange", &self.settle);
        }
    }
}

/// Waits `ms` milliseconds, or less if the page becomes visible or hidden meanwhile (a
/// customer coming back from the banking app is answered at once).
pub async fn sleep_or_visibility_change(ms: u32) {
    let mut settle = None;
    let settled = js_sys::Promise::new(&mut |resolve, _| settle = Some(resolve));
    let (Some(settle), Some(window)) = (settle, web_sys::window()) else {
        return;
    };
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            &settle,
            ms.min(i32::MAX as u32) as i32,
        )
        .ok();
    if let Some(document) = document() {
        let _ = document.add_event_listener_with_callback("visibilitychange", &settle);
    }
    let _pending = TimerOrVisibility { settle, timer };
    let _ = JsFuture::from(settled).await;
}

/// Resolves once the page is visible.
pub async fn until_visible() {
    while is_hidden() {
        let _ = JsFuture::from(visibility_promise()).await;
    }
}

/// Renders `image_url` (a same-origin or CORS-enabled image) as a PNG of `size` pixels with a
/// white margin, and offers it as a download named `file_name`: what a customer on a phone
/// uploads into a banking app.
pub async fn save_image_as_png(
    image_url: &str,
    size: u32,
    file_name: &str,
) -> Result<(), wasm_bindgen::JsValue> {
    let document = document().ok_or("no document")?;
    let image = web_sys::HtmlImageElement::new()?;
    image.set_cross_origin(Some("anonymous"));
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        let on_load = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call0(&wasm_bindgen::JsValue::NULL);
        });
        image.set_onload(Some(on_load.unchecked_ref()));
        image.set_onerror(Some(on_error.unchecked_ref()));
    });
    image.set_src(image_url);
    JsFuture::from(loaded).await?;
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(size);
    canvas.set_height(size);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    context.set_fill_style_str("#ffffff");
    let side = f64::from(size);
    context.fill_rect(0.0, 0.0, side, side);
    let margin = side * 0.06;
    context.set_image_smoothing_enabled(false);
    context.draw_image_with_html_image_element_and_dw_and_dh(
        &image,
        margin,
        margin,
        side - 2.0 * margin,
        side - 2.0 * margin,
    )?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&canvas.to_data_url_with_type("image/png")?);
    link.set_download(file_name);
    link.click();
    Ok(())
}

//! Scanning the customer's payment code with the device's camera, where the browser has the
//! Shape Detection API's `BarcodeDetector` (Chrome on Android, ChromeOS and macOS; Safari 17+).
//! Elsewhere the cashier view offers only the scanner field, which every browser has.
//!
//! Alipay and WeChat Pay show the payment code as a Code 128 barcode and as a QR code holding
//! the same digits; either is accepted.

use crate::browser;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlVideoElement, MediaStream, MediaStreamConstraints};

#[wasm_bindgen]
extern "C" {
    /// The browser's `BarcodeDetector` (not in web-sys's stable API set).
    type BarcodeDetector;

    #[wasm_bindgen(constructor, catch)]
    fn new(options: &JsValue) -> Result<BarcodeDetector, JsValue>;

    #[wasm_bindgen(method)]
    fn detect(this: &BarcodeDetector, source: &HtmlVideoElement) -> js_sys::Promise;
}

/// How often a frame is examined: fast enough to feel immediate, light on a phone's battery.
const FRAME_INTERVAL_MS: u32 = 150;

/// Whether this browser can scan with the camera.
pub fn available() -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::has(&window, &JsValue::from_str("BarcodeDetector")).unwrap_or(false)
    })
}

/// Why the camera cannot scan; each says what the cashier can do instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CameraError {
    /// The cashier (or the browser's policy) refused the camera.
    #[error(
        "The camera is not allowed. Allow it in the browser's site settings, or use the scanner."
    )]
    NotAllowed,
    /// No camera, or it is used by another application.
    #[error("No camera is available. Use the scanner field instead.")]
    Unavailable,
}

impl CameraError {
    fn from_js(error: JsValue) -> Self {
        let name = js_sys::Reflect::get(&error, &JsValue::from_str("name"))
            .ok()
            .and_then(|name| name.as_string())
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" => Self::NotAllowed,
            _ => Self::Unavailable,
        }
    }
}

/// The camera while it runs; dropping it turns the camera off.
struct Stream(MediaStream);

impl Drop for Stream {
    fn drop(&mut self) {
        for track in self.0.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

async fn open(video: &HtmlVideoElement) -> Result<Stream, CameraError> {
    let devices = web_sys::window()
        .and_then(|window| window.navigator().media_devices().ok())
        .ok_or(CameraError::Unavailable)?;
    let constraints = MediaStreamConstraints::new();
    // The back camera on a phone or tablet; any camera elsewhere.
    let video_constraints = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &video_constraints,
        &JsValue::from_str("facingMode"),
        &JsValue::from_str("environment"),
    );
    constraints.set_video(&video_constraints);
    let request = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(CameraError::from_js)?;
    let stream: MediaStream = JsFuture::from(request)
        .await
        .map_err(CameraError::from_js)?
        .unchecked_into();
    let stream = Stream(stream);
    video.set_src_object(Some(&stream.0));
    if let Ok(playing) = video.play() {
        JsFuture::from(playing)
            .await
            .map_err(CameraError::from_js)?;
    }
    Ok(stream)
}

/// Shows the camera in `video` and hands every code it reads to `found`, until `found` returns
/// true (a payment code was taken) or `running` turns false (the cashier stopped the camera).
/// The camera is off when this returns.
pub async fn scan(
    video: HtmlVideoElement,
    running: impl Fn() -> bool,
    mut found: impl FnMut(String) -> bool,
) -> Result<(), CameraError> {
    let options = js_sys::Object::new();
    let formats = js_sys::Array::of2(&"qr_code".into(), &"code_128".into());
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("formats"), &formats);
    let detector = BarcodeDetector::new(&options).map_err(|_| CameraError::Unavailable)?;
    let _stream = open(&video).await?;
    let mut last = String::new();
    while running() {
        // A frame that cannot be read yet (the video still starting) is simply skipped.
        if let Ok(codes) = JsFuture::from(detector.detect(&video)).await {
            let codes: js_sys::Array = codes.unchecked_into();
            for code in codes.iter() {
                let value = js_sys::Reflect::get(&code, &JsValue::from_str("rawValue"))
                    .ok()
                    .and_then(|value| value.as_string())
                    .unwrap_or_default();
                // The same code stays in view for many frames: judge it once.
                if value.is_empty() || value == last {
                    continue;
                }
                last = value.clone();
                if found(value) {
                    video.set_src_object(None);
                    return Ok(());
                }
            }
        }
        browser::sleep(FRAME_INTERVAL_MS).await;
    }
    video.set_src_object(None);
    Ok(())
}

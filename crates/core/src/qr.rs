//! A payload drawn as a QR code in SVG: crisp at every size, and what a phone's camera reads.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG document of `payload` as a QR code with a quiet zone, at least `min_size` pixels
/// wide. Error correction M, as banking apps expect of Thai QR.
pub fn svg(payload: &str, min_size: u32) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(min_size, min_size)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

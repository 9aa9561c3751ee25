// A camera for the cashier view's tests: Chromium's fake capture device playing a Y4M video of
// a real QR code, and a BarcodeDetector for Linux Chromium (which has none) that decodes the
// camera's frames with jsQR. The widget's camera code runs unchanged against both.
import { writeFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import QRCode from "qrcode";

const WIDTH = 640;
const HEIGHT = 480;

/** Writes a Y4M video (4:2:0, a few identical frames) showing `text` as a QR code. */
export function writeQrVideo(path, text) {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: "M" }).modules;
  const quiet = 4;
  const scale = Math.floor(Math.min(WIDTH, HEIGHT) / (size + 2 * quiet));
  const left = Math.floor((WIDTH - (size + 2 * quiet) * scale) / 2) + quiet * scale;
  const top = Math.floor((HEIGHT - (size + 2 * quiet) * scale) / 2) + quiet * scale;
  const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
  for (let y = 0; y < size * scale; y++) {
    for (let x = 0; x < size * scale; x++) {
      if (data[Math.floor(y / scale) * size + Math.floor(x / scale)]) {
        luma[(top + y) * WIDTH + left + x] = 16;
      }
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, frame, frame, frame]));
}

/** The launch arguments that make `video` the camera, allowed without a prompt. */
export function fakeCameraArgs(video) {
  return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${video}`];
}

/** An init script defining BarcodeDetector over jsQR. */
export function barcodeDetectorScript() {
  const jsqr = readFileSync(createRequire(import.meta.url).resolve("jsqr/dist/jsQR.js"), "utf8");
  return `${jsqr}
window.BarcodeDetector = class BarcodeDetector {
  static async getSupportedFormats() { return ["qr_code"]; }
  constructor(options) { this.formats = (options && options.formats) || []; }
  async detect(video) {
    if (!video.videoWidth) return [];
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext("2d");
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = jsQR(image.data, image.width, image.height);
    return code ? [{ rawValue: code.data, format: "qr_code" }] : [];
  }
};`;
}

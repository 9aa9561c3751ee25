// Starts the app: wasm-bindgen runs its `main`.
import init from "./leptos_app.js";
await init();

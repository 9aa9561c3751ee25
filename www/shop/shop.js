// The demo shop's page script, and the npm package's example: it imports the package's entry
// (pkg/index.js, as `import { mount } from "paywasm"` would in a bundled app), reads the
// settings the server put in the page, and mounts the widget. A merchant's page needs no more.
import { mount } from "/pkg/index.js";

const config = JSON.parse(document.getElementById("checkout-config").textContent);
const target = document.getElementById("checkout");
if (config.error) {
  target.textContent = config.error;
} else {
  await mount(target, config.widget);
}

// The point of sale in test mode: a test code's button scans it, as a scanner types a code
// into the focused field and presses Enter. The buttons come disabled until the till is
// mounted: a press before, with no field to type into, would be lost without a word.
for (const button of document.querySelectorAll("button[data-scan]")) button.disabled = false;
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-scan]");
  const field = document.getElementById("paywasm-code");
  if (!button || !field || field.form.hidden) return;
  field.value = button.dataset.scan;
  field.form.requestSubmit();
});

// The demo shop's page script: reads the settings the server put in the page and mounts the
// widget. A merchant's page needs no more than this.
import init, { mount } from "/pkg/paywasm.js";

const config = JSON.parse(document.getElementById("checkout-config").textContent);
const target = document.getElementById("checkout");
if (config.error) {
  target.textContent = config.error;
} else {
  await init();
  mount(target, config.widget);
}

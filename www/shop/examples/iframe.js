// The hosted checkout in an iframe: the parent's whole side is one call.
import { mountFrame } from "/pkg/frame.js";

const config = JSON.parse(document.getElementById("checkout-config").textContent);
const outcome = document.getElementById("outcome");
mountFrame("#checkout", {
  ...config,
  title: "Payment",
  onComplete: (charge) => (outcome.textContent = `${charge.status} (${charge.id})`),
  onError: (error) => (outcome.textContent = `error ${error.code}`),
});

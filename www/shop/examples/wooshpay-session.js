// A WooshPay Checkout Session's hosted page in an iframe: the shop's server created the
// session (its url is in the page's settings); the parent's side is one call.
import { mountCheckoutSession } from "/pkg/frame.js";

const config = JSON.parse(document.getElementById("checkout-config").textContent);
const outcome = document.getElementById("outcome");
mountCheckoutSession("#checkout", {
  url: config.url,
  title: "Payment",
  onComplete: (session) => {
    outcome.textContent = `${session.payment_status} (${session.id})`;
    location.assign(config.successUrl);
  },
  onExpired: (session) => (outcome.textContent = `expired (${session.id})`),
});

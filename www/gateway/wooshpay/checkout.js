// The hosted WooshPay checkout page's script (the page itself is rendered by the sandbox:
// crates/sandbox/src/pages/wooshpay_checkout.rs). It corrects the device for iPads that present
// themselves as Macs, polls the session until it is paid or expires, and sends the customer
// to the shop's success_url. In an iframe (?origin= names the parent) it speaks protocol
// "paywasm" version 1 with that origin only and lets the parent navigate.
const PROTOCOL = "paywasm";
const VERSION = 1;
const POLL_MS = 2000;

const main = document.querySelector("main.wp-checkout");
const { session, key, device } = main.dataset;
const query = new URLSearchParams(location.search);
const parentOrigin = query.get("origin");
const ancestors = location.ancestorOrigins;
const framed =
  Boolean(parentOrigin) && window.parent !== window && (!ancestors || ancestors.length === 0 || ancestors[0] === parentOrigin);
const status = main.querySelector(".wp-status");

function post(type, fields = {}) {
  if (framed) window.parent.postMessage({ protocol: PROTOCOL, version: VERSION, type, ...fields }, parentOrigin);
}

// iPadOS Safari says "Macintosh": with touch it is a tablet, and Alipay is an app there.
if (device === "WEB" && !query.has("device") && navigator.maxTouchPoints > 1 && /Macintosh/.test(navigator.userAgent)) {
  query.set("device", "IOS");
  location.replace(`${location.pathname}?${query}`);
}

if (framed) {
  // The hand-over to the Alipay app leaves the iframe: the parent navigates after its checks.
  for (const form of main.querySelectorAll("form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json" },
        body: new URLSearchParams(new FormData(form)),
      });
      const { url } = await response.json();
      post("redirect", { url });
    });
  }
  for (const link of main.querySelectorAll("a.wp-cancel")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      post("cancel", { url: link.href });
    });
  }
  new ResizeObserver(() => post("resize", { height: Math.ceil(document.documentElement.scrollHeight) })).observe(document.body);
  post("ready");
}

async function poll() {
  if (document.hidden) return setTimeout(poll, POLL_MS);
  let state;
  try {
    const response = await fetch(`/wooshpay/pay/${encodeURIComponent(session)}/status?key=${encodeURIComponent(key)}`, {
      cache: "no-store",
    });
    if (!response.ok) throw new Error(String(response.status));
    state = await response.json();
  } catch {
    status.textContent = "Reconnecting…";
    return setTimeout(poll, POLL_MS * 2);
  }
  if (state.status === "complete") {
    status.textContent = "Paid. Thank you! Returning to the shop…";
    post("complete", { session: { id: state.id, status: state.status, payment_status: state.payment_status }, url: state.success_url });
    if (!framed && state.success_url) location.assign(state.success_url);
    return;
  }
  if (state.status === "expired") {
    status.textContent = "This checkout has expired. Return to the shop to start again.";
    post("expired", { session: { id: state.id, status: state.status, payment_status: state.payment_status } });
    return;
  }
  // The attempt failed while this page waited (the customer declined in the app): show the
  // page's "try again" state.
  if (state.attempt_failed && !main.querySelector("[role=alert]")) return location.reload();
  status.textContent = "";
  setTimeout(poll, POLL_MS);
}
setTimeout(poll, POLL_MS);

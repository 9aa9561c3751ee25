// A React 19 app that pays with <paywasm-checkout>, the npm package's custom element, imported
// by path as a merchant's bundler would import "paywasm/element/react". React sets the
// element's options as properties and listens for its events (`on` + the event's name).
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import "../../pkg/element.js";
import "../../pkg/paywasm.css";

// The sandbox the end-to-end tests start (playwright.config.mjs); the order and its amount
// come from the shop, as a merchant's page gets them from its server.
const query = new URLSearchParams(location.search);

function Checkout() {
  const [state, setState] = useState("loading");
  const [paid, setPaid] = useState(null);
  const [error, setError] = useState(null);
  return (
    <main>
      <h1>paywasm in a React app</h1>
      <paywasm-checkout
        publicKey="pkey_test_5paywasmsandbox0demo0"
        gatewayUrl="http://127.0.0.1:17070"
        amount={Number(query.get("amount"))}
        currency="THB"
        chargeUrl="/checkout/charges"
        order={query.get("order")}
        methods={["promptpay"]}
        locale="en"
        oncomplete={(event) => setPaid(event.detail)}
        onstatechange={(event) => setState(event.detail)}
        onerror={(event) => setError(event.detail)}
      />
      <p aria-live="polite">
        {paid ? `The app heard: ${paid.id} ${paid.status}` : `The app heard the state: ${state}`}
      </p>
      {error && <p role="alert">The app heard an error: {error.code}</p>}
    </main>
  );
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <Checkout />
  </StrictMode>,
);

// Merchant code written for Omise.js's OmiseCard, unchanged but for the values the shop's page
// gives it (its public key and the order's amount).
const config = JSON.parse(document.getElementById("checkout-config").textContent);
const tokenResult = document.getElementById("token-result");
const chargeResult = document.getElementById("charge-result");

OmiseCard.configure({
  publicKey: config.publicKey,
  currency: "THB",
  frameLabel: "paywasm demo shop",
  defaultPaymentMethod: "promptpay",
  otherPaymentMethods: ["alipay_cn"],
  onCreateTokenSuccess: (nonce) => {
    tokenResult.textContent = `created ${nonce}`;
  },
  onFormClosed: () => {
    tokenResult.textContent = "form closed";
  },
});
OmiseCard.configureButton("#checkout-button", { amount: config.amount, submitLabel: "Pay" });
OmiseCard.attach();

// Beyond Omise.js: with the merchant server's charge URL the dialog shows the QR and waits.
document.getElementById("pay-and-wait").addEventListener("click", () => {
  OmiseCard.open({
    amount: config.amount,
    chargeUrl: config.chargeUrl,
    order: config.order,
    merchantName: config.merchantName,
    onComplete: (charge) => {
      chargeResult.textContent = `${charge.status} (${charge.id})`;
    },
  });
});

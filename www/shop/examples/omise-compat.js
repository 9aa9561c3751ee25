// Merchant code written for Omise.js, unchanged: only the script tag that defines `Omise`
// differs. (A file, not an inline script, so the page keeps a strict Content Security Policy.)
document.addEventListener("DOMContentLoaded", function () {
  var config = JSON.parse(document.getElementById("checkout-config").textContent);
  Omise.setPublicKey(config.publicKey);
  document.getElementById("create-source").addEventListener("click", function () {
    Omise.createSource("promptpay", { amount: config.amount, currency: "THB" }, function (statusCode, response) {
      document.getElementById("source-result").textContent = statusCode + " " + (response.id || response.code);
    });
  });
});

// OmiseCard, Omise.js's prebuilt payment form, for the source methods (PromptPay, Alipay, and
// Opn's others the checkout offers where `otherPaymentMethods` names them):
// loaded by embed.js the first time a page uses `OmiseCard`, so that a page that does not pays
// nothing for it. The same interface as Omise.js (configure, open, close, configureButton,
// attach; options publicKey, amount, currency, frameLabel, frameDescription, submitLabel,
// buttonLabel, locale, image, defaultPaymentMethod, otherPaymentMethods, hideAmount,
// submitFormTarget, submitAuto; callbacks onCreateTokenSuccess(nonce, isSource) and
// onFormClosed()), and its script-in-a-form mode. Beyond Omise.js: with `chargeUrl` (and
// `order`) the dialog goes on to the QR or the redirect and the wait, as the widget does, and
// calls `onComplete(charge)`.
//
// The form is a modal <dialog>: named by frameLabel, the methods as buttons named by their
// display names, the submit button named by submitLabel, focus kept inside, Escape closes and
// focus returns to where it was. No inline styles or scripts: it works under a strict CSP.

/** The methods a customer can pay with online, by Omise's source types in the order they are
 *  offered, each with its name, the amounts it takes in each currency ([min, max], smallest
 *  unit), whether it is offered on phones only, the way of the same wallet it gives way to on a
 *  platform, and whether its source says the platform: the registry's (crates/core/policy.json,
 *  written in by the build, scripts/policy.mjs; a test in paywasm-core keeps the two the same). */
const ONLINE_METHODS = "__POLICY:ONLINE_METHODS__";
const METHODS = Object.fromEntries(ONLINE_METHODS.map((method) => [method.type, method]));

/** Whether method `name` takes `amount` of `currency`. */
function fits(name, amount, currency) {
  const range = METHODS[name]?.limits[currency];
  return Boolean(range) && amount >= range[0] && amount <= range[1];
}
/** `typed` without its spaces and dashes if it is then a Thai mobile number as TrueMoney takes
 *  it (ten digits from 06, 08 or 09, or the same nine after +66), else null: the checkout's
 *  rule (paywasm-core's `thai_mobile_number`), so that the customer hears it at the field. */
function thaiMobileNumber(typed) {
  const number = typed.replace(/[ -]/g, "");
  return /^(\+66|0)[689][0-9]{8}$/.test(number) ? number : null;
}

/** The customer's platform ("WEB", "IOS" or "ANDROID") by the checkout's rule (paywasm-core's
 *  `detect_platform`): an iPad in its desktop mode names a Mac but has touch points. */
function platform() {
  const agent = navigator.userAgent;
  if (/iPhone|iPad|iPod/.test(agent) || (agent.includes("Macintosh") && navigator.maxTouchPoints > 1)) return "IOS";
  return agent.includes("Android") ? "ANDROID" : "WEB";
}

/** Whether the dialog offers method `name` on `here`, of the `named` ones, as the checkout
 *  does: the banks' apps on phones only; of a wallet named both ways (ShopeePay's app and its
 *  QR page), the way for this platform. */
function suits(name, named, here) {
  const method = METHODS[name];
  return !(method.phones_only && here === "WEB") && !named.includes(method.gives_way_to?.[here]);
}

/** What Omise.js's form offers that paywasm does not, ever: card payments. */
const CARD = ["credit_card", "card"];

const WORDS = {
  en: {
    none: "This order cannot be paid with the methods offered here. Please contact the shop.",
    title: "Payment", pay: "Pay", close: "Close", methods: "Payment method", processing: "Processing…",
    failed: "The payment could not start: {}. Please try again.",
    network: "We could not reach the payment service. Check your connection and try again.",
    phone: "Your {} mobile number", phoneInvalid: "Enter a Thai mobile number, such as 0812345678.",
  },
  th: {
    none: "ไม่สามารถชำระคำสั่งซื้อนี้ด้วยวิธีชำระเงินที่มีให้ที่นี่ กรุณาติดต่อร้านค้า",
    title: "ชำระเงิน", pay: "ชำระเงิน", close: "ปิด", methods: "วิธีชำระเงิน", processing: "กำลังดำเนินการ…",
    failed: "เริ่มการชำระเงินไม่สำเร็จ: {} กรุณาลองอีกครั้ง",
    network: "ติดต่อบริการชำระเงินไม่ได้ กรุณาตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง",
    phone: "หมายเลขโทรศัพท์มือถือที่ใช้กับ {}", phoneInvalid: "กรอกหมายเลขโทรศัพท์มือถือไทย เช่น 0812345678",
  },
  ja: {
    none: "この注文は、ここで利用できるお支払い方法ではお支払いいただけません。ショップにお問い合わせください。",
    title: "お支払い", pay: "支払う", close: "閉じる", methods: "お支払い方法", processing: "処理中…",
    failed: "お支払いを開始できませんでした（{}）。もう一度お試しください。",
    network: "決済サービスに接続できませんでした。接続を確認して、もう一度お試しください。",
    phone: "{} の携帯電話番号", phoneInvalid: "タイの携帯電話番号を入力してください（例：0812345678）。",
  },
  zh: {
    none: "此订单无法使用这里提供的支付方式付款。请联系商家。",
    title: "付款", pay: "付款", close: "关闭", methods: "支付方式", processing: "正在处理…",
    failed: "无法开始付款（{}）。请重试。",
    network: "无法连接支付服务。请检查网络后重试。",
    phone: "{} 手机号码", phoneInvalid: "请输入泰国手机号码，例如 0812345678。",
  },
};

/** "THB 1,290.00" from 129000: the currency's own number of decimals (JPY none). */
function formatAmount(amount, currency, lang) {
  const format = new Intl.NumberFormat(lang, { style: "currency", currency, currencyDisplay: "code" });
  return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
}

/** Omise.js takes other methods as an array or a comma-separated string. */
function list(value) {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.split(",").map((name) => name.trim()).filter(Boolean);
  return [];
}

function refuse(message) {
  throw new Error(`paywasm OmiseCard: ${message}`);
}

/** The methods the options name (every one when none), the default first; a card payment
 *  asked for is refused, an unknown method warned of. Checked as soon as options are given,
 *  before the amount may be known. */
function namedMethods(options) {
  const asked = [options.defaultPaymentMethod, ...list(options.otherPaymentMethods)].filter(Boolean).map(String);
  const available = Object.keys(METHODS).join(", ");
  const cards = asked.filter((name) => CARD.includes(name));
  if (cards.length) {
    refuse(`card payments (${cards.join(", ")}) are not offered: paywasm takes payment sources only. Available: ${available}.`);
  }
  const unknown = asked.filter((name) => !METHODS[name]);
  if (unknown.length) console.warn(`paywasm OmiseCard: ${unknown.join(", ")} not offered (available: ${available})`);
  const known = [...new Set(asked.filter((name) => METHODS[name]))];
  if (asked.length && !known.length) refuse(`none of ${asked.join(", ")} is offered. Available: ${available}.`);
  return asked.length ? known : Object.keys(METHODS);
}

/** The named methods that can take `amount` of `currency`; for an order none of them can take,
 *  none (the merchant is told what each takes). */
function offeredMethods(options, amount, currency) {
  const named = namedMethods(options);
  const here = platform();
  const suited = named.filter((name) => suits(name, named, here));
  const order = formatAmount(amount, currency, "en");
  const unfit = suited.filter((name) => !fits(name, amount, currency));
  const chosen = options.defaultPaymentMethod || options.otherPaymentMethods;
  if (chosen && unfit.length) console.warn(`paywasm OmiseCard: ${unfit.join(", ")} cannot take ${order}`);
  const offered = suited.filter((name) => fits(name, amount, currency));
  if (!offered.length) {
    // The customer is told in the dialog; the merchant, here.
    const takes = named.map((name) => `${name}: ${Object.keys(METHODS[name].limits).join(", ")}${METHODS[name].phones_only ? " (on phones)" : ""}`).join("; ");
    console.error(`paywasm OmiseCard: no method can take ${order} (${takes}; each within its limits)`);
  }
  return offered;
}

function checked(options, publicKey, refuseSecretKey) {
  const key = options.publicKey ?? publicKey;
  if (typeof key !== "string" || !key) refuse("publicKey is missing (OmiseCard.configure({ publicKey: \"pkey_...\" }))");
  refuseSecretKey(key);
  const amount = Number(options.amount);
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    refuse(`amount must be a positive integer in the currency's smallest unit (129000 is THB 1,290.00), not ${options.amount}`);
  }
  const currency = String(options.currency ?? "THB").toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) refuse(`currency must be an ISO 4217 code such as "THB", not ${options.currency}`);
  return { ...options, publicKey: key, amount, currency, methods: offeredMethods(options, amount, currency) };
}

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';
let dialogs = 0;

/**
 * The OmiseCard instance embed.js forwards to. `host`: `stylesheet(file)` (links the
 * stylesheet beside embed.js, pinned; a Promise settled once it is in force, failed or 3 s
 * old), `publicKey()` (Omise.setPublicKey's), `refuseSecretKey(key)` (throws
 * for a secret key: js/policy.js's rule), `sourceAnswer(key, type, params)` (a Promise of the
 * gateway's `{status, response}`), `language(locale)` (the checkout's: "en", "th", "ja" or
 * "zh") and `mount(target, options)` (the widget).
 */
export function omiseCard(host) {
  // Linked as this module loads (configure, a button attached), long before a customer's
  // click; the dialog waits for it, so it never flashes unstyled on a slow network.
  const styled = host.stylesheet("omise-card.css");
  let defaults = {};
  let open = null;

  function close(how = "closed") {
    if (!open) return;
    const { dialog, opener, options, mounted } = open;
    open = null;
    mounted?.unmount();
    dialog.close();
    dialog.remove();
    if (opener?.isConnected) opener.focus();
    if (how === "closed") options.onFormClosed?.();
  }

  /** Fills the form's hidden `omiseSource` (and empties `omiseToken`), then submits it. */
  function submitForm(target, options, nonce) {
    const form = typeof target === "string" ? document.querySelector(target) : target;
    if (!(form instanceof HTMLFormElement)) return;
    for (const [name, value] of [["omiseToken", ""], ["omiseSource", nonce]]) {
      let input = form.querySelector(`input[name="${name}"]`);
      if (!input) form.append((input = element("input", { type: "hidden", name })));
      input.value = value;
    }
    const auto = options.submitAuto;
    if (auto === false || auto === "no" || auto === "false") return;
    form.submit();
  }

  function openDialog(given) {
    const options = checked({ ...defaults, ...given }, host.publicKey(), host.refuseSecretKey);
    close();
    const lang = host.language(options.locale);
    const words = WORDS[lang];
    const id = `paywasm-card-${++dialogs}`;
    let chosen = options.methods[0];

    // TrueMoney Wallet's source needs the customer's mobile number, asked under the methods
    // when it is chosen, as Omise.js's form does (with a charge URL the checkout asks it).
    const asksPhone = (name) => !options.chargeUrl && METHODS[name].phone_number;
    const phoneInput = element("input", { type: "tel", name: "phone_number", autocomplete: "tel", inputmode: "tel", required: true });
    const phoneLabel = element("span");
    const phoneField = element("label", { class: "paywasm-card-phone" }, [phoneLabel, phoneInput]);
    // A refusal lasts until the customer changes the number.
    phoneInput.addEventListener("input", () => phoneInput.setCustomValidity(""));
    const showPhone = () => {
      phoneField.hidden = !asksPhone(chosen);
      phoneLabel.textContent = words.phone.replace("{}", METHODS[chosen]?.name ?? "");
    };

    const methodButtons = options.methods.map((name) => {
      const button = element("button", { type: "button", class: "paywasm-card-method", "data-method": name, "aria-pressed": String(name === chosen) }, [METHODS[name].name]);
      button.addEventListener("click", () => {
        chosen = name;
        for (const other of methodButtons) other.setAttribute("aria-pressed", String(other === button));
        showPhone();
        if (asksPhone(name)) phoneInput.focus();
      });
      return button;
    });
    const alert = element("p", { class: "paywasm-card-alert", role: "alert" });
    const submit = element("button", { type: "button", class: "paywasm-card-submit" }, [options.submitLabel ?? words.pay]);
    const closeButton = element("button", { type: "button", class: "paywasm-card-close", "aria-label": words.close }, ["×"]);
    const payable = options.methods.length > 0;
    if (payable) showPhone();
    if (!payable) alert.textContent = words.none;
    const form = element("div", { class: "paywasm-card-form" }, [
      ...(options.hideAmount ? [] : [element("p", { class: "paywasm-card-amount" }, [formatAmount(options.amount, options.currency, lang)])]),
      ...(payable ? [element("div", { class: "paywasm-card-methods", role: "group", "aria-label": words.methods }, methodButtons), phoneField] : []),
      alert,
      ...(payable ? [submit] : []),
    ]);
    const header = element("header", { class: "paywasm-card-header" }, [
      ...(options.image ? [element("img", { class: "paywasm-card-image", src: options.image, alt: "", width: 48, height: 48 })] : []),
      element("div", {}, [
        element("h2", { id: `${id}-title`, class: "paywasm-card-title" }, [options.frameLabel ?? words.title]),
        ...(options.frameDescription ? [element("p", { id: `${id}-description`, class: "paywasm-card-description" }, [options.frameDescription])] : []),
      ]),
      closeButton,
    ]);
    const dialog = element("dialog", {
      class: "paywasm-card",
      lang,
      "aria-labelledby": `${id}-title`,
      "aria-describedby": options.frameDescription ? `${id}-description` : undefined,
    }, [header, form]);

    closeButton.addEventListener("click", () => close());
    // Escape: the dialog's own cancel, closed our way (focus back, onFormClosed).
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close();
    });
    // Focus stays inside: Tab from the last control goes to the first, and back.
    dialog.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const focusable = [...dialog.querySelectorAll(FOCUSABLE)].filter((node) => node.getClientRects().length);
      if (!focusable.length) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });

    submit.addEventListener("click", async () => {
      alert.textContent = "";
      if (options.chargeUrl) {
        // Beyond Omise.js: the widget takes over the dialog with the chosen method started
        // (as it takes over a server-rendered first view the customer already tapped).
        const target = element("div", { class: "paywasm-card-widget" }, [
          element("div", { "data-paywasm-first-view": true, "data-chosen": chosen }),
        ]);
        form.replaceWith(target);
        try {
          const mounted = await host.mount(target, {
            publicKey: options.publicKey, amount: options.amount, currency: options.currency,
            chargeUrl: options.chargeUrl, order: options.order, merchantName: options.merchantName,
            locale: lang, methods: options.methods,
            onComplete: (charge) => options.onComplete?.(charge),
            onError: (error) => options.onError?.(error),
          });
          if (open?.dialog === dialog) open.mounted = mounted;
          else mounted.unmount();
        } catch (error) {
          target.replaceWith(form);
          alert.textContent = words.failed.replace("{}", error?.message ?? String(error));
        }
        return;
      }
      const params = { amount: options.amount, currency: options.currency };
      // A page that sends the customer away opens the app on a phone: it must know the platform.
      if (METHODS[chosen].names_platform) params.platform_type = platform();
      if (asksPhone(chosen)) {
        params.phone_number = thaiMobileNumber(phoneInput.value);
        if (!params.phone_number) {
          // The browser's own bubble, in the dialog's words; no source is asked for.
          phoneInput.setCustomValidity(words.phoneInvalid);
          phoneInput.reportValidity();
          return;
        }
      }
      submit.disabled = true;
      submit.textContent = words.processing;
      dialog.setAttribute("aria-busy", "true");
      let answer;
      try {
        answer = await host.sourceAnswer(options.publicKey, chosen, params);
      } catch {
        answer = { status: 0 };
      }
      if (open?.dialog !== dialog) return;
      if (answer.status >= 200 && answer.status < 300 && answer.response?.id) {
        close("paid");
        options.onCreateTokenSuccess?.(answer.response.id, true);
        if (options.submitFormTarget) submitForm(options.submitFormTarget, options, answer.response.id);
      } else {
        // The gateway's own words when it refused (the amount, the key); else the network.
        const message = answer.response?.message;
        alert.textContent = message ? words.failed.replace("{}", message) : words.network;
        submit.disabled = false;
        submit.textContent = options.submitLabel ?? words.pay;
        dialog.removeAttribute("aria-busy");
      }
    });

    document.body.append(dialog);
    open = { dialog, options, opener: document.activeElement, mounted: null };
    styled.then(() => {
      if (open?.dialog !== dialog) return;
      dialog.showModal();
      (methodButtons[0] ?? closeButton).focus();
    });
  }

  /** Omise.js's data- attributes of the script in a form, as options. */
  function fromDataset(data) {
    const options = {
      publicKey: data.key, amount: data.amount, currency: data.currency, frameLabel: data.frameLabel,
      frameDescription: data.frameDescription, submitLabel: data.submitLabel, buttonLabel: data.buttonLabel,
      locale: data.locale, image: data.image, defaultPaymentMethod: data.defaultPaymentMethod,
      otherPaymentMethods: data.otherPaymentMethods, submitAuto: data.submitAuto,
      chargeUrl: data.chargeUrl, order: data.order,
      hideAmount: data.hideAmount !== undefined && data.hideAmount !== "false",
    };
    return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  }

  return {
    /** Omise.createToken: card tokens are not offered; the callback (or the Promise) says so. */
    createToken(type, data, callback) {
      const refusal = {
        object: "error",
        code: "not_supported",
        message: `card tokens (createToken) are not offered: paywasm creates payment sources. Use Omise.createSource with one of ${Object.keys(METHODS).join(", ")}.`,
      };
      if (typeof callback === "function") return callback(400, refusal);
      return Promise.reject(Object.assign(new Error(refusal.message), { status: 400, response: refusal }));
    },
    configure(options) {
      defaults = { ...defaults, ...options };
      namedMethods(defaults);
    },
    /** Checks a button's options; embed.js wires the button itself (attach), at once. */
    configureButton(_selector, options = {}) {
      namedMethods({ ...defaults, ...options });
    },
    open(options = {}) {
      openDialog(options);
    },
    close() {
      close();
    },
    /** The script-in-a-form mode: a pay button after the script, the form filled and submitted. */
    formButton(script, form) {
      const options = { ...fromDataset(script.dataset), submitFormTarget: form };
      namedMethods(options);
      const label = options.buttonLabel ?? WORDS[host.language(options.locale)].pay;
      const button = element("button", { type: "button", class: "paywasm-card-button" }, [label]);
      button.addEventListener("click", () => openDialog(options));
      script.after(button);
    },
  };
}

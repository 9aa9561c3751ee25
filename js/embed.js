/*! paywasm embed: one classic script for a script tag.
 *
 *   <script src="https://.../paywasm/embed.js" data-gateway-url="https://api.omise.co"></script>
 *
 * Loads the widget (paywasm.js and paywasm_bg.wasm next to this file; paywasm_methods.* for a
 * checkout naming Opn's other methods; paywasm_wooshpay.* on WooshPay; paywasm_pos.* for the
 * cashier view, mode "pos") and its stylesheet (paywasm.css, the cashier's paywasm-pos.css;
 * not again if the page links it), from wherever this file is served: a CDN on another origin
 * works when it answers with CORS headers (README: "From a CDN"). It defines:
 * - `Omise`, compatible with Omise.js's sources API: `Omise.setPublicKey(key)` and
 *   `Omise.createSource(type, params, callback)` calling `callback(statusCode, response)`
 *   exactly as Omise.js does, or returning a Promise when no callback is given. Unlike Omise.js it
 *   sends `Omise-Version` and refuses a secret key.
 * - `Paywasm.mount(target, options)`: the checkout widget (a Promise of the mounted checkout).
 * - Declarative mounting, when this script's tag says `data-paywasm-declarative`: `<div
 *   data-paywasm-amount="129000" data-paywasm-currency="THB" data-paywasm-public-key="pkey_..."
 *   data-paywasm-charge-url="/checkout/charges" data-paywasm-order="ord_..."></div>` is mounted
 *   when the page has loaded, and the custom element `<paywasm-checkout public-key="pkey_..."
 *   amount="129000" ...>` is defined (custom-element.js). Opt-in: otherwise any markup injected
 *   into a page (a review, a product name) could become a checkout paying someone else's key.
 * - `OmiseCard`, Omise.js's prebuilt form for the source methods: `configure`, `open`, `close`,
 *   `configureButton`, `attach`, and its script-in-a-form mode (`data-key`, `data-amount`, ...
 *   on this script inside a <form>). The dialog's code (omise-card.js, omise-card.css) is loaded
 *   only when a page uses it.
 * The gateway comes from the script's `data-gateway-url` (default: Omise's production API).
 */
(function () {
  "use strict";
  // Imported on a server (a framework's server-side rendering): nothing to define there.
  if (typeof document == "undefined") return;
  var script = document.currentScript;
  var here = script && script.src ? script.src : location.href;
  // The version and gateways of crates/core/policy.json, written in by the build (scripts/policy.mjs).
  var VERSION = "__POLICY:VERSION__";
  var GATEWAYS = "__POLICY:GATEWAYS__";
  var CHECKOUT_METHODS = "__POLICY:CHECKOUT_METHODS__";
  var gatewayUrl = (script && script.getAttribute("data-gateway-url")) || GATEWAYS.omise.url;
  var publicKey = null;
  var loaded = {};

  // The hashes of the files this script loads, stamped into the published copy by the build
  // (scripts/integrity.mjs): with this script's own integrity attribute they pin every file, so
  // a file changed on the CDN is refused by the browser, not run.
  var INTEGRITY = "__PAYWASM_INTEGRITY__";
  // A file without a hash is not loaded: unpinned, a file changed on the CDN would run. (An
  // unstamped copy's INTEGRITY is the placeholder string, which has no file's name either.)
  function hashOf(file) {
    var hash = INTEGRITY[file];
    if (!hash) throw new Error("paywasm: not loading " + file + " unpinned");
    return hash;
  }

  // A <link rel> to `file` beside this script, once, in CORS mode (as a CDN serves it) with
  // its hash; the element. A stylesheet the page links itself is not linked again.
  function link(rel, file) {
    var href = new URL(file, here).href;
    var links = document.querySelectorAll("link");
    for (var i = 0; i < links.length; i++) {
      if (links[i].href === href && links[i].rel === rel) return links[i];
    }
    var element = document.createElement("link");
    element.rel = rel;
    element.href = href;
    element.crossOrigin = "anonymous";
    element.integrity = hashOf(file);
    document.head.appendChild(element);
    return element;
  }

  // Stylesheet `file`, linked; settles once it is in force, or failed (what it styles works
  // without it), or after three seconds (a link that failed before this call tells no one).
  function stylesheet(file) {
    return new Promise(function (settle) {
      var element = link("stylesheet", file);
      if (element.sheet) settle();
      element.addEventListener("load", settle);
      element.addEventListener("error", settle);
      setTimeout(settle, 3000);
    });
  }

  // An ES module beside this script: its preload carries the hash, and the import takes the
  // module the preload fetched (a module is fetched once per page), so the hash applies.
  function importPinned(file) {
    return import(link("modulepreload", file).href);
  }

  // The checkout (paywasm.js), the same with Opn's other methods (paywasm_methods.js), the
  // checkout on WooshPay (paywasm_wooshpay.js, gateway "wooshpay") and the cashier's view
  // (paywasm_pos.js, mode "pos") are separate builds: a page downloads only the one it mounts.
  function widget(build) {
    build = build || "paywasm";
    if (!loaded[build]) {
      // The checkout's builds import the loader of their payment module (fetched at the tap,
      // with its hash): preloaded with its own hash first, it is the copy the import takes.
      if (build != "paywasm_pos") link("modulepreload", build + "_split.js");
      loaded[build] = importPinned(build + ".js").then(function (module) {
        var wasm = fetch(new URL(build + "_bg.wasm", here).href, { integrity: hashOf(build + "_bg.wasm") });
        return module.default({ module_or_path: wasm }).then(function () {
          return module;
        });
      });
    }
    return loaded[build];
  }

  // The gateway's answer ({status, response}) to a new source made with `key`.
  function sourceAnswer(key, type, params) {
    return widget().then(function (module) {
      return module.createSource(gatewayUrl, key || "", String(type), params || {});
    });
  }

  function createSource(type, params, callback) {
    var answer = sourceAnswer(publicKey, type, params);
    if (typeof callback === "function") {
      answer.then(
        function (result) { callback(result.status, result.response); },
        function (error) { callback(0, { code: "create_source_error", error: String(error && error.message || error) }); }
      );
      return undefined;
    }
    return answer.then(function (result) {
      if (result.status >= 200 && result.status < 300) return result.response;
      var error = new Error((result.response && result.response.message) || "createSource failed");
      error.status = result.status;
      error.response = result.response;
      throw error;
    });
  }

  // js/policy.js's secretKeyRefusal, on the same GATEWAYS: a classic script cannot import it.
  function refuseSecretKey(key) {
    Object.keys(GATEWAYS).forEach(function (name) {
      var gateway = GATEWAYS[name];
      if (typeof key === "string" && key.indexOf(gateway.secretKey) === 0) {
        throw new Error("paywasm: that is a secret key (" + gateway.secretKey + "...). Never put it in a web page; use the public key (" + gateway.publicKey + "...).");
      }
    });
  }

  window.Omise = {
    setPublicKey: function (key) {
      refuseSecretKey(key);
      publicKey = key;
      return key;
    },
    createSource: createSource,
    // Omise.js's card tokens, refused (with what is available) by the OmiseCard module.
    createToken: function () {
      return callCard("createToken", arguments);
    },
  };

  // OmiseCard: calls are queued in order until the dialog's module has loaded; a refusal
  // (a card payment asked for, an amount that is not one) is thrown there and logged here.
  var card = null;
  function callCard(method, args) {
    card = card || importPinned("omise-card.js").then(function (module) {
      return module.omiseCard({
        stylesheet: stylesheet,
        publicKey: function () { return publicKey; },
        refuseSecretKey: refuseSecretKey,
        sourceAnswer: sourceAnswer,
        language: language,
        mount: mount,
      });
    });
    return card.then(function (instance) {
      return instance[method].apply(instance, args);
    }).catch(function (error) {
      console.error("paywasm OmiseCard:", error && error.message || error);
      throw error;
    });
  }
  // The buttons are wired here, at once, not by the dialog's module: a tap before the module
  // has arrived (a customer on a slow network) opens the dialog when it does, not never.
  var buttons = [];
  window.OmiseCard = {
    attach: function () {
      buttons.splice(0).forEach(function (button) {
        document.querySelectorAll(button[0]).forEach(function (node) {
          node.addEventListener("click", function (event) {
            event.preventDefault();
            window.OmiseCard.open(button[1]);
          });
        });
      });
    },
  };
  ["configure", "configureButton", "open", "close"].forEach(function (method) {
    window.OmiseCard[method] = function (selector, options) {
      if (method == "configureButton") buttons.push([selector, options]);
      callCard(method, arguments).catch(function () {});
    };
  });

  // The language a checkout with `locale` speaks in this browser, "en", "th", "ja" or "zh":
  // js/policy.js's wordsLanguage (paywasm_core's Language::choose), for the checkout's words
  // and OmiseCard's dialog alike.
  function language(locale) {
    var tags = [locale].concat(Array.prototype.slice.call(navigator.languages || []));
    for (var i = 0; i < tags.length; i++) {
      var tag = tags[i];
      var primary = typeof tag == "string" ? tag.split(/[-_]/)[0].toLowerCase() : "";
      if (primary == "en" || primary == "th" || primary == "ja" || (primary == "zh" && !/Hant|TW$|HK$/.test(tag))) return primary;
    }
    return "en";
  }

  // The checkout's words (a module's text) in that language, pinned like the builds (which
  // speak English), or null: English, or the file could not be had (the checkout then speaks
  // English).
  var wordsFetched = {};
  function words(locale) {
    var lang = language(locale);
    if (lang == "en") return null;
    var file = "paywasm-words-" + lang + ".js";
    wordsFetched[file] = wordsFetched[file] || importPinned(file).then(function (module) { return module.default; }, function () { return null; });
    return wordsFetched[file];
  }

  // A tap on a method of the server's first view in `target` before `build` has loaded: the
  // build's payment module (the code a payment runs after the tap, fetched at the tap by its
  // pinned loader) is fetched at once, beside the build, instead of after it.
  function prefetchOnTap(build, target) {
    var element = typeof target == "string" ? document.querySelector(target) : target;
    var view = element && element.querySelector && element.querySelector("[data-paywasm-first-view]");
    if (!view) return;
    var prefetch = function () {
      importPinned(build + "_split.js").then(function (loader) { loader.prefetch_payment(); }, function () {});
    };
    if (view.hasAttribute("data-chosen")) prefetch();
    else view.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("[data-method]")) prefetch();
    });
  }

  // Paywasm.mount.
  function mount(target, options) {
    link("stylesheet", options && options.mode === "pos" ? "paywasm-pos.css" : "paywasm.css");
    // The marks of Opn's methods beyond the checkout's own, for a page that names one, in
    // force before the checkout draws its buttons (a widget already loaded on the page would
    // draw them bare first). Anything but an array is the widget's to refuse, in its words.
    var others = options && Array.isArray(options.methods) && options.methods.some(function (name) { return CHECKOUT_METHODS.indexOf(name) < 0; });
    var marks = others ? stylesheet("paywasm-methods.css") : null;
    // Their code is a build of its own too, which a return page (a charge of any method) needs
    // as well (js/policy.js's needsOtherMethods).
    var build = !options ? "paywasm" : options.mode === "pos" ? "paywasm_pos" : options.gateway === "wooshpay" ? "paywasm_wooshpay" : others || options.chargeId ? "paywasm_methods" : "paywasm";
    var text = build == "paywasm_pos" ? null : words(options && options.locale);
    if (build != "paywasm_pos") prefetchOnTap(build, target);
    return Promise.all([widget(build), marks, text]).then(function (ready) {
      var merged = Object.assign({ gatewayUrl: gatewayUrl, publicKey: publicKey }, options);
      if (ready[2]) ready[0].useWords(ready[2]);
      return ready[0].mount(target, merged);
    });
  }
  window.Paywasm = { version: VERSION, gatewayUrl: gatewayUrl, mount: mount };

  // Omise.js's script-in-a-form mode: this script inside a <form>, with data-key.
  function attachFormButton() {
    var form = script && script.closest("form");
    if (!form || !script.hasAttribute("data-key")) return;
    callCard("formButton", [script, form]).catch(function () {});
  }

  function mountDeclared() {
    var elements = document.querySelectorAll("[data-paywasm-amount]");
    elements.forEach(function (element) {
      var d = element.dataset;
      mount(element, {
        publicKey: d.paywasmPublicKey || publicKey,
        amount: Number(d.paywasmAmount),
        currency: d.paywasmCurrency,
        chargeUrl: d.paywasmChargeUrl,
        order: d.paywasmOrder,
        merchantName: d.paywasmMerchantName,
        locale: d.paywasmLocale,
      }).catch(function (error) {
        console.error("paywasm:", error);
      });
    });
  }
  attachFormButton();
  if (script && script.hasAttribute("data-paywasm-declarative")) {
    importPinned("custom-element.js").then(function (module) {
      module.define(mount);
    });
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", mountDeclared);
    } else {
      mountDeclared();
    }
  }
})();

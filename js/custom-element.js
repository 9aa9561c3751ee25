// <paywasm-checkout>: the checkout as a custom element, for the frameworks people use (React 19,
// Vue, Svelte, Angular) and plain HTML. Its options are the mount options, set as attributes
// (kebab-case: public-key, amount, charge-url; methods as a space-separated list) or as
// properties (camelCase: publicKey, amount, methods as an array). It mounts the checkout (or,
// with mode "pos", the cashier's view) inside itself once the required options are set, again
// when one changes, and unmounts when it leaves the page. It tells the page with DOM events,
// which bubble and cross shadow roots: "complete" (detail: the charge), "error" (detail: the
// error, `{code, message}`) and "statechange" (detail: the state).
//
// This module defines nothing by itself: `define(mount)` does, with the package's `mount`
// (element.js) or the script tag's (embed.js, only when the page opts in with
// `data-paywasm-declarative`: otherwise any markup injected into a page could become a
// checkout paying someone else's key).

/** Every option an attribute or property sets: the mount options, but the callbacks. */
export const OPTIONS = [
  "mode", "gateway", "publicKey", "amount", "currency", "gatewayUrl", "chargeUrl", "order", "chargeId",
  "clientSecret", "locale", "merchantName", "methods", "theme", "posUrl", "storeId", "storeName", "terminalId",
];

const attributeOf = (option) => option.replace(/[A-Z]/g, (letter) => "-" + letter.toLowerCase());
const optionOf = (attribute) => attribute.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

/** An attribute's text as its option's value. */
function fromAttribute(option, text) {
  if (text === null) return undefined;
  if (option === "amount") return text.trim() === "" ? undefined : Number(text);
  if (option === "methods") return text.split(/[\s,]+/).filter(Boolean);
  return text;
}

/** Whether two values of an option are the same: a list is compared by its items, since a
 * framework re-rendering hands the element a new array of the same methods each time (React
 * does), which must not restart a payment under way. */
function same(a, b) {
  return a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => item === b[i]));
}

/** Whether `options` name all that a mount needs (the widget checks the values). */
function complete(options) {
  const needed = options.mode === "pos"
    ? ["amount", "currency", "posUrl", "chargeUrl", "storeId", "terminalId"]
    : ["publicKey", "amount", "currency", "chargeUrl"];
  return needed.every((option) => options[option] !== undefined && options[option] !== "");
}

// Imported where there is no DOM (server-side rendering), the module loads and defines nothing.
const Base = typeof HTMLElement == "undefined" ? class {} : HTMLElement;

/** Defines `<paywasm-checkout>` in `registry` with `mount` (once: a second call does nothing). */
export function define(mount, registry = globalThis.customElements) {
  if (!registry || registry.get("paywasm-checkout")) return;

  class PaywasmCheckout extends Base {
    static observedAttributes = OPTIONS.map(attributeOf);

    constructor() {
      super();
      this._paywasm = { options: {}, mounted: null, pending: false, generation: 0 };
    }

    attributeChangedCallback(attribute, old, text) {
      if (old !== text) this._set(optionOf(attribute), fromAttribute(optionOf(attribute), text));
    }

    connectedCallback() {
      this._render();
    }

    disconnectedCallback() {
      this._render();
    }

    _set(option, value) {
      const state = this._paywasm;
      if (same(state.options[option], value)) return;
      state.options[option] = value;
      this._render();
    }

    // Once per task, whatever changed in it: a framework sets the options one by one.
    _render() {
      const state = this._paywasm;
      if (state.pending) return;
      state.pending = true;
      queueMicrotask(() => {
        state.pending = false;
        this._mount();
      });
    }

    async _mount() {
      const state = this._paywasm;
      const generation = ++state.generation;
      state.mounted?.unmount();
      state.mounted = null;
      if (!this.isConnected || !complete(state.options)) return;
      const tell = (type) => (detail) => this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
      const options = { ...state.options, onComplete: tell("complete"), onError: tell("error"), onStateChange: tell("statechange") };
      try {
        const mounted = await mount(this, options);
        // Changed or removed while the widget loaded: this mount is already out of date.
        if (generation === state.generation) state.mounted = mounted;
        else mounted.unmount();
      } catch (error) {
        if (generation === state.generation) tell("error")({ code: error.code || "invalid_options", message: error.message });
      }
    }
  }

  for (const option of OPTIONS) {
    Object.defineProperty(PaywasmCheckout.prototype, option, {
      get() {
        return this._paywasm.options[option];
      },
      set(value) {
        this._set(option, value === null ? undefined : value);
      },
    });
  }
  registry.define("paywasm-checkout", PaywasmCheckout);
}

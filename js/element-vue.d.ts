// Types of paywasm/element/vue: defines <paywasm-checkout> (as paywasm/element does) and
// declares it to Vue's templates (attributes, or `.prop` bindings of the camelCase options).
// Tell Vue it is a custom element: `compilerOptions.isCustomElement: (tag) => tag === "paywasm-checkout"`.
import type { PaywasmCheckoutAttributes, PaywasmCheckoutOptions } from "./custom-element.js";

export * from "./element.js";

declare module "vue" {
  interface GlobalComponents {
    "paywasm-checkout": new () => { $props: PaywasmCheckoutAttributes & PaywasmCheckoutOptions };
  }
}

// Types of paywasm/element/vue: defines <paywasm-checkout> (as paywasm/element does) and
// declares it to Vue's templates (attributes, or `.prop` bindings of the camelCase options).
// Tell Vue it is a custom element: `compilerOptions.isCustomElement: (tag) => tag === "paywasm-checkout"`.
import type { PaywasmCheckoutAttributes, PaywasmCheckoutOptions } from "./custom-element.js";

export * from "./element.js";

/** What a template may give each name: an attribute's text (`amount="129000"`) or, bound, the
 *  option's value, which Vue sets as the element's property (`:methods="['promptpay']"`). A
 *  name both have takes either (an intersection would ask for both at once, which no value is). */
export type PaywasmCheckoutVueProps = {
  [K in keyof PaywasmCheckoutAttributes | keyof PaywasmCheckoutOptions]?:
    | (K extends keyof PaywasmCheckoutAttributes ? PaywasmCheckoutAttributes[K] : never)
    | (K extends keyof PaywasmCheckoutOptions ? PaywasmCheckoutOptions[K] : never);
};

declare module "vue" {
  interface GlobalComponents {
    "paywasm-checkout": new () => { $props: PaywasmCheckoutVueProps };
  }
}

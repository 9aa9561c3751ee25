// Types of paywasm/element: `import "paywasm/element"` defines <paywasm-checkout>
// (`document.querySelector("paywasm-checkout")` is typed). For its JSX in React 19, import
// "paywasm/element/react" instead; for Vue's templates, "paywasm/element/vue": the same module,
// with those frameworks' declarations.

export type { PaywasmCheckoutAttributes, PaywasmCheckoutElement, PaywasmCheckoutEventMap, PaywasmCheckoutOptions } from "./custom-element.js";
export { OPTIONS } from "./custom-element.js";

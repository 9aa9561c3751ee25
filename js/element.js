// paywasm/element: defines <paywasm-checkout> with the package's `mount` (custom-element.js
// says what it takes and tells). `import "paywasm/element"` once, on the client.
import { mount } from "./index.js";
import { define } from "./custom-element.js";

define(mount);

export { OPTIONS } from "./custom-element.js";

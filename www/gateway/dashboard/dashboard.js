// The dashboard follows the gateway while a page is open: every 2 s it reads the page again
// and, when what it shows changed, replaces the part that follows the gateway ([data-live]).
// Not while the focus is inside it (a choice or a place would be lost), and not when
// the page is hidden. Without JavaScript the pages work the same, by reloading.
const EVERY_MS = 2000;

async function follow() {
  const live = document.querySelector("[data-live]");
  if (!live || document.hidden) return;
  const active = document.activeElement;
  if (active && live.contains(active)) return;
  const response = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok || response.redirected) return;
  const next = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-live]");
  if (next && next.innerHTML !== live.innerHTML) live.innerHTML = next.innerHTML;
}

setInterval(() => follow().catch(() => {}), EVERY_MS);

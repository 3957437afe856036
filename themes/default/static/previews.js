// Link previews: pointing at or tabbing to a link to an entry shows a small
// card with its kind, title and summary. `cairn build` writes them on the
// link (data-kind, data-summary, optionally data-title; none with
// `previews = false` in site.toml), so the card never fetches anything.
// One card serves every link: role="tooltip", described by the link while
// shown, never focused; Escape hides it and leaves the focus where it is.
// Touch (no hover there): the first tap on a link shows its card, with an
// "open" link in it; a second tap on the same link, or the card's link,
// follows it; a tap elsewhere or Escape hides the card. A tap with a
// modifier, or on a link whose card is shown, is an ordinary click.
(() => {
  "use strict";
  const script = document.currentScript;
  const links = document.querySelectorAll("main a[data-kind]");
  if (!links.length) return;
  // The page's words (the `cairn-i18n` block of base.html, written for a
  // site in several languages or not in English); else the English here.
  // `{name}` in a string is filled from `vars`.
  const i18n = (() => {
    try {
      return JSON.parse(document.getElementById("cairn-i18n").textContent) || {};
    } catch {
      return {};
    }
  })();
  const tr = (key, english, vars = {}) => {
    let s = typeof i18n[key] === "string" ? i18n[key] : english;
    for (const [k, v] of Object.entries(vars)) s = s.replaceAll("{" + k + "}", () => String(v));
    return s;
  };
  // data-open on the script tag: what base.html wrote before the words.
  const OPEN_LABEL = tr("open_page", (script && script.dataset.open) || "Open page");
  const SHOW_DELAY = 300;
  const HIDE_DELAY = 150;
  const GAP = 6;
  const MARGIN = 8;
  let card = null;
  let current = null;
  let via = "";
  let showTimer = 0;
  let hideTimer = 0;

  const make = () => {
    card = document.createElement("div");
    card.id = "link-preview";
    card.className = "link-preview";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    for (const part of ["kind", "title", "summary"]) {
      const span = document.createElement("span");
      span.className = "lp-" + part;
      card.append(span);
    }
    const open = document.createElement("a");
    open.className = "lp-open";
    open.hidden = true;
    card.append(open);
    // The hover bridge: moving onto the card keeps it open.
    card.addEventListener("pointerenter", () => clearTimeout(hideTimer));
    card.addEventListener("pointerleave", () => { if (via === "hover") hideSoon(); });
    document.body.append(card);
  };

  const describe = (a, on) => {
    const ids = (a.getAttribute("aria-describedby") || "").split(/\s+/).filter((t) => t && t !== card.id);
    if (on) ids.push(card.id);
    if (ids.length) a.setAttribute("aria-describedby", ids.join(" "));
    else a.removeAttribute("aria-describedby");
  };

  // Below the link (the line box under the pointer, else the first),
  // above it when there is no room below; always inside the viewport.
  const place = (a, x, y) => {
    const rects = [...a.getClientRects()];
    const r = rects.find((b) => x >= b.left && x <= b.right && y >= b.top && y <= b.bottom) || rects[0] || a.getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    const w = card.offsetWidth;
    const h = card.offsetHeight;
    const left = Math.max(MARGIN, Math.min(r.left, vw - w - MARGIN));
    let top = r.bottom + GAP;
    if (top + h > vh - MARGIN && r.top - GAP - h >= MARGIN) top = r.top - GAP - h;
    card.style.left = left + window.scrollX + "px";
    card.style.top = top + window.scrollY + "px";
  };

  const show = (a, how, x, y) => {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (!card) make();
    if (current && current !== a) describe(current, false);
    const [kind, title, summary, open] = card.children;
    kind.textContent = a.dataset.kind;
    title.textContent = a.dataset.title || a.textContent.trim();
    summary.textContent = a.dataset.summary || "";
    summary.hidden = !summary.textContent;
    // A tooltip holds nothing to press; the card a tap shows holds a link
    // to the page, so it is a plain group then.
    open.hidden = how !== "touch";
    open.href = a.href;
    open.textContent = OPEN_LABEL;
    if (how === "touch") card.removeAttribute("role");
    else card.setAttribute("role", "tooltip");
    card.hidden = false;
    place(a, x, y);
    current = a;
    via = how;
    describe(a, true);
  };

  const hide = () => {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (!card || card.hidden) return;
    card.hidden = true;
    if (current) describe(current, false);
    current = null;
    via = "";
  };
  const hideSoon = () => {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  };

  // The kind of pointer of the last press: a click after a touch press is
  // a tap.
  let pressedBy = "";
  document.addEventListener("pointerdown", (e) => {
    pressedBy = e.pointerType;
    const onShown = current && via === "touch" && current.contains(e.target);
    if (card && !card.contains(e.target) && !onShown) hide();
  }, true);

  for (const a of links) {
    a.addEventListener("click", (e) => {
      // detail 0: Enter on the focused link, never a tap.
      if (pressedBy !== "touch" || e.detail === 0 || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      if (current === a && via === "touch") return; // the second tap
      e.preventDefault();
      show(a, "touch", e.clientX, e.clientY);
    });
    a.addEventListener("pointerenter", (e) => {
      if (e.pointerType === "touch") return;
      clearTimeout(hideTimer);
      if (current === a) return;
      clearTimeout(showTimer);
      showTimer = setTimeout(() => show(a, "hover", e.clientX, e.clientY), SHOW_DELAY);
    });
    a.addEventListener("pointerleave", () => {
      clearTimeout(showTimer);
      if (current === a && via === "hover") hideSoon();
    });
    // Only the keyboard's focus (a click or a tap focuses the link too).
    a.addEventListener("focus", () => { if (a.matches(":focus-visible")) show(a, "focus"); });
    // Only the keyboard's card goes with the focus (a tap on the card's link
    // moves the focus off the link, and must reach that link).
    a.addEventListener("blur", () => { if (current === a && via === "focus") hide(); });
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
  window.addEventListener("resize", hide);
})();

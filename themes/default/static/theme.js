// The default theme's small comforts; every page works without them.
// The menu button (below 1024 px) shows and hides the site navigation as a
// disclosure: Escape closes it and gives the focus back to the button.
(() => {
  const button = document.querySelector(".menu-button");
  const nav = document.getElementById("site-nav");
  if (!button || !nav) return;
  button.hidden = false;
  const set = (open) => {
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && nav.classList.contains("open")) {
      set(false);
      button.focus();
    }
  });
})();

// A copy button on every code block.
(() => {
  if (!navigator.clipboard) return;
  // The page's words (the `cairn-i18n` block of base.html, written for a
  // site in several languages or not in English); else the English here.
  let words;
  try {
    words = JSON.parse(document.getElementById("cairn-i18n").textContent) || {};
  } catch {
    words = {};
  }
  const tr = (key, english) => (typeof words[key] === "string" ? words[key] : english);
  for (const pre of document.querySelectorAll("pre")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = tr("copy", "Copy");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(pre.querySelector("code")?.innerText ?? pre.innerText);
        button.textContent = tr("copied", "Copied");
      } catch {
        button.textContent = tr("copy_failed", "Copy failed");
      }
      setTimeout(() => (button.textContent = tr("copy", "Copy")), 2000);
    });
    pre.classList.add("has-copy");
    pre.append(button);
  }
})();
// A collection's matrix is open where it fits (on a phone it is a long
// stack of cards, one per entry, so it starts closed).
for (const d of document.querySelectorAll(".matrix-details")) {
  if (matchMedia("(min-width: 40rem)").matches) d.open = true;
}
window.addEventListener("beforeprint", () => { for (const d of document.querySelectorAll("details")) d.open = true; });

// The contents mark the section being read.
(() => {
  const links = [...document.querySelectorAll(".toc a[href^='#']")];
  if (!links.length || !("IntersectionObserver" in window)) return;
  const byId = new Map(links.map((a) => [decodeURIComponent(a.hash.slice(1)), a]));
  const headings = [...byId.keys()].map((id) => document.getElementById(id)).filter(Boolean);
  const mark = (id) => {
    for (const [key, a] of byId) {
      if (key === id) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    }
  };
  const seen = new Set();
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) (e.isIntersecting ? seen.add(e.target.id) : seen.delete(e.target.id));
    const first = headings.find((h) => seen.has(h.id));
    if (first) mark(first.id);
  }, { rootMargin: "0px 0px -70% 0px" });
  for (const h of headings) observer.observe(h);
})();

// Light, dark or the system's scheme, remembered across pages (the
// inline script in <head> applies it before the first paint).
(() => {
  const button = document.querySelector(".theme-toggle");
  if (!button) return;
  // The page's words (the `cairn-i18n` block of base.html, written for a
  // site in several languages or not in English); else the English here.
  let words;
  try {
    words = JSON.parse(document.getElementById("cairn-i18n").textContent) || {};
  } catch {
    words = {};
  }
  const tr = (key, english) => (typeof words[key] === "string" ? words[key] : english);
  const root = document.documentElement;
  const order = ["auto", "light", "dark"];
  const names = {
    auto: tr("colours_system", "Colours: system"),
    light: tr("colours_light", "Colours: light"),
    dark: tr("colours_dark", "Colours: dark"),
  };
  const show = (mode) => {
    button.textContent = names[mode];
    button.title = tr("colours_title", "Change the colour scheme: the system's, light or dark");
  };
  let mode = root.dataset.theme || "auto";
  show(mode);
  button.hidden = false;
  button.addEventListener("click", () => {
    mode = order[(order.indexOf(mode) + 1) % order.length];
    if (mode === "auto") delete root.dataset.theme;
    else root.dataset.theme = mode;
    try {
      if (mode === "auto") localStorage.removeItem("cairn-theme");
      else localStorage.setItem("cairn-theme", mode);
    } catch {}
    show(mode);
  });
})();

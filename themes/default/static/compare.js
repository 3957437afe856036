// The comparison picker of /compare/: the reader chooses a collection, two
// to four of its entries and the fields, and gets the comparison table the
// build would write (same markup, classes and "same" rows), built from the
// collection's JSON export (`[export] json = true`), fetched only once a
// collection is chosen or the URL names one. The URL is shareable:
// /compare/?roles=product-owner,scrum-master[&fields=focus,kpis]. When
// the chosen set is one of the site's own comparisons, the table links to
// its page. Without JavaScript the page lists those comparisons only.
(() => {
  "use strict";
  const root = document.getElementById("compare-picker");
  if (!root || !window.fetch) return;
  const base = root.dataset.data;
  const pages = JSON.parse(document.getElementById("compare-pages").textContent || "[]");
  const form = root.querySelector("form");
  const select = form.elements.collection;
  const itemsBox = root.querySelector(".picker-items");
  const filter = itemsBox.querySelector(".picker-filter");
  const fieldsBox = root.querySelector(".picker-fields");
  const status = root.querySelector(".picker-status");
  const result = root.querySelector(".picker-result");
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
  const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const NOT_SET = '<span aria-hidden="true">—</span><span class="visually-hidden">' + esc(tr("not_set", "not set")) + "</span>";
  const MIN = 2;
  const MAX = 4;
  const loaded = {};
  let data = null;
  root.hidden = false;

  const load = (name) => {
    loaded[name] ||= fetch(base + encodeURIComponent(name) + ".json").then((r) => {
      if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
      return r.json();
    });
    return loaded[name];
  };

  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...children);
    return e;
  };

  const checkbox = (name, value, label, checked) => {
    const id = `picker-${name}-${value}`;
    const input = el("input", { type: "checkbox", name, value, id });
    input.checked = checked;
    return el("div", { class: "picker-option" }, input, el("label", { for: id }, label));
  };

  // The checkboxes of one collection's entries and fields.
  const fill = (doc, chosen, fields) => {
    data = doc;
    const items = itemsBox.querySelector(".picker-options");
    items.replaceChildren(...doc.entries.map((e) => checkbox("item", e.slug, e.title, chosen.includes(e.slug))));
    filter.hidden = doc.entries.length <= 12;
    filter.value = "";
    const fs = fieldsBox.querySelector(".picker-options");
    fs.replaceChildren(...doc.fields.map((f) => checkbox("field", f.name, f.label, !fields.length || fields.includes(f.name))));
    itemsBox.hidden = false;
    fieldsBox.hidden = !doc.fields.length;
  };

  const values = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);

  // The table, as partials/compare_table.html writes it.
  const table = (doc, slugs, fieldNames) => {
    const entries = slugs.map((s) => doc.entries.find((e) => e.slug === s));
    const title = entries.map((e) => e.title).join(" " + tr("versus", "vs") + " ");
    const head = el("tr", { role: "row" }, el("th", { scope: "col", role: "columnheader" }, el("span", { class: "visually-hidden" }, tr("field", "Field"))));
    for (const e of entries) head.append(el("th", { scope: "col", role: "columnheader" }, el("a", { href: e.url }, e.title)));
    const body = el("tbody", { role: "rowgroup" });
    for (const name of fieldNames) {
      const f = doc.fields.find((x) => x.name === name);
      if (!f) continue;
      const cells = entries.map((e) => (name in e.html ? e.html[name] : NOT_SET));
      const same = cells.every((c) => c === cells[0]);
      const row = el("tr", { role: "row", class: same ? "same" : "differs" }, el("th", { scope: "row", role: "rowheader" }, f.label));
      entries.forEach((e, i) => {
        const td = el("td", { role: "cell", class: `type-${f.type}`, "data-col": e.title });
        td.innerHTML = cells[i];
        row.append(td);
      });
      body.append(row);
    }
    const t = el("table", { class: "compare stack", role: "table" }, el("caption", {}, title), el("thead", { role: "rowgroup" }, head), body);
    const figure = el("figure", { class: "comparison" }, el("div", { class: "table-scroll", role: "region", "aria-label": title, tabindex: "0" }, t));
    const sorted = (l) => [...l].sort().join(",");
    const page = pages.find((p) => p.collection === doc.collection && sorted(p.items) === sorted(slugs));
    if (page) {
      figure.append(el("figcaption", {}, el("a", { href: page.url }, tr("open_comparison", "Open this comparison on its own page"))));
    }
    return figure;
  };

  const fromUrl = () => {
    const q = new URLSearchParams(location.search);
    for (const opt of select.options) {
      if (opt.value && q.has(opt.value)) {
        const list = (k) => (q.get(k) || "").split(",").map((s) => s.trim()).filter(Boolean);
        return { collection: opt.value, items: list(opt.value), fields: list("fields") };
      }
    }
    return null;
  };

  const show = async (want, push) => {
    status.textContent = "";
    try {
      const doc = await load(want.collection);
      if (!data || data.collection !== doc.collection || !push) fill(doc, want.items, want.fields);
      const known = want.items.filter((s) => doc.entries.some((e) => e.slug === s));
      const unknown = want.items.filter((s) => !known.includes(s));
      if (unknown.length) {
        status.textContent = tr("not_in_collection", "Not in {collection}: {items}.", { collection: doc.title, items: unknown.join(", ") });
      }
      if (known.length < MIN || known.length > MAX) {
        if (!unknown.length) status.textContent = tr("pick_entries", "Pick {min} to {max} entries of {collection} ({n} picked).", { min: MIN, max: MAX, collection: doc.title, n: known.length });
        result.replaceChildren();
        return;
      }
      const fields = want.fields.length ? want.fields : doc.fields.map((f) => f.name);
      result.replaceChildren(table(doc, known, fields));
      if (push) {
        const q = new URLSearchParams();
        q.set(doc.collection, known.join(","));
        if (want.fields.length && want.fields.length < doc.fields.length) q.set("fields", want.fields.join(","));
        history.pushState(null, "", `${location.pathname}?${q.toString().replace(/%2C/g, ",")}`);
      }
    } catch (err) {
      status.textContent = tr("data_not_loaded", "The data of this collection could not be loaded ({error}).", { error: err.message });
    }
  };

  select.addEventListener("change", async () => {
    result.replaceChildren();
    status.textContent = "";
    if (!select.value) {
      itemsBox.hidden = fieldsBox.hidden = true;
      return;
    }
    try {
      fill(await load(select.value), [], []);
    } catch (err) {
      status.textContent = tr("data_not_loaded", "The data of this collection could not be loaded ({error}).", { error: err.message });
    }
  });

  filter.addEventListener("input", () => {
    const q = filter.value.trim().toLowerCase();
    for (const o of itemsBox.querySelectorAll(".picker-option")) {
      o.hidden = q !== "" && !o.textContent.toLowerCase().includes(q);
    }
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!select.value) {
      status.textContent = tr("choose_collection_first", "Choose a collection first.");
      select.focus();
      return;
    }
    show({ collection: select.value, items: values("item"), fields: values("field") }, true);
  });

  const fromLocation = () => {
    const want = fromUrl();
    if (!want) return;
    select.value = want.collection;
    show(want, false);
  };
  window.addEventListener("popstate", fromLocation);
  fromLocation();
})();

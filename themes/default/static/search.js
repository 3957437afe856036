// cairn's search client: loads the index shards written by `cairn build`
// (see src/search.rs) on demand, ranks, filters by facets and renders.
// No dependencies; works under any base path.
(() => {
  "use strict";
  const script = document.currentScript;
  const base = (script && script.dataset.base) || "/";
  const STOP = new Set(("the and of to in is for on with as by at an be or it that this are from was but not " +
    "they their its has have had were which can will into than then so if we you").split(" "));
  const cache = new Map();
  const load = (path) => {
    if (!cache.has(path)) {
      cache.set(path, fetch(base + "search/" + path).then((r) => (r.ok ? r.json() : null)).catch(() => null));
    }
    return cache.get(path);
  };
  const tokenize = (text) =>
    (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || []).filter((t) => {
      const n = [...t].length;
      return n >= 2 && n <= 32 && !STOP.has(t);
    });
  const shardKey = (term) => {
    const two = [...term].slice(0, 2).join("");
    if (/^[a-z0-9]{2}$/.test(two)) return two;
    return "u" + [...new TextEncoder().encode(two)].map((b) => b.toString(16).padStart(2, "0")).join("");
  };

  // Ranked [doc, score] pairs for a query: every word must match (the last
  // one as a prefix, so results come while typing).
  async function query(text) {
    const words = tokenize(text);
    if (!words.length) return [];
    let scores = null;
    for (const [i, word] of words.entries()) {
      const shard = (await load("terms/" + shardKey(word) + ".json")) || {};
      const last = i === words.length - 1;
      const found = new Map();
      for (const term in shard) {
        if (term !== word && !(last && term.startsWith(word))) continue;
        const factor = term === word ? 1 : 0.5;
        const post = shard[term];
        for (let k = 0; k < post.length; k += 2) {
          found.set(post[k], (found.get(post[k]) || 0) + post[k + 1] * factor);
        }
      }
      if (scores === null) {
        scores = found;
      } else {
        const both = new Map();
        for (const [d, s] of found) if (scores.has(d)) both.set(d, scores.get(d) + s);
        scores = both;
      }
    }
    return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  async function docs(ids) {
    const meta = await load("meta.json");
    const chunk = (meta && meta.chunk) || 64;
    return Promise.all(ids.map(async (d) => {
      const rows = (await load("docs/" + Math.floor(d / chunk) + ".json")) || [];
      const [title, url, excerpt] = rows[d % chunk] || ["", "", ""];
      return { id: d, title, url, excerpt };
    }));
  }

  // "/" focuses the search box from anywhere but a text field.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName))) return;
    const box = document.getElementById("search-q") || document.getElementById("site-search") || document.getElementById("hero-search");
    if (box) {
      e.preventDefault();
      box.focus();
    }
  });

  const page = document.getElementById("search-results");
  if (!page) return;
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  const filtersBox = document.getElementById("search-filters");
  const selected = new Map(); // facet key -> Set of value indexes
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";

  async function renderFilters() {
    const meta = await load("meta.json");
    if (!meta) return;
    filtersBox.textContent = "";
    for (const facet of meta.facets) {
      const group = document.createElement("fieldset");
      group.className = "facet";
      const legend = document.createElement("legend");
      legend.textContent = facet.label;
      group.appendChild(legend);
      facet.values.forEach((value, index) => {
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.name = facet.key;
        box.value = value.v;
        box.dataset.index = index;
        box.addEventListener("change", () => {
          const set = selected.get(facet.key) || new Set();
          if (box.checked) set.add(index); else set.delete(index);
          selected.set(facet.key, set);
          run();
        });
        label.appendChild(box);
        label.append(" " + value.v + " ");
        const count = document.createElement("span");
        count.className = "count";
        count.textContent = "(" + value.n + ")";
        label.appendChild(count);
        group.appendChild(label);
      });
      filtersBox.appendChild(group);
    }
  }

  let generation = 0;
  async function run() {
    const mine = ++generation;
    const text = input.value.trim();
    const url = new URL(location.href);
    if (text) url.searchParams.set("q", text); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!tokenize(text).length) {
      page.textContent = "";
      status.textContent = text ? "Type at least two letters." : "";
      return;
    }
    let hits = await query(text);
    const active = [...selected].filter(([, set]) => set.size);
    if (active.length) {
      const columns = (await load("facets.json")) || {};
      hits = hits.filter(([d]) => active.every(([key, set]) => (columns[key] && columns[key][d] || []).some((v) => set.has(v))));
    }
    const shown = await docs(hits.slice(0, 20).map(([d]) => d));
    if (mine !== generation) return;
    page.textContent = "";
    for (const doc of shown) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = doc.url;
      a.textContent = doc.title;
      li.appendChild(a);
      if (doc.excerpt) {
        const p = document.createElement("p");
        p.textContent = doc.excerpt;
        li.appendChild(p);
      }
      page.appendChild(li);
    }
    status.textContent = hits.length === 1 ? "1 result" : hits.length + " results" + (hits.length > 20 ? ", showing the first 20" : "");
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  renderFilters().then(run);
})();

// cairn's search client: loads the index shards written by `cairn build`
// (see src/search.rs) on demand, ranks, filters by facets and renders.
// No dependencies; works under any base path.
(() => {
  "use strict";
  const script = document.currentScript;
  const base = (script && script.dataset.base) || "/";
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
  // German pages search a German index (src/search.rs, `Lang`): German
  // stop words and stemmer; every other language the English ones.
  const german = /^de(-|$)/i.test(document.documentElement.lang || "");
  const STOP = new Set((german
    ? "der die das den dem des ein eine einer eines einem einen und oder aber ist sind war wird werden hat haben " +
      "im in zu zum zur mit von vom auf an am als auch es er sie wir ihr nicht so wie bei für um aus nach dass sich noch nur wenn was"
    : "the and of to in is for on with as by at an be or it that this are from was but not " +
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
  const keyOf = (lead) =>
    /^[a-z0-9]+$/.test(lead) ? lead : "u" + [...new TextEncoder().encode(lead)].map((b) => b.toString(16).padStart(2, "0")).join("");
  // The shard of a word: its first two letters, or its first three when
  // the index split that group (meta.json lists them; see src/search.rs).
  const shardKey = (term, split) => {
    const chars = [...term];
    const two = keyOf(chars.slice(0, 2).join(""));
    if (split && split.has(two) && chars.length >= 3) return keyOf(chars.slice(0, 3).join(""));
    return two;
  };
  // The light English stemmer of src/search.rs (`stem`), rule for rule.
  const stem = (t) => {
    if (t.length < 4 || !/^[a-z]+$/.test(t)) return t;
    const undouble = (w) => {
      const n = w.length;
      return n >= 2 && w[n - 1] === w[n - 2] && !"lszeo".includes(w[n - 1]) ? w.slice(0, -1) : w;
    };
    const vowel = (w) => /[aeiouy]/.test(w);
    if (t.endsWith("ies") && t.length - 3 >= 2) return t.slice(0, -3) + "y";
    if (t.endsWith("sses")) return t.slice(0, -2);
    if (t.endsWith("es")) {
      const w = t.slice(0, -2);
      if (w.endsWith("sh") || w.endsWith("ch") || w.endsWith("x") || w.endsWith("z")) return w;
    }
    if (t.endsWith("s")) {
      const w = t.slice(0, -1);
      if (!(w.endsWith("s") || w.endsWith("u") || w.endsWith("i"))) return w;
    }
    if (t.endsWith("ing")) {
      const w = t.slice(0, -3);
      if (w.length >= 3 && vowel(w)) return undouble(w);
    }
    if (t.endsWith("ed")) {
      const w = t.slice(0, -2);
      if (w.length >= 3 && vowel(w)) return undouble(w);
    }
    return t;
  };
  // The light German stemmer of src/search.rs (`stem_de`), rule for rule.
  const stemDe = (t) => {
    if (!/^[a-zäöüß]+$/.test(t)) return t;
    let w = t.replace(/ä/g, "a").replace(/ö/g, "o").replace(/ü/g, "u").replace(/ß/g, "ss");
    for (;;) {
      if (w.length > 5 && (w.endsWith("em") || w.endsWith("er") || w.endsWith("nd"))) w = w.slice(0, -2);
      else if (w.length > 4 && /[tesn]$/.test(w)) w = w.slice(0, -1);
      else return w;
    }
  };
  const stemWord = german ? stemDe : stem;
  // One edit apart (insert, delete, substitute or swap two neighbours)?
  const oneEdit = (a, b) => {
    if (a === b || Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    const [long, short] = a.length > b.length ? [a, b] : [b, a];
    return long.slice(i + 1) === short.slice(i);
  };

  // How well a term of the index matches query word `word`: 1 exactly, 0.5
  // as a prefix while the last word is typed (either way round, since the
  // index holds stems), 0.3 one typo away (words of five letters or more).
  const match = (term, word, last) => {
    if (term === word) return 1;
    if (last && (term.startsWith(word) || (term.length >= 4 && word.startsWith(term)))) return 0.5;
    if (word.length >= 5 && oneEdit(term, word)) return 0.3;
    return 0;
  };

  // Ranked [doc, score] pairs for a query: every word must match; a query
  // equal to a title, a part of one or its initials ("pm vs po") adds the
  // weight the index gives that phrase, so that page comes first.
  async function query(text) {
    const words = tokenize(text).map(stemWord);
    if (!words.length) return [];
    const meta = (await load("meta.json")) || {};
    const split = new Set(meta.split || []);
    let scores = null;
    for (const [i, word] of words.entries()) {
      const shard = (await load("terms/" + shardKey(word, split) + ".json")) || {};
      const last = i === words.length - 1;
      const found = new Map();
      for (const term in shard) {
        if (term.endsWith(" ") || term.includes("~")) continue;
        const factor = match(term, word, last);
        if (!factor) continue;
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
    // Phrases (ending in a space) and pairs (`a~b`, neighbours in a
    // heading) are in the shard of their first word, or, where meta.json
    // says that shard's moved out, in one by the second word's first letter.
    const phraseShard = async (first, second) => {
      const key = shardKey(first, split);
      const leads = (meta.phrases || {})[key];
      if (leads === undefined || second === undefined) return (await load("terms/" + key + ".json")) || {};
      const c = [...second][0];
      return [...leads].includes(c) ? (await load("terms/" + key + "-" + keyOf(c) + ".json")) || {} : {};
    };
    const add = (post, factor, onlyFound) => {
      for (let k = 0; k < post.length; k += 2) {
        if (onlyFound && !scores.has(post[k])) continue;
        scores.set(post[k], (scores.get(post[k]) || 0) + post[k + 1] * factor);
      }
    };
    const phrases = await phraseShard(words[0], words[1]);
    for (const term in phrases) {
      if (!term.endsWith(" ")) continue;
      const parts = term.trimEnd().split(" ");
      if (parts.length !== words.length) continue;
      const factor = Math.min(...parts.map((t, i) => match(t, words[i], i === words.length - 1)));
      if (factor) add(phrases[term], factor, false);
    }
    // Proximity: each two neighbouring query words found next to each
    // other in a heading.
    for (let i = 0; i + 1 < words.length; i++) {
      const shard = await phraseShard(words[i], words[i + 1]);
      for (const term in shard) {
        const at = term.indexOf("~");
        if (at < 0) continue;
        const factor = Math.min(match(term.slice(0, at), words[i], false),
          match(term.slice(at + 1), words[i + 1], i + 2 === words.length));
        if (factor) add(shard[term], factor, true);
      }
    }
    return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  // `text` as nodes, the words matching the query marked.
  const highlight = (text, words) => {
    const frag = document.createDocumentFragment();
    const re = /[\p{L}\p{N}]+/gu;
    let at = 0;
    for (const m of text.matchAll(re)) {
      const t = stemWord(m[0].toLowerCase());
      if (!words.some((w, i) => t === w || (i === words.length - 1 && t.startsWith(w)) || (w.length >= 5 && oneEdit(t, w)))) continue;
      frag.append(text.slice(at, m.index));
      const mark = document.createElement("mark");
      mark.textContent = m[0];
      frag.append(mark);
      at = m.index + m[0].length;
    }
    frag.append(text.slice(at));
    return frag;
  };

  async function docs(ids) {
    const meta = await load("meta.json");
    const chunk = (meta && meta.chunk) || 64;
    return Promise.all(ids.map(async (d) => {
      const rows = (await load("docs/" + Math.floor(d / chunk) + ".json")) || [];
      const [title, url, excerpt, kind, headings] = rows[d % chunk] || ["", "", "", "", []];
      return { id: d, title, url, excerpt, kind, headings: headings || [] };
    }));
  }

  // Headings of `doc` that hold every word of the query.
  const subResults = (doc, words) =>
    doc.headings.filter(([, h]) => {
      const hs = tokenize(h).map(stemWord);
      return words.every((w, i) => hs.some((t) => match(t, w, i === words.length - 1)));
    }).slice(0, 3);

  // The search dialog: results as you type, from any page. The header box
  // (and "/", Ctrl+K or Cmd+K) opens it; the results are a listbox grouped
  // by kind, the arrow keys move through them, Enter opens one, Escape
  // closes the dialog and gives the focus back.
  const launchers = ["site-search", "hero-search"].map((id) => document.getElementById(id)).filter(Boolean);
  const onSearchPage = !!document.getElementById("search-results");
  let dialog = null;
  let returnTo = null;
  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "search-dialog";
    const search = esc(tr("search", "Search"));
    dialog.setAttribute("aria-label", tr("search", "Search"));
    dialog.innerHTML =
      '<div class="sd-head"><label class="visually-hidden" for="sd-input">' + search + '</label>' +
      '<input id="sd-input" type="search" role="combobox" aria-expanded="false" aria-controls="sd-list" aria-autocomplete="list" autocomplete="off" spellcheck="false" placeholder="' + search + '">' +
      '<button type="button" class="sd-close">' + esc(tr("close", "Close")) + '</button></div>' +
      '<div id="sd-list" class="sd-list" role="listbox" aria-label="' + esc(tr("results", "Results")) + '"></div>' +
      '<p class="sd-foot"><span id="sd-status" role="status"></span> <a class="sd-all" href="' + base + 'search/">' + esc(tr("all_results", "All results")) + '</a></p>';
    document.body.appendChild(dialog);
    const input = dialog.querySelector("#sd-input");
    const list = dialog.querySelector("#sd-list");
    const status = dialog.querySelector("#sd-status");
    const all = dialog.querySelector(".sd-all");
    let options = [];
    let active = -1;
    const setActive = (k) => {
      if (options[active]) options[active].setAttribute("aria-selected", "false");
      active = options.length ? (k + options.length) % options.length : -1;
      if (active < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    };
    let generation = 0;
    async function run() {
      const mine = ++generation;
      const text = input.value.trim();
      all.href = base + "search/" + (text ? "?q=" + encodeURIComponent(text) : "");
      const words = tokenize(text).map(stemWord);
      const hits = words.length ? await query(text) : [];
      const shown = await docs(hits.slice(0, 8).map(([d]) => d));
      if (mine !== generation) return;
      list.textContent = "";
      options = [];
      active = -1;
      const groups = new Map();
      for (const doc of shown) {
        const kind = doc.kind || tr("page_kind", "Page");
        if (!groups.has(kind)) groups.set(kind, []);
        groups.get(kind).push(doc);
      }
      let n = 0;
      const option = (href, parts, sub) => {
        const o = document.createElement("div");
        o.setAttribute("role", "option");
        o.setAttribute("aria-selected", "false");
        o.id = "sd-opt-" + n++;
        o.className = sub ? "sd-option sd-sub" : "sd-option";
        o.dataset.href = href;
        o.append(...parts);
        o.addEventListener("click", () => (location.href = href));
        o.addEventListener("mousemove", () => setActive(options.indexOf(o)));
        options.push(o);
        return o;
      };
      for (const [kind, list_] of groups) {
        const group = document.createElement("div");
        group.setAttribute("role", "group");
        const label = document.createElement("div");
        label.className = "sd-group";
        label.id = "sd-g-" + n++;
        label.textContent = kind;
        group.setAttribute("aria-labelledby", label.id);
        group.appendChild(label);
        for (const doc of list_) {
          const title = document.createElement("span");
          title.className = "sd-title";
          title.append(highlight(doc.title, words));
          const parts = [title];
          if (doc.excerpt) {
            const ex = document.createElement("span");
            ex.className = "sd-excerpt";
            ex.append(highlight(doc.excerpt, words));
            parts.push(ex);
          }
          group.appendChild(option(doc.url, parts, false));
          for (const [id, h] of subResults(doc, words).slice(0, 2)) {
            const t = document.createElement("span");
            t.append(highlight(h, words));
            group.appendChild(option(doc.url + "#" + id, [t], true));
          }
        }
        list.appendChild(group);
      }
      input.setAttribute("aria-expanded", String(options.length > 0));
      if (options.length) setActive(0);
      status.textContent = !text ? tr("type_to_search", "Type to search.") : !words.length ? tr("type_two_letters", "Type at least two letters.") :
        hits.length === 1 ? tr("results_one", "1 result") : tr("results_other", "{n} results", { n: hits.length });
    }
    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        e.preventDefault();
        location.href = options[active] ? options[active].dataset.href : all.href;
      } else if (e.key === "Escape") {
        // A search box would only clear itself: Escape closes the dialog.
        e.preventDefault();
        dialog.close();
      }
    });
    dialog.querySelector(".sd-close").addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (e) => {
      if (e.target === dialog) dialog.close();
    });
    dialog.addEventListener("close", () => {
      if (returnTo) returnTo.focus({ preventScroll: true });
    });
    dialog.run = run;
  }
  function openDialog(text, from) {
    if (!dialog) buildDialog();
    returnTo = from || document.activeElement;
    const input = dialog.querySelector("#sd-input");
    input.value = text || "";
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
    dialog.run();
  }
  for (const box of launchers) {
    // Typing or clicking in a header or hero box opens the dialog with
    // what is there; without JavaScript the box submits to /search/.
    box.addEventListener("input", () => {
      const text = box.value;
      box.value = "";
      openDialog(text, box);
    });
    box.addEventListener("click", () => openDialog(box.value, box));
    box.form && box.form.addEventListener("submit", (e) => {
      e.preventDefault();
      openDialog(box.value, box);
    });
  }
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const inField = t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName));
    const slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !inField;
    const k = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey);
    if (!slash && !k) return;
    e.preventDefault();
    if (onSearchPage) document.getElementById("search-q").focus();
    else openDialog("", document.activeElement);
  });

  const page = document.getElementById("search-results");
  if (!page) return;
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  const filtersBox = document.getElementById("search-filters");
  const selected = new Map(); // facet key -> Set of value indexes
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  // The filter bar: closed on a phone, so the results come first; open
  // beside the results from 768 px. Its counts follow the query while it
  // is open.
  const filterPanel = document.getElementById("search-filters-box");
  if (filterPanel && matchMedia("(min-width: 48rem)").matches) filterPanel.open = true;
  const countSpans = new Map(); // "key\u0000index" -> count element

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
        const toggle = () => {
          const set = selected.get(facet.key) || new Set();
          if (box.checked) set.add(index); else set.delete(index);
          selected.set(facet.key, set);
        };
        // Filters are in the URL (`?q=...&track=Strategy`), to share.
        if (params.getAll(facet.key).includes(value.v)) {
          box.checked = true;
          toggle();
        }
        box.addEventListener("change", () => {
          toggle();
          run();
        });
        label.appendChild(box);
        label.append(" " + value.v + " ");
        const count = document.createElement("span");
        count.className = "count";
        count.textContent = "(" + value.n + ")";
        countSpans.set(facet.key + "\u0000" + index, count);
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
    for (const box of filtersBox.querySelectorAll("input[type=checkbox]")) url.searchParams.delete(box.name);
    for (const box of filtersBox.querySelectorAll("input[type=checkbox]:checked")) url.searchParams.append(box.name, box.value);
    history.replaceState(null, "", url);
    if (!tokenize(text).length) {
      page.textContent = "";
      status.textContent = text ? tr("type_two_letters", "Type at least two letters.") : "";
      return;
    }
    let hits = await query(text);
    const active = [...selected].filter(([, set]) => set.size);
    const counting = filterPanel && filterPanel.open;
    const columns = active.length || counting ? (await load("facets.json")) || {} : {};
    if (counting) {
      // How many of this query's results each value has.
      const counts = new Map();
      for (const [d] of hits) {
        for (const key in columns) {
          for (const v of (columns[key][d] || [])) {
            const k = key + "\u0000" + v;
            counts.set(k, (counts.get(k) || 0) + 1);
          }
        }
      }
      for (const [k, span] of countSpans) span.textContent = "(" + (counts.get(k) || 0) + ")";
    }
    if (active.length) {
      hits = hits.filter(([d]) => active.every(([key, set]) => (columns[key] && columns[key][d] || []).some((v) => set.has(v))));
    }
    const shown = await docs(hits.slice(0, 20).map(([d]) => d));
    if (mine !== generation) return;
    page.textContent = "";
    const words = tokenize(text).map(stemWord);
    for (const doc of shown) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = doc.url;
      a.append(highlight(doc.title, words));
      li.appendChild(a);
      if (doc.kind) {
        const kind = document.createElement("span");
        kind.className = "result-kind";
        kind.textContent = doc.kind;
        li.append(" ", kind);
      }
      if (doc.excerpt) {
        const p = document.createElement("p");
        p.append(highlight(doc.excerpt, words));
        li.appendChild(p);
      }
      // Headings that hold every word of the query: links into the page.
      const subs = subResults(doc, words);
      if (subs.length) {
        const ul = document.createElement("ul");
        ul.className = "sub-results";
        for (const [id, h] of subs) {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.href = doc.url + "#" + id;
          link.append(highlight(h, words));
          item.appendChild(link);
          ul.appendChild(item);
        }
        li.appendChild(ul);
      }
      page.appendChild(li);
    }
    status.textContent = hits.length === 1 ? tr("results_one", "1 result") : hits.length > 20 ?
      tr("results_first", "{n} results, showing the first {shown}", { n: hits.length, shown: 20 }) : tr("results_other", "{n} results", { n: hits.length });
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  if (filterPanel) filterPanel.addEventListener("toggle", () => filterPanel.open && run());
  renderFilters().then(run);
})();

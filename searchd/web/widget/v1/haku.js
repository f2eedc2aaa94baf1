// Haku search widget, version 1: one file, no dependencies, styles inside a Shadow DOM.
//   <script src="https://SEARCHD/widget/v1/haku.js" data-endpoint="https://SEARCHD" data-lang="fi"
//           data-facets="fund,year,region" data-per-page="10" data-key="..." data-url-template="/p/{id}"></script>
// renders where the tag stands; <haku-search endpoint="..." lang="fi" ...> (the same names, with or without
// "data-") renders where the element stands. Attributes and theming: docs/WIDGET.md. The widget calls
// GET /v1/search, /v1/suggest, /v1/projects/{id} and /v1/projects/{id}/similar (api/openapi.yaml).
(function () {
  "use strict";
  if (window.customElements && customElements.get("haku-search")) return;  // the file loaded twice
  var SCRIPT = document.currentScript;
  var SCRIPT_ORIGIN = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href).origin : location.origin;

  var TEXT = {
    en: {
      search: "Search", placeholder: "Search projects", searchButton: "Search", suggestions: "Suggestions",
      searching: "Searching…", found: function (n, more) { return n + (more ? "+" : "") + (n === 1 && !more ? " project" : " projects"); },
      none: function (q) { return q ? "No projects match “" + q + "”." : "No projects match."; },
      noneHint: "Check the spelling, use fewer words or remove filters.",
      error: "The search failed", retry: "Try again", filters: "Filters", showFilters: "Filters", clearAll: "Clear all",
      remove: "Remove filter", showMore: "Show more", showLess: "Show fewer", sort: "Sort",
      sorts: { relevance: "Relevance", start_desc: "Newest first", start_asc: "Oldest first", eu_desc: "Largest EU contribution" },
      pages: "Pages", page: "Page", prev: "Previous", next: "Next", didYouMean: "Did you mean", alsoMatching: "Also matching",
      onlyMine: "Only my words", onlyMineOn: "Only your words are searched.", similarWords: "Include similar words",
      details: "Details", back: "Back to results", similar: "Similar projects", noSimilar: "No similar projects.",
      eu: "EU contribution", budget: "Budget", period: "Period", implementer: "Implementer", fund: "Fund",
      programme: "Programme", region: "Region", places: "Places", themes: "Themes", source: "Source",
      facet: { fund: "Fund", status: "Status", programme: "Programme", period: "Programming period", region: "Region",
        lang: "Language", themes: "Theme", year: "Start year", budget_band: "Budget" },
      langs: { fi: "Finnish", sv: "Swedish", en: "English" },
      ranges: "Start year and budget", startYear: "Start year", budgetEur: "Budget (€)", from: "from", to: "to",
      min: "min", max: "max", apply: "Apply"
    },
    fi: {
      search: "Haku", placeholder: "Hae hankkeita", searchButton: "Hae", suggestions: "Ehdotukset",
      searching: "Haetaan…", found: function (n, more) { return n + (more ? "+" : "") + (n === 1 && !more ? " hanke" : " hanketta"); },
      none: function (q) { return q ? "Haulla “" + q + "” ei löytynyt hankkeita." : "Hankkeita ei löytynyt."; },
      noneHint: "Tarkista kirjoitusasu, käytä vähemmän sanoja tai poista rajauksia.",
      error: "Haku epäonnistui", retry: "Yritä uudelleen", filters: "Rajaukset", showFilters: "Rajaukset", clearAll: "Poista kaikki",
      remove: "Poista rajaus", showMore: "Näytä lisää", showLess: "Näytä vähemmän", sort: "Järjestys",
      sorts: { relevance: "Osuvuus", start_desc: "Uusimmat ensin", start_asc: "Vanhimmat ensin", eu_desc: "Suurin EU-tuki" },
      pages: "Sivut", page: "Sivu", prev: "Edellinen", next: "Seuraava", didYouMean: "Tarkoititko", alsoMatching: "Myös",
      onlyMine: "Vain omat sanani", onlyMineOn: "Haetaan vain kirjoittamillasi sanoilla.", similarWords: "Ota mukaan lähisanat",
      details: "Tiedot", back: "Takaisin tuloksiin", similar: "Samankaltaiset hankkeet", noSimilar: "Ei samankaltaisia hankkeita.",
      eu: "EU-tuki", budget: "Budjetti", period: "Kesto", implementer: "Toteuttaja", fund: "Rahasto",
      programme: "Ohjelma", region: "Alue", places: "Paikat", themes: "Teemat", source: "Lähde",
      facet: { fund: "Rahasto", status: "Tila", programme: "Ohjelma", period: "Ohjelmakausi", region: "Alue",
        lang: "Kieli", themes: "Teema", year: "Alkamisvuosi", budget_band: "Budjetti" },
      langs: { fi: "suomi", sv: "ruotsi", en: "englanti" },
      ranges: "Alkamisvuosi ja budjetti", startYear: "Alkamisvuosi", budgetEur: "Budjetti (€)", from: "alkaen", to: "asti",
      min: "vähintään", max: "enintään", apply: "Rajaa"
    },
    sv: {
      search: "Sök", placeholder: "Sök projekt", searchButton: "Sök", suggestions: "Förslag",
      searching: "Söker…", found: function (n, more) { return n + (more ? "+" : "") + " projekt"; },
      none: function (q) { return q ? "Inga projekt matchar ”" + q + "”." : "Inga projekt matchar."; },
      noneHint: "Kontrollera stavningen, använd färre ord eller ta bort filter.",
      error: "Sökningen misslyckades", retry: "Försök igen", filters: "Filter", showFilters: "Filter", clearAll: "Rensa alla",
      remove: "Ta bort filter", showMore: "Visa fler", showLess: "Visa färre", sort: "Sortering",
      sorts: { relevance: "Relevans", start_desc: "Nyaste först", start_asc: "Äldsta först", eu_desc: "Störst EU-stöd" },
      pages: "Sidor", page: "Sida", prev: "Föregående", next: "Nästa", didYouMean: "Menade du", alsoMatching: "Även",
      onlyMine: "Bara mina ord", onlyMineOn: "Bara dina egna ord söks.", similarWords: "Ta med liknande ord",
      details: "Detaljer", back: "Tillbaka till resultaten", similar: "Liknande projekt", noSimilar: "Inga liknande projekt.",
      eu: "EU-stöd", budget: "Budget", period: "Period", implementer: "Genomförare", fund: "Fond",
      programme: "Program", region: "Region", places: "Orter", themes: "Teman", source: "Källa",
      facet: { fund: "Fond", status: "Status", programme: "Program", period: "Programperiod", region: "Region",
        lang: "Språk", themes: "Tema", year: "Startår", budget_band: "Budget" },
      langs: { fi: "finska", sv: "svenska", en: "engelska" },
      ranges: "Startår och budget", startYear: "Startår", budgetEur: "Budget (€)", from: "från", to: "till",
      min: "minst", max: "högst", apply: "Filtrera"
    }
  };
  var SORTS = { relevance: [], start_desc: [["sort", "start_date"], ["order", "desc"]],
    start_asc: [["sort", "start_date"], ["order", "asc"]], eu_desc: [["sort", "eu_contribution"], ["order", "desc"]] };
  // Range filters: start year from / to, total budget min / max (URL haku_from, ..., API start_from, ...).
  var RANGES = ["from", "to", "bmin", "bmax"];
  var RANGE_PARAMS = { from: function (v) { return ["start_from", v + "-01-01"]; }, to: function (v) { return ["start_to", v + "-12-31"]; },
    bmin: function (v) { return ["budget_min", v]; }, bmax: function (v) { return ["budget_max", v]; } };
  var FACET_VALUES_SHOWN = 6;
  var DEBOUNCE_MS = 250;
  var RETRY_MS = 1000;  // what the server's Retry-After asks of a busy client

  var CSS = [
    ":host{all:initial;display:block;contain:layout;container-type:inline-size;",
    "font-family:var(--haku-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif);font-size:var(--haku-font-size,16px);",
    "line-height:1.45;color:var(--haku-text,#1c2330);--a:var(--haku-accent,#0b4fb3);--m:var(--haku-muted,#5b6576);",
    "--b:var(--haku-border,#d5dae3);--bg:var(--haku-background,#fff);--r:var(--haku-radius,6px);--hl:var(--haku-highlight,#fff1a8)}",
    ":host([hidden]){display:none}",
    "*,*::before,*::after{box-sizing:border-box}",
    ".root{background:var(--bg);padding:12px;border-radius:var(--r);overflow-wrap:anywhere;scroll-margin-top:8px}",
    ".sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ":focus-visible{outline:3px solid var(--haku-focus,#1a56db);outline-offset:2px}",
    "button,input,select{font:inherit;color:inherit;text-transform:none;letter-spacing:normal}",
    "button{cursor:pointer;background:none;border:0;padding:0}",
    ".btn{border:1px solid var(--b);background:var(--bg);border-radius:var(--r);padding:6px 12px}",
    ".btn:hover{border-color:var(--a)}",
    ".primary{background:var(--a);border-color:var(--a);color:#fff}",
    ".link{color:var(--a);text-decoration:underline}",
    "form{display:flex;gap:8px;margin:0 0 8px}",
    ".combo{position:relative;flex:1;min-width:0}",
    "input[type=search]{display:block;width:100%;min-width:0;height:auto;margin:0;border:1px solid var(--b);",
    "border-radius:var(--r);padding:8px 10px;background:var(--bg)}",
    ".listbox{position:absolute;z-index:10;left:0;right:0;top:100%;margin:2px 0 0;padding:4px 0;list-style:none;",
    "background:var(--bg);border:1px solid var(--b);border-radius:var(--r);box-shadow:0 4px 14px rgba(0,0,0,.12)}",
    ".listbox[hidden]{display:none}",
    ".listbox li{padding:6px 10px;cursor:pointer;display:flex;justify-content:space-between;gap:8px}",
    ".listbox li[aria-selected=true],.listbox li:hover{background:#e8f0fd}",
    ".listbox small{color:var(--m)}",
    ".status{margin:4px 0;color:var(--m)}",
    ".status.err{color:#a3121a}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:4px 0}",
    ".chip{border:1px solid var(--b);border-radius:999px;padding:2px 10px;font-size:.9em;background:#f3f5f9}",
    "button.chip:hover{border-color:var(--a)}",
    ".toolbar{display:flex;gap:8px;align-items:center;justify-content:space-between;flex-wrap:wrap;margin:6px 0}",
    ".toolbar label{font-size:.9em;color:var(--m);display:flex;gap:6px;align-items:center}",
    "select{border:1px solid var(--b);border-radius:var(--r);padding:4px 6px;background:var(--bg)}",
    ".toggle{display:none}",
    ".layout{display:flex;gap:20px;align-items:flex-start}",
    ".results{flex:1;min-width:0}",
    ".facets{flex:0 0 240px;min-width:0}",
    ".facets details{border-top:1px solid var(--b);padding:6px 0}",
    ".facets summary{cursor:pointer;font-weight:600;padding:2px 0}",
    ".facets fieldset{border:0;margin:0;padding:0;min-width:0}",
    ".facets label{display:flex;gap:6px;align-items:flex-start;padding:2px 0;font-size:.92em;cursor:pointer}",
    ".facets label span{flex:1;min-width:0}",
    ".facets label em{font-style:normal;color:var(--m);font-variant-numeric:tabular-nums}",
    ".facets input{margin:3px 0 0;width:auto;height:auto}",
    ".more{font-size:.9em;margin:2px 0 0}",
    ".ranges{display:block;margin:0}.ranges legend{font-size:.92em;padding:0;margin:4px 0 2px}",
    ".ranges fieldset{display:flex;gap:6px}.facets label.range{display:flex;flex-direction:column;gap:0;flex:1;font-size:.85em;color:var(--m)}",
    ".ranges input{width:100%;min-width:0;margin:0;border:1px solid var(--b);border-radius:var(--r);padding:4px 6px;background:var(--bg);font-size:1.05em;color:var(--haku-text,#1c2330)}",
    ".ranges .btn{margin-top:6px;padding:4px 10px}",
    "ol.hits{list-style:none;margin:0;padding:0}",
    ".hit{padding:10px 0;border-bottom:1px solid var(--b)}",
    ".hit h3{margin:0 0 2px;font-size:1.08em;font-weight:600;text-transform:none;letter-spacing:normal}",
    ".hit h3 a{color:var(--a);text-decoration:none}",
    ".hit h3 a:hover{text-decoration:underline}",
    ".sub{display:flex;flex-wrap:wrap;gap:4px 12px;color:var(--m);font-size:.88em}",
    ".badge{background:#e8eefb;color:#163a7a;border-radius:4px;padding:0 6px}",
    ".snippet{margin:4px 0 0;font-size:.95em}",
    "mark{background:var(--hl);color:inherit;padding:0 1px}",
    ".empty,.error{padding:16px;border:1px dashed var(--b);border-radius:var(--r);margin:8px 0}",
    ".error{border-color:#e3a0a4;background:#fff6f6}",
    ".busy .hits{opacity:.5}",
    "nav.pager ul{display:flex;flex-wrap:wrap;gap:4px;list-style:none;margin:12px 0 0;padding:0}",
    "nav.pager button{min-width:2.2em;padding:4px 8px}",
    "nav.pager [aria-current=page]{background:var(--a);border-color:var(--a);color:#fff}",
    ".detail h2{margin:8px 0;font-size:1.3em;text-transform:none;letter-spacing:normal}",
    ".detail dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:8px 0}",
    ".detail dt{color:var(--m)}.detail dd{margin:0}",
    ".detail h3{font-size:1.05em;margin:16px 0 4px}",
    ".detail ul{margin:0;padding-left:1.2em}.detail a{color:var(--a)}",
    ".results:focus,.detail:focus{outline:none}",
    "@container (max-width: 640px){.layout{flex-direction:column}.results{width:100%}",
    ".facets{display:none;flex:none;width:100%;order:-1;border:1px solid var(--b);border-radius:var(--r);padding:4px 10px}",
    ".facets.open{display:block}.toggle{display:inline-block}}"
  ].join("");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined && c !== false) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  // Snippets are HTML-escaped text with <mark> around matched words: only text and <mark> are kept.
  function snippetNode(html) {
    var out = el("p", { class: "snippet" });
    var doc = new DOMParser().parseFromString("<p>" + (html || "") + "</p>", "text/html");
    doc.body.firstChild.childNodes.forEach(function (n) {
      out.appendChild(n.nodeName === "MARK" ? el("mark", { text: n.textContent }) : document.createTextNode(n.textContent || ""));
    });
    return out;
  }

  var uid = 0;

  function Widget(host, shadow) {
    var self = this;
    this.host = host;
    this.shadow = shadow;
    this.id = "haku" + (++uid);
    this.endpoint = (this.attr("endpoint") || SCRIPT_ORIGIN).replace(/\/+$/, "");
    var lang = (this.attr("lang") || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
    this.lang = TEXT[lang] ? lang : "en";
    this.t = TEXT[this.lang];
    this.facetNames = (this.attr("facets") || "fund,year,region,programme").split(",")
      .map(function (s) { return s.trim(); }).filter(Boolean);
    this.perPage = Math.max(1, Math.min(100, parseInt(this.attr("per-page"), 10) || 10));
    this.key = this.attr("key") || "";
    this.urlTemplate = this.attr("url-template") || "";
    this.prefix = this.attr("state-prefix") || "haku_";
    this.seq = 0;
    this.expanded = {};  // facets showing every value
    this.build();
    this.onPop = function () { self.state = self.readUrl(); self.show(); };
    window.addEventListener("popstate", this.onPop);
    this.state = this.readUrl();
    this.show();
  }

  Widget.prototype.attr = function (name) {
    var h = this.host;
    var v = h.getAttribute("data-" + name);
    return v !== null ? v : h.getAttribute(name);
  };

  // ---- state in the URL (prefixed parameters: haku_q, haku_f, haku_sort, haku_page, haku_exact, haku_id) ----

  Widget.prototype.readUrl = function () {
    var p = new URLSearchParams(location.search), pre = this.prefix, filters = {};
    p.getAll(pre + "f").forEach(function (f) {
      var i = f.indexOf(":");
      if (i > 0) (filters[f.slice(0, i)] = filters[f.slice(0, i)] || []).push(f.slice(i + 1));
    });
    var sort = p.get(pre + "sort");
    var ranges = {};
    RANGES.forEach(function (k) { var v = p.get(pre + k); if (v && /^\d+$/.test(v)) ranges[k] = v; });
    return { q: p.get(pre + "q") || "", filters: filters, ranges: ranges, sort: SORTS[sort] ? sort : "relevance",
      page: Math.max(1, parseInt(p.get(pre + "page"), 10) || 1), exact: p.get(pre + "exact") === "1",
      id: p.get(pre + "id") || "" };
  };

  Widget.prototype.urlFor = function (s) {
    var url = new URL(location.href), p = url.searchParams, pre = this.prefix;
    ["q", "f", "sort", "page", "exact", "id"].concat(RANGES).forEach(function (k) { p.delete(pre + k); });
    if (s.q) p.set(pre + "q", s.q);
    Object.keys(s.filters).forEach(function (f) { s.filters[f].forEach(function (v) { p.append(pre + "f", f + ":" + v); }); });
    Object.keys(s.ranges).forEach(function (k) { p.set(pre + k, s.ranges[k]); });
    if (s.sort !== "relevance") p.set(pre + "sort", s.sort);
    if (s.page > 1) p.set(pre + "page", String(s.page));
    if (s.exact) p.set(pre + "exact", "1");
    if (s.id) p.set(pre + "id", s.id);
    return url.pathname + url.search + url.hash;
  };

  // Applies a change of state: a new history entry (push) or the current one rewritten (typing).
  Widget.prototype.go = function (change, push) {
    var s = this.state;
    Object.keys(change).forEach(function (k) { s[k] = change[k]; });
    var url = this.urlFor(s);
    if (url !== location.pathname + location.search + location.hash) {
      if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
    }
    this.show();
  };

  Widget.prototype.show = function () {
    if (this.q.value.trim() !== this.state.q) this.q.value = this.state.q;
    this.sortSelect.value = this.state.sort;
    var ranges = this.state.ranges, inputs = this.rangeInputs;
    RANGES.forEach(function (k) { inputs[k].value = ranges[k] || ""; });
    if (this.state.id) this.showDetail(this.state.id); else { this.detail.hidden = true; this.main.hidden = false; this.search(); }
  };

  // ---- HTTP ----

  // A busy server (429 or 503, with Retry-After: 1) is asked once more after a second.
  Widget.prototype.get = function (path, params, again) {
    var qs = params.map(function (p) { return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]); }).join("&");
    var headers = { Accept: "application/json" };
    if (this.key) headers.Authorization = "Bearer " + this.key;
    var self = this, t = this.t;
    return fetch(this.endpoint + path + (qs ? "?" + qs : ""), { headers: headers, credentials: "omit" }).then(function (r) {
      if ((r.status === 429 || r.status === 503) && !again)
        return new Promise(function (ok) { setTimeout(ok, RETRY_MS); }).then(function () { return self.get(path, params, true); });
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) throw new Error(body && body.error && body.error.message ? body.error.message : t.error + " (HTTP " + r.status + ")");
        return body;
      });
    });
  };

  // ---- building ----

  Widget.prototype.build = function () {
    var self = this, t = this.t, id = this.id;
    this.shadow.appendChild(el("style", { text: CSS }));
    this.q = el("input", { id: id + "-q", type: "search", placeholder: t.placeholder, autocomplete: "off", spellcheck: "false",
      role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "-list" });
    this.list = el("ul", { id: id + "-list", class: "listbox", role: "listbox", "aria-label": t.suggestions, hidden: true });
    var form = el("form", { role: "search", "aria-label": t.search, novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      self.hideList();
      clearTimeout(self.typing);
      self.go({ q: self.q.value.trim(), page: 1, exact: false, id: "" }, true);
    } }, [
      el("label", { class: "sr", for: id + "-q", text: t.search }),
      el("div", { class: "combo" }, [this.q, this.list]),
      el("button", { class: "btn primary", type: "submit", text: t.searchButton })
    ]);
    this.q.addEventListener("input", function () { self.typed(); });
    this.q.addEventListener("keydown", function (e) { self.listKeys(e); });
    this.q.addEventListener("blur", function () { setTimeout(function () { self.hideList(); }, 120); });

    this.status = el("div", { class: "status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.notes = el("div", { class: "chips" });
    this.current = el("div", { class: "chips" });
    this.sortSelect = el("select", { id: id + "-sort", onchange: function () { self.go({ sort: self.sortSelect.value, page: 1 }, true); } },
      Object.keys(SORTS).map(function (k) { return el("option", { value: k, text: t.sorts[k] }); }));
    this.toggle = el("button", { class: "btn toggle", type: "button", "aria-expanded": "false", "aria-controls": id + "-facets",
      text: t.showFilters, onclick: function () {
        var open = !self.facets.classList.contains("open");
        self.facets.classList.toggle("open", open);
        self.toggle.setAttribute("aria-expanded", String(open));
      } });
    this.hits = el("ol", { class: "hits" });
    this.message = el("div");
    this.pager = el("nav", { class: "pager", "aria-label": t.pages });
    this.results = el("section", { class: "results", "aria-label": t.search, tabindex: "-1" }, [this.message, this.hits, this.pager]);
    this.facetList = el("div");
    this.rangeInputs = {};
    var rangeInput = function (k, label) {
      var input = el("input", { type: "number", inputmode: "numeric", min: "0", step: k[0] === "b" ? "1000" : "1", id: id + "-r-" + k, name: k });
      self.rangeInputs[k] = input;
      return el("label", { class: "range", for: input.id }, [el("span", { text: label }), input]);
    };
    var rangeForm = el("form", { class: "ranges", novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      var ranges = {};
      RANGES.forEach(function (k) { var v = self.rangeInputs[k].value.trim(); if (/^\d+$/.test(v)) ranges[k] = v; });
      self.go({ ranges: ranges, page: 1 }, true);
    } }, [
      el("fieldset", {}, [el("legend", { text: t.startYear }), rangeInput("from", t.from), rangeInput("to", t.to)]),
      el("fieldset", {}, [el("legend", { text: t.budgetEur }), rangeInput("bmin", t.min), rangeInput("bmax", t.max)]),
      el("button", { class: "btn", type: "submit", text: t.apply })]);
    var rangeBox = el("details", { open: true }, [el("summary", { text: t.ranges }), rangeForm]);
    this.facets = el("aside", { id: id + "-facets", class: "facets", "aria-label": t.filters }, [this.facetList, rangeBox]);
    this.main = el("div", {}, [
      this.notes, this.current,
      el("div", { class: "toolbar" }, [this.toggle, el("label", {}, [t.sort, this.sortSelect])]),
      el("div", { class: "layout" }, [this.results, this.facets])
    ]);
    this.detail = el("article", { class: "detail", hidden: true, tabindex: "-1" });
    this.root = el("div", { class: "root", part: "root" }, [form, this.status, this.main, this.detail]);
    this.shadow.appendChild(this.root);
  };

  // ---- searching ----

  Widget.prototype.typed = function () {
    var self = this;
    clearTimeout(this.typing);
    this.typing = setTimeout(function () {
      var q = self.q.value.trim();
      self.suggest(q);
      if (q !== self.state.q) self.go({ q: q, page: 1, exact: false, id: "" }, false);
    }, DEBOUNCE_MS);
  };

  Widget.prototype.params = function () {
    var s = this.state, params = [["q", s.q], ["page", String(s.page)], ["per_page", String(this.perPage)], ["ui_lang", this.lang]];
    if (this.facetNames.length) params.push(["facets", this.facetNames.join(",")]);
    if (s.exact) params.push(["expand", "false"]);
    Object.keys(s.filters).forEach(function (f) { s.filters[f].forEach(function (v) { params.push(["filter", f + ":" + v]); }); });
    Object.keys(s.ranges).forEach(function (k) { params.push(RANGE_PARAMS[k](s.ranges[k])); });
    return params.concat(SORTS[s.sort]);
  };

  Widget.prototype.search = function () {
    var self = this, seq = ++this.seq;
    this.root.classList.add("busy");
    this.root.setAttribute("aria-busy", "true");
    this.status.classList.remove("err");
    this.status.textContent = this.t.searching;
    return this.get("/v1/search", this.params()).then(function (res) {
      if (seq !== self.seq) return;
      self.render(res);
    }).catch(function (e) {
      if (seq !== self.seq) return;
      self.fail(e);
    }).then(function () {
      if (seq !== self.seq) return;
      self.root.classList.remove("busy");
      self.root.removeAttribute("aria-busy");
    });
  };

  // An error leaves nothing stale on screen: the message and a retry.
  Widget.prototype.fail = function (e) {
    var self = this, t = this.t;
    this.hits.textContent = "";
    this.pager.textContent = "";
    this.notes.textContent = "";
    this.status.textContent = t.error;
    this.status.classList.add("err");
    this.message.textContent = "";
    this.message.appendChild(el("div", { class: "error", role: "alert" }, [
      el("p", { text: t.error + ": " + e.message }),
      el("button", { class: "btn", type: "button", text: t.retry, onclick: function () { self.search(); } })]));
  };

  Widget.prototype.render = function (res) {
    var self = this, s = this.state, t = this.t;
    var total = res.total.value, more = res.total.relation === "gte";
    this.status.textContent = t.found(total, more);
    this.message.textContent = "";
    this.renderNotes(res);
    this.renderFacets(res.facets || {});
    this.renderCurrent();
    this.hits.textContent = "";
    if (!res.hits.length) {
      var box = el("div", { class: "empty" }, [el("p", { text: t.none(s.q) }), el("p", { text: t.noneHint })]);
      if (Object.keys(s.filters).length || Object.keys(s.ranges).length)
        box.appendChild(el("button", { class: "btn", type: "button", text: t.clearAll, onclick: function () { self.go({ filters: {}, ranges: {}, page: 1 }, true); } }));
      this.message.appendChild(box);
    }
    res.hits.forEach(function (h) { self.hits.appendChild(self.hitNode(h)); });
    this.renderPager(total);
  };

  Widget.prototype.hitNode = function (h) {
    var self = this, t = this.t;
    var detailUrl = this.urlFor(Object.assign({}, this.state, { id: h.id }));
    var href = this.urlTemplate ? this.urlTemplate.replace(/\{id\}/g, encodeURIComponent(h.id)) : detailUrl;
    var title = el("a", { href: href, text: h.title });
    var openDetail = function (e) {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button) return;
      e.preventDefault();
      self.go({ id: h.id }, true);
    };
    if (!this.urlTemplate) title.addEventListener("click", openDetail);
    var sub = [h.fund && el("span", { class: "badge", text: h.fund }), h.implementer && el("span", { text: h.implementer }),
      this.period(h) && el("span", { text: this.period(h) }),
      h.eu_contribution_eur !== null && h.eu_contribution_eur !== undefined && el("span", { text: t.eu + " " + this.money(h.eu_contribution_eur) })];
    if (this.urlTemplate) sub.push(el("a", { class: "link", href: detailUrl, text: t.details, onclick: openDetail }));
    return el("li", { class: "hit" }, [el("h3", { lang: h.lang || null }, [title]), el("div", { class: "sub" }, sub),
      h.snippet ? snippetNode(h.snippet) : null]);
  };

  Widget.prototype.money = function (v) {
    return new Intl.NumberFormat(this.lang === "en" ? "en-GB" : this.lang + "-FI", { style: "currency", currency: "EUR", maximumFractionDigits: 0 }).format(v);
  };

  Widget.prototype.period = function (h) {
    if (!h.start_date && !h.end_date) return "";
    return (h.start_date || "…") + " – " + (h.end_date || "…");
  };

  // Did you mean, the similar words the query was widened with, and "only my words".
  Widget.prototype.renderNotes = function (res) {
    var self = this, t = this.t, s = this.state;
    this.notes.textContent = "";
    if (res.did_you_mean) {
      this.notes.appendChild(el("span", {}, [t.didYouMean + " ",
        el("button", { class: "link", type: "button", text: res.did_you_mean, onclick: function () { self.go({ q: res.did_you_mean, page: 1 }, true); } }), "?"]));
    }
    if (s.exact) {
      this.notes.appendChild(el("span", { text: t.onlyMineOn }));
      this.notes.appendChild(el("button", { class: "chip", type: "button", text: t.similarWords, onclick: function () { self.go({ exact: false, page: 1 }, true); } }));
    } else if (res.also_matching && res.also_matching.length) {
      this.notes.appendChild(el("span", { text: t.alsoMatching + ":" }));
      res.also_matching.forEach(function (w) { self.notes.appendChild(el("span", { class: "chip", text: w })); });
      this.notes.appendChild(el("button", { class: "chip", type: "button", text: t.onlyMine, onclick: function () { self.go({ exact: true, page: 1 }, true); } }));
    }
  };

  Widget.prototype.renderCurrent = function () {
    var self = this, t = this.t, s = this.state;
    this.current.textContent = "";
    var names = Object.keys(s.filters);
    var rangeLabels = { from: t.startYear + " " + t.from, to: t.startYear + " " + t.to, bmin: t.budgetEur + " " + t.min, bmax: t.budgetEur + " " + t.max };
    Object.keys(s.ranges).forEach(function (k) {
      var text = rangeLabels[k] + " " + s.ranges[k];
      self.current.appendChild(el("button", { class: "chip", type: "button", "aria-label": t.remove + ": " + text, text: text + " ×",
        onclick: function () { var r = Object.assign({}, s.ranges); delete r[k]; self.go({ ranges: r, page: 1 }, true); } }));
    });
    if (!names.length && !Object.keys(s.ranges).length) return;
    names.forEach(function (f) {
      s.filters[f].forEach(function (v) {
        var label = (self.labels && self.labels[f + ":" + v]) || v;
        self.current.appendChild(el("button", { class: "chip", type: "button", "aria-label": t.remove + ": " + (t.facet[f] || f) + " " + label,
          text: (t.facet[f] || f) + ": " + label + " ×", onclick: function () { self.toggleFilter(f, v, false); } }));
      });
    });
    this.current.appendChild(el("button", { class: "link", type: "button", text: t.clearAll, onclick: function () { self.go({ filters: {}, ranges: {}, page: 1 }, true); } }));
  };

  Widget.prototype.toggleFilter = function (facet, value, on) {
    var filters = JSON.parse(JSON.stringify(this.state.filters));
    var list = filters[facet] || (filters[facet] = []);
    var i = list.indexOf(value);
    if (on && i < 0) list.push(value);
    if (!on && i >= 0) list.splice(i, 1);
    if (!list.length) delete filters[facet];
    this.go({ filters: filters, page: 1 }, true);
  };

  Widget.prototype.renderFacets = function (facets) {
    var self = this, t = this.t, s = this.state, id = this.id;
    var focused = this.shadow.activeElement && this.shadow.activeElement.getAttribute("data-facet-value");
    var open = {};
    this.facetList.querySelectorAll("details").forEach(function (d) { open[d.getAttribute("data-facet")] = d.open; });
    this.facetList.textContent = "";
    this.labels = this.labels || {};
    var selectedCount = 0;
    this.facetNames.forEach(function (name) {
      var values = facets[name];
      if (!values || !values.length) return;
      var all = !!self.expanded[name];
      var shown = all ? values : values.slice(0, FACET_VALUES_SHOWN);
      var legend = t.facet[name] || name;
      var group = el("fieldset", {}, [el("legend", { class: "sr", text: legend })]);
      shown.forEach(function (v, i) {
        var key = name + ":" + v.value;
        var text = v.label || (name === "lang" && t.langs[v.value]) || v.value;
        self.labels[key] = text;
        var checked = !!v.selected || (s.filters[name] || []).indexOf(v.value) >= 0;
        if (checked) selectedCount++;
        var cb = el("input", { type: "checkbox", id: id + "-f-" + name + "-" + i, "data-facet-value": key,
          onchange: function () { self.toggleFilter(name, v.value, cb.checked); } });
        cb.checked = checked;
        group.appendChild(el("label", { for: cb.id }, [cb, el("span", { text: text, title: v.value }),
          el("em", { text: String(v.count), "aria-label": "(" + v.count + ")" })]));
      });
      if (values.length > FACET_VALUES_SHOWN) {
        group.appendChild(el("button", { class: "link more", type: "button", "aria-expanded": String(all),
          text: all ? t.showLess : t.showMore + " (" + (values.length - FACET_VALUES_SHOWN) + ")",
          "data-facet-value": "more:" + name,
          onclick: function () { self.expanded[name] = !all; self.renderFacets(facets); } }));
      }
      var d = el("details", { "data-facet": name }, [el("summary", { text: legend }), group]);
      d.open = open[name] !== undefined ? open[name] : true;
      self.facetList.appendChild(d);
    });
    this.toggle.textContent = t.showFilters + (selectedCount ? " (" + selectedCount + ")" : "");
    if (focused) {
      var again = this.facetList.querySelector('[data-facet-value="' + CSS_escape(focused) + '"]');
      if (again) again.focus();
    }
  };

  function CSS_escape(s) { return window.CSS && window.CSS.escape ? window.CSS.escape(s) : s.replace(/["\\]/g, "\\$&"); }

  // Numbered pages: first, last and two either side of the current one.
  Widget.prototype.renderPager = function (total) {
    var self = this, t = this.t, s = this.state;
    var pages = Math.min(Math.ceil(total / this.perPage), Math.floor(10000 / this.perPage));
    this.pager.textContent = "";
    if (pages <= 1) return;
    var list = el("ul");
    function item(label, page, attrs) {
      var b = el("button", Object.assign({ class: "btn", type: "button", text: label, "data-page": String(page),
        onclick: function () { self.go({ page: page }, true); self.afterPage(); } }, attrs || {}));
      list.appendChild(el("li", {}, [b]));
      return b;
    }
    if (s.page > 1) item("‹ " + t.prev, s.page - 1, { "aria-label": t.prev });
    var last = 0;
    for (var p = 1; p <= pages; p++) {
      if (p !== 1 && p !== pages && Math.abs(p - s.page) > 2) continue;
      if (last && p - last > 1) list.appendChild(el("li", { "aria-hidden": "true", text: "…" }));
      item(String(p), p, { "aria-label": t.page + " " + p, "aria-current": p === s.page ? "page" : null });
      last = p;
    }
    if (s.page < pages) item(t.next + " ›", s.page + 1, { "aria-label": t.next });
    this.pager.appendChild(list);
  };

  // After paging: the widget's own top comes into view when it is above the viewport (the host page is
  // not scrolled to its top), and focus goes to the results so keyboard users start there.
  Widget.prototype.afterPage = function () {
    var top = this.root.getBoundingClientRect().top;
    if (top < 0) this.root.scrollIntoView({ block: "start" });
    this.results.focus({ preventScroll: true });
  };

  // ---- suggestions: the ARIA 1.2 combobox pattern ----

  Widget.prototype.suggest = function (q) {
    var self = this;
    if (q.length < 2) { this.hideList(); return; }
    this.get("/v1/suggest", [["q", q], ["limit", "8"]]).then(function (res) {
      if (self.q.value.trim() !== q || self.shadow.activeElement !== self.q) return;
      self.showList(res.suggestions || []);
    }).catch(function () { self.hideList(); });
  };

  Widget.prototype.showList = function (items) {
    var self = this, id = this.id;
    this.list.textContent = "";
    this.active = -1;
    this.q.removeAttribute("aria-activedescendant");
    items.forEach(function (it, i) {
      self.list.appendChild(el("li", { id: id + "-opt-" + i, role: "option", "aria-selected": "false", "data-text": it.text,
        onmousedown: function (e) { e.preventDefault(); self.pick(it.text); } }, [el("span", { text: it.text }), el("small", { text: it.kind })]));
    });
    this.list.hidden = !items.length;
    this.q.setAttribute("aria-expanded", items.length ? "true" : "false");
  };

  Widget.prototype.hideList = function () {
    this.list.hidden = true;
    this.list.textContent = "";
    this.active = -1;
    this.q.setAttribute("aria-expanded", "false");
    this.q.removeAttribute("aria-activedescendant");
  };

  Widget.prototype.pick = function (text) {
    clearTimeout(this.typing);
    this.hideList();
    this.q.value = text;
    this.go({ q: text, page: 1, exact: false, id: "" }, true);
  };

  Widget.prototype.listKeys = function (e) {
    var items = this.list.children;
    if (e.key === "Escape") { if (!this.list.hidden) { e.preventDefault(); this.hideList(); } return; }
    if (!items.length || this.list.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      this.active = (this.active + (e.key === "ArrowDown" ? 1 : items.length - 1 + (this.active < 0 ? 1 : 0))) % items.length;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
      this.q.setAttribute("aria-activedescendant", items[this.active].id);
    } else if (e.key === "Enter" && this.active >= 0) {
      e.preventDefault();
      this.pick(items[this.active].getAttribute("data-text"));
    }
  };

  // ---- the built-in detail view ----

  Widget.prototype.showDetail = function (id) {
    var self = this, t = this.t, seq = ++this.seq;
    this.main.hidden = true;
    this.detail.hidden = false;
    this.detail.textContent = "";
    this.status.classList.remove("err");
    this.status.textContent = t.searching;
    var back = el("button", { class: "link", type: "button", text: "‹ " + t.back, onclick: function () { self.go({ id: "" }, true); } });
    Promise.all([this.get("/v1/projects/" + encodeURIComponent(id), []),
      this.get("/v1/projects/" + encodeURIComponent(id) + "/similar", [["per_page", "5"], ["ui_lang", this.lang]]).catch(function () { return { hits: [] }; })])
      .then(function (r) {
        if (seq !== self.seq) return;
        var p = r[0], rows = [];
        function row(label, value) { if (value) rows.push(el("dt", { text: label }), el("dd", { text: value })); }
        row(t.implementer, p.implementer);
        row(t.fund, p.fund);
        row(t.programme, p.programme);
        row(t.period, self.period(p));
        if (p.eu_contribution_eur !== null && p.eu_contribution_eur !== undefined) row(t.eu, self.money(p.eu_contribution_eur));
        if (p.total_budget_eur !== null && p.total_budget_eur !== undefined) row(t.budget, self.money(p.total_budget_eur));
        row(t.region, p.region_name || p.region_code);
        row(t.places, (p.places || []).join(", "));
        row(t.themes, (p.themes || []).join(", "));
        var similar = r[1].hits || [];
        var simList = el("ul", {}, similar.map(function (h) {
          var a = el("a", { href: self.urlFor(Object.assign({}, self.state, { id: h.id })), text: h.title,
            onclick: function (e) { e.preventDefault(); self.go({ id: h.id }, true); } });
          return el("li", {}, [a]);
        }));
        var source = p.source_url ? el("p", {}, [el("a", { class: "link", href: p.source_url, rel: "noopener", target: "_blank", text: t.source })]) : null;
        [back, el("h2", { lang: p.lang || null, text: p.title }), el("dl", {}, rows),
          el("p", { lang: p.lang || null, text: p.description || "" }), source,
          el("h3", { text: t.similar }), similar.length ? simList : el("p", { text: t.noSimilar })]
          .forEach(function (n) { if (n) self.detail.appendChild(n); });
        self.status.textContent = p.title;
        self.detail.focus({ preventScroll: true });
      }).catch(function (e) {
        if (seq !== self.seq) return;
        self.status.textContent = t.error;
        self.status.classList.add("err");
        self.detail.append(back, el("div", { class: "error", role: "alert", text: t.error + ": " + e.message }));
      });
  };

  // ---- the element and the one-tag embed ----

  var Base = window.HTMLElement;
  function HakuSearch() { return Reflect.construct(Base, [], HakuSearch); }
  HakuSearch.prototype = Object.create(Base.prototype);
  HakuSearch.prototype.constructor = HakuSearch;
  Object.setPrototypeOf(HakuSearch, Base);
  HakuSearch.prototype.connectedCallback = function () {
    if (!this.hakuWidget) this.hakuWidget = new Widget(this, this.attachShadow({ mode: "open" }));
  };
  HakuSearch.prototype.disconnectedCallback = function () {
    if (this.hakuWidget) window.removeEventListener("popstate", this.hakuWidget.onPop);
  };
  customElements.define("haku-search", HakuSearch);

  // <script src=".../haku.js" data-endpoint=...>: a <haku-search> with the script's data-* attributes
  // takes the script's place.
  if (SCRIPT && SCRIPT.parentNode && SCRIPT.hasAttribute("data-endpoint")) {
    var host = document.createElement("haku-search");
    Array.prototype.forEach.call(SCRIPT.attributes, function (a) {
      if (a.name.slice(0, 5) === "data-") host.setAttribute(a.name, a.value);
    });
    SCRIPT.parentNode.insertBefore(host, SCRIPT.nextSibling);
  }
})();

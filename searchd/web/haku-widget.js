// Haku search widget: mounts into every element with [data-haku-widget] (data-api = API base URL, empty for
// the same origin; data-ui-lang = fi | sv | en, the language facet values are labelled in, default the
// page's lang) and talks to GET /v1/search and /v1/suggest. No dependencies, no external assets.
(function () {
  "use strict";
  var FACETS = ["fund", "status", "programme", "period", "region", "lang", "themes", "year", "budget_band"];
  var FACET_LABELS = { fund: "Fund", status: "Status", programme: "Programme", period: "Period", region: "Region",
    lang: "Language", themes: "Theme", year: "Start year", budget_band: "Budget" };
  var PER_PAGE = 10;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  // Snippets are HTML-escaped text with <mark> around matched words: keep only text and <mark>.
  function snippetNode(html) {
    var out = el("p", { class: "haku-snippet" });
    var doc = new DOMParser().parseFromString("<p>" + (html || "") + "</p>", "text/html");
    doc.body.firstChild.childNodes.forEach(function (n) {
      if (n.nodeType === 3) out.appendChild(document.createTextNode(n.textContent));
      else if (n.nodeName === "MARK") out.appendChild(el("mark", { text: n.textContent }));
      else out.appendChild(document.createTextNode(n.textContent || ""));
    });
    return out;
  }

  function money(v) {
    if (v === null || v === undefined) return "";
    return new Intl.NumberFormat("fi-FI", { style: "currency", currency: "EUR", maximumFractionDigits: 0 }).format(v);
  }

  function period(h) {
    if (!h.start_date && !h.end_date) return "";
    return (h.start_date || "…") + " – " + (h.end_date || "…");
  }

  function Widget(root) {
    this.api = (root.getAttribute("data-api") || "").replace(/\/$/, "");
    // Facet labels (a fund as EAKR for a Finnish reader, ERUF for a Swedish one) follow the page's language.
    var ui = (root.getAttribute("data-ui-lang") || document.documentElement.lang || "").slice(0, 2).toLowerCase();
    this.uiLang = ["fi", "sv", "en"].indexOf(ui) >= 0 ? ui : "";
    this.state = { q: "", lang: "auto", filters: {}, page: 1 };
    this.suggestTimer = null;
    this.active = -1;
    this.seq = 0;
    this.build(root);
    this.search();
  }

  Widget.prototype.build = function (root) {
    var self = this;
    root.classList.add("haku");
    this.q = el("input", { class: "haku-q", type: "search", placeholder: "Search projects, e.g. antirasism yrkeshögskola",
      "aria-label": "Search", autocomplete: "off", role: "combobox", "aria-expanded": "false" });
    this.lang = el("select", { class: "haku-lang", "aria-label": "Query language" },
      [["auto", "Any language"], ["fi", "Suomi"], ["sv", "Svenska"], ["en", "English"]].map(function (o) {
        return el("option", { value: o[0], text: o[1] });
      }));
    this.suggestList = el("ul", { class: "haku-suggest", role: "listbox" });
    var form = el("form", { class: "haku-bar", role: "search", onsubmit: function (e) {
      e.preventDefault(); self.hideSuggest(); self.state.q = self.q.value; self.state.noExpand = false; self.state.page = 1; self.search();
    } }, [this.q, this.lang, el("button", { class: "haku-btn", type: "submit", text: "Search" }), this.suggestList]);
    this.q.addEventListener("input", function () { self.scheduleSuggest(); });
    this.q.addEventListener("keydown", function (e) { self.suggestKeys(e); });
    this.q.addEventListener("blur", function () { setTimeout(function () { self.hideSuggest(); }, 150); });
    this.lang.addEventListener("change", function () { self.state.lang = self.lang.value; self.state.page = 1; self.search(); });
    this.facets = el("aside", { class: "haku-facets", "aria-label": "Filters" });
    this.meta = el("div", { class: "haku-meta", "aria-live": "polite" });
    this.hits = el("ol", { class: "haku-hits" });
    this.pager = el("nav", { class: "haku-pager", "aria-label": "Pages" });
    root.appendChild(form);
    root.appendChild(el("div", { class: "haku-body" }, [this.facets, el("section", {}, [this.meta, this.hits, this.pager])]));
  };

  Widget.prototype.get = function (path, params) {
    var qs = params.map(function (p) { return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]); }).join("&");
    return fetch(this.api + path + (qs ? "?" + qs : ""), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); });
  };

  Widget.prototype.search = function () {
    var self = this, s = this.state, seq = ++this.seq;
    var params = [["q", s.q], ["facets", FACETS.join(",")], ["page", String(s.page)], ["per_page", String(PER_PAGE)]];
    if (s.lang !== "auto") params.push(["lang", s.lang]);
    if (this.uiLang) params.push(["ui_lang", this.uiLang]);
    if (s.noExpand) params.push(["expand", "false"]);
    Object.keys(s.filters).forEach(function (f) {
      s.filters[f].forEach(function (v) { params.push(["filter", f + ":" + v]); });
    });
    this.meta.textContent = "Searching…";
    this.get("/v1/search", params).then(function (r) {
      if (seq !== self.seq) return;
      if (!r.ok) throw new Error(r.body && r.body.error ? r.body.error.message : "search failed");
      self.render(r.body);
    }).catch(function (e) {
      if (seq !== self.seq) return;
      self.meta.innerHTML = "";
      self.meta.appendChild(el("span", { class: "haku-error", text: e.message }));
    });
  };

  Widget.prototype.render = function (res) {
    var self = this, s = this.state;
    this.meta.innerHTML = "";
    var total = res.total.value + (res.total.relation === "gte" ? "+" : "");
    this.meta.appendChild(document.createTextNode(total + " projects (" + res.took_ms + " ms)"));
    if (res.did_you_mean) {
      this.meta.appendChild(document.createTextNode(" · Did you mean "));
      this.meta.appendChild(el("button", { type: "button", text: res.did_you_mean, onclick: function () {
        self.q.value = res.did_you_mean; s.q = res.did_you_mean; s.page = 1; self.search();
      } }));
      this.meta.appendChild(document.createTextNode("?"));
    }
    if (res.also_matching && res.also_matching.length) {
      // Similar words the engine widened the query with; one click searches without them.
      this.meta.appendChild(document.createTextNode(" · Also matching: " + res.also_matching.join(", ") + " "));
      this.meta.appendChild(el("button", { type: "button", text: "only my words", onclick: function () {
        s.noExpand = true; s.page = 1; self.search();
      } }));
    }
    this.hits.innerHTML = "";
    res.hits.forEach(function (h) {
      var sub = [h.implementer, period(h), money(h.eu_contribution_eur) && "EU " + money(h.eu_contribution_eur)]
        .filter(Boolean).map(function (t) { return el("span", { text: t }); });
      if (h.fund) sub.unshift(el("span", { class: "haku-badge", text: h.fund }));
      self.hits.appendChild(el("li", { class: "haku-hit", lang: h.lang || "" }, [
        el("h3", { text: h.title }), el("div", { class: "haku-sub" }, sub), snippetNode(h.snippet)]));
    });
    this.renderFacets(res.facets || {});
    this.renderPager(res.total.value);
  };

  Widget.prototype.renderFacets = function (facets) {
    var self = this, s = this.state;
    this.facets.innerHTML = "";
    FACETS.forEach(function (name) {
      var values = facets[name];
      if (!values || !values.length) return;
      var box = el("fieldset", {}, [el("legend", { text: FACET_LABELS[name] || name })]);
      values.slice(0, 12).forEach(function (v) {
        var cb = el("input", { type: "checkbox" });
        cb.checked = !!v.selected || (s.filters[name] || []).indexOf(v.value) >= 0;
        cb.addEventListener("change", function () {
          var list = s.filters[name] || (s.filters[name] = []);
          var i = list.indexOf(v.value);
          if (cb.checked && i < 0) list.push(v.value);
          if (!cb.checked && i >= 0) list.splice(i, 1);
          if (!list.length) delete s.filters[name];
          s.page = 1; self.search();
        });
        box.appendChild(el("label", {}, [cb, el("span", { text: v.label || v.value, title: v.value }),
          el("em", { text: String(v.count) })]));
      });
      self.facets.appendChild(box);
    });
  };

  Widget.prototype.renderPager = function (total) {
    var self = this, s = this.state, pages = Math.min(Math.ceil(total / PER_PAGE), 1000);
    this.pager.innerHTML = "";
    if (pages <= 1) return;
    function go(p) { return function () { s.page = p; self.search(); window.scrollTo(0, 0); }; }
    var prev = el("button", { class: "haku-btn", type: "button", text: "‹ Previous", onclick: go(s.page - 1) });
    var next = el("button", { class: "haku-btn", type: "button", text: "Next ›", onclick: go(s.page + 1) });
    prev.disabled = s.page <= 1;
    next.disabled = s.page >= pages;
    this.pager.appendChild(prev);
    this.pager.appendChild(el("span", { text: "Page " + s.page + " of " + pages }));
    this.pager.appendChild(next);
  };

  Widget.prototype.scheduleSuggest = function () {
    var self = this;
    clearTimeout(this.suggestTimer);
    var prefix = this.q.value;
    if (prefix.trim().length < 2) { this.hideSuggest(); return; }
    this.suggestTimer = setTimeout(function () {
      var params = [["q", prefix], ["limit", "8"]];
      if (self.state.lang !== "auto") params.push(["lang", self.state.lang]);
      self.get("/v1/suggest", params).then(function (r) {
        if (!r.ok || self.q.value !== prefix) return;
        self.showSuggest(r.body.suggestions || []);
      }).catch(function () { self.hideSuggest(); });
    }, 150);
  };

  Widget.prototype.showSuggest = function (items) {
    var self = this;
    this.suggestList.innerHTML = "";
    this.active = -1;
    items.forEach(function (it) {
      self.suggestList.appendChild(el("li", { role: "option", onmousedown: function (e) {
        e.preventDefault(); self.pick(it.text);
      } }, [document.createTextNode(it.text), el("small", { text: it.kind })]));
    });
    this.q.setAttribute("aria-expanded", items.length ? "true" : "false");
  };

  Widget.prototype.hideSuggest = function () {
    this.suggestList.innerHTML = "";
    this.q.setAttribute("aria-expanded", "false");
  };

  Widget.prototype.pick = function (text) {
    this.q.value = text; this.state.q = text; this.state.page = 1; this.hideSuggest(); this.search();
  };

  Widget.prototype.suggestKeys = function (e) {
    var items = this.suggestList.children;
    if (!items.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      this.active = (this.active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    } else if (e.key === "Enter" && this.active >= 0) {
      e.preventDefault();
      this.pick(items[this.active].firstChild.textContent);
    } else if (e.key === "Escape") {
      this.hideSuggest();
    }
  };

  function mountAll() {
    document.querySelectorAll("[data-haku-widget]").forEach(function (root) {
      if (!root.hakuWidget) root.hakuWidget = new Widget(root);
    });
  }
  window.HakuWidget = { mount: function (root) { return root.hakuWidget || (root.hakuWidget = new Widget(root)); } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();

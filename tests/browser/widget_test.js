// The widget in a real browser (Debian's chromium, driven by playwright-core): haku-searchd on the
// sample corpus on one origin, a host page with hostile global CSS on another, the widget embedded with
// one tag. Run by tests/browser/run.sh, which installs playwright-core and builds the index.
// Usage: node widget_test.js SEARCHD INDEX_DIR ARTIFACT_DIR      Prints `N passed, M failed`; exit 1 on failure.
"use strict";
const { chromium } = require("playwright-core");
const { spawn } = require("child_process");
const fs = require("fs");
const http = require("http");
const path = require("path");

const [searchdBin, indexDir, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error("usage: node widget_test.js SEARCHD INDEX_DIR ARTIFACT_DIR");
  process.exit(2);
}
fs.mkdirSync(artifacts, { recursive: true });

const PORTAL_KEY = "browser-test-portal-key-0123456789";
const VARAVA = "Mottaglig YH – nationellt mot rasism (VARAVA)";
const ESF_ID = "kohesio-home-in-finland-2";  // the sample's one ESF record

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; return; }
  failed++;
  console.error("FAIL: " + name + (detail !== undefined ? " (" + JSON.stringify(detail) + ")" : ""));
}

// Polls `fn` until it returns a truthy value or `ms` pass; returns the last value.
async function eventually(fn, ms = 10000) {
  const end = Date.now() + ms;
  let v;
  while (Date.now() < end) {
    try { v = await fn(); } catch (e) { v = undefined; }
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return v;
}

// The host portal: global styles for h2, h3, ol, input, label and inherited text properties, which a
// widget without its own shadow root would take.
const HOSTILE_CSS = `
  body { font: 13px/1 "Courier New", monospace; text-transform: uppercase; letter-spacing: 4px; color: #c00; }
  h2, h3 { text-transform: uppercase; font-size: 40px; color: magenta; border: 5px solid lime; }
  ol { display: flex; flex-direction: row; list-style: upper-roman; padding: 0 0 0 200px; }
  input { height: 4px !important; width: 20px !important; padding: 0; border: 3px dotted red; }
  label { display: none !important; }
  button { background: black; color: black; }
  mark { background: transparent; }
`;
function hostPage(searchd, attrs) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Portal</title><style>${HOSTILE_CSS}</style></head>
<body><h2>Portal heading</h2><p><a href="#top">A link of the portal</a></p>
<ol><li>host list one</li><li>host list two</li></ol><label>host label</label>
<script src="${searchd}/widget/v1/haku.js" data-endpoint="${searchd}" ${attrs}></script>
<p>Footer text of the portal.</p></body></html>`;
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

function startSearchd(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(searchdBin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    const timer = setTimeout(() => reject(new Error("haku-searchd did not print 'listening on' within 30 s: " + err)), 30000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1], log: () => err }); }
    });
    child.stderr.on("data", (d) => { err += d; });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error("haku-searchd exited with " + code + ": " + err)); });
  });
}

const W = "haku-search";  // playwright's CSS locators pierce open shadow roots
const firstTitle = (page) => page.locator(`${W} .hit h3`).first().textContent();
// What the widget shows now, without waiting: the status line, a message (an error), the first title.
const shown = (page) => page.evaluate(() => {
  const r = document.querySelector("haku-search").shadowRoot;
  const text = (sel) => (r.querySelector(sel) || {}).textContent || null;
  return { status: text(".status"), message: text(".error, .empty"), first: text(".hit h3") };
});
const titles = (page) => page.locator(`${W} .hit h3`).allTextContents();
const statusCount = async (page) => {
  const m = ((await page.locator(`${W} .status`).textContent()) || "").match(/^(\d+)\+? /);
  return m ? Number(m[1]) : -1;
};
const facetCounts = (page, facet) => page.locator(`${W} details[data-facet=${facet}] label`).allTextContents();
const settled = (page) => page.waitForFunction(() => {
  const root = document.querySelector("haku-search").shadowRoot.querySelector(".root");
  return !root.hasAttribute("aria-busy") && root.querySelector(".status").textContent !== "";
});
// The element focused inside the widget (through the shadow root).
const focused = (page) => page.evaluate(() => {
  const h = document.querySelector("haku-search");
  const a = h && h.shadowRoot.activeElement;
  if (!a) return null;
  const s = getComputedStyle(a);
  return { tag: a.tagName, type: a.type || "", text: (a.textContent || "").trim().slice(0, 80), outline: s.outlineStyle,
    outlineWidth: s.outlineWidth, activedescendant: a.getAttribute("aria-activedescendant"), value: a.value };
});
async function tabTo(page, predicate, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (f && predicate(f)) return f;
  }
  return null;
}

async function main() {
  const t0 = Date.now();
  let searchd;
  const host = http.createServer((req, res) => {
    const url = new URL(req.url, "http://host");
    const attrs = url.pathname === "/scoped"
      ? `data-lang="sv" data-facets="fund,lang" data-per-page="5" data-key="${PORTAL_KEY}"`
      : `data-lang="sv" data-facets="fund,lang,year" data-per-page="5"`;
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(hostPage(searchd.url, attrs));
  });
  const hostPort = await listen(host);
  const hostOrigin = `http://127.0.0.1:${hostPort}`;
  const keyFile = path.join(path.dirname(indexDir), "keys.jsonl");
  fs.writeFileSync(keyFile, JSON.stringify({ name: "portal-amif", role: "search", key: PORTAL_KEY,
    filters: ["fund:AMIF"], origins: [hostOrigin] }) + "\n");
  searchd = await startSearchd(["--index-dir", indexDir, "--host", "127.0.0.1", "--port", "0", "--threads", "2",
    "--rate-limit", "0", "--access-log", "--api-keys-file", keyFile, "--cors-origins", hostOrigin]);
  let browser, finished = false;
  try {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    const errors = [];
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const newPage = async (ctx = context) => {
      const p = await ctx.newPage();
      p.on("pageerror", (e) => errors.push(e.message));
      return p;
    };
    // ---- one tag, hostile CSS, search as you type ----
    const page = await newPage();
    await page.goto(hostOrigin + "/");
    await settled(page);
    const browseTotal = await statusCount(page);
    check("the widget renders in place of its tag and browses the corpus", browseTotal > 10, browseTotal);
    const input = page.locator(`${W} input[type=search]`);
    await input.click();
    await input.pressSequentially("antirasism yrkeshögskola", { delay: 15 });
    const first = await eventually(async () => (await shown(page)).first === VARAVA && VARAVA, 30000);
    check("typing 'antirasism yrkeshögskola' puts VARAVA first", first === VARAVA, await shown(page));
    check("the query is in the URL with the prefix", new URL(page.url()).searchParams.get("haku_q") === "antirasism yrkeshögskola", page.url());
    await input.press("Escape");
    const look = await page.evaluate(() => {
      const r = document.querySelector("haku-search").shadowRoot;
      const h3 = getComputedStyle(r.querySelector(".hit h3"));
      const box = r.querySelector("input[type=search]").getBoundingClientRect();
      const labels = [...r.querySelectorAll(".facets label")].filter((l) => l.getBoundingClientRect().height > 0).length;
      return { transform: h3.textTransform, size: parseFloat(h3.fontSize), spacing: h3.letterSpacing, inputW: box.width,
        inputH: box.height, labels, olDisplay: getComputedStyle(r.querySelector("ol.hits")).display,
        hostH2: getComputedStyle(document.querySelector("h2")).textTransform };
    });
    check("host CSS does not reach the widget's titles", look.transform === "none" && look.size < 30 && look.spacing === "normal", look);
    check("host CSS does not collapse the search box", look.inputW > 200 && look.inputH > 24, look);
    check("host CSS does not hide the facet labels", look.labels > 3, look);
    check("host CSS does not lay out the hit list", look.olDisplay === "block", look);
    check("the widget does not restyle the host", look.hostH2 === "uppercase", look);
    const snippetMarks = await page.locator(`${W} .hit .snippet mark`).count();
    check("snippets are highlighted", snippetMarks > 0, snippetMarks);
    await page.screenshot({ path: path.join(artifacts, "1-search.png"), fullPage: true });

    // ---- a facet value: results and counts change ----
    const before = { total: await statusCount(page), titles: await titles(page), fund: await facetCounts(page, "fund") };
    // The first facet value that narrows the results.
    const choice = await page.evaluate((total) => {
      const r = document.querySelector("haku-search").shadowRoot;
      for (const label of r.querySelectorAll(".facets label")) {
        const n = Number(label.querySelector("em").textContent);
        if (n > 0 && n < total) return { key: label.querySelector("input").getAttribute("data-facet-value"), n };
      }
      return null;
    }, before.total);
    check("a facet value narrows the results", !!choice, before);
    const pickCount = choice.n;
    await page.locator(`${W} input[data-facet-value="${choice.key}"]`).check();
    await eventually(async () => (await statusCount(page)) === pickCount);
    await settled(page);
    const after = { total: await statusCount(page), titles: await titles(page), fund: await facetCounts(page, "fund") };
    check("ticking a facet value narrows the results to its count", after.total === pickCount && pickCount < before.total,
      { before: before.total, after: after.total, choice });
    check("the hits change with the facet", JSON.stringify(after.titles) !== JSON.stringify(before.titles), after.titles);
    check("the other facets' counts change", JSON.stringify(after.fund) !== JSON.stringify(before.fund), { before: before.fund, after: after.fund });
    const chipText = choice.key.slice(choice.key.indexOf(":") + 1);
    check("the filter shows as a current filter chip", (await page.locator(`${W} .chips button.chip`).allTextContents()).some((t) => t.includes(chipText)));
    check("the filter is in the URL", new URL(page.url()).searchParams.getAll("haku_f").includes(choice.key), page.url());
    await page.screenshot({ path: path.join(artifacts, "2-facet.png"), fullPage: true });

    // ---- a shared URL shows the same results ----
    const shared = page.url();
    const other = await newPage(await browser.newContext({ viewport: { width: 1200, height: 900 } }));
    await other.goto(shared);
    await settled(other);
    check("a shared URL shows the same results", JSON.stringify(await titles(other)) === JSON.stringify(after.titles),
      { shared: await titles(other), original: after.titles });
    check("a shared URL shows the filter ticked", await other.locator(`${W} input[data-facet-value="${choice.key}"]:checked`).count() === 1);
    await other.close();

    // ---- pages; back and forward ----
    await page.goto(hostOrigin + "/");
    await settled(page);
    const page1 = await titles(page);
    await page.evaluate(() => window.scrollTo(0, 40));
    await page.locator(`${W} nav.pager button[data-page="2"]`).filter({ hasText: /^2$/ }).click();
    await eventually(async () => JSON.stringify(await titles(page)) !== JSON.stringify(page1));
    await settled(page);
    const page2 = await titles(page);
    check("page 2 shows other hits", page2.length > 0 && page2.every((t) => !page1.includes(t)), { page1, page2 });
    check("page 2 is marked current", (await page.locator(`${W} nav.pager [aria-current=page]`).textContent()) === "2");
    check("the page is in the URL", new URL(page.url()).searchParams.get("haku_page") === "2", page.url());
    const scrollY = await page.evaluate(() => window.scrollY);
    check("paging does not scroll the host page to its top", scrollY > 0, scrollY);
    await page.screenshot({ path: path.join(artifacts, "3-page2.png"), fullPage: true });
    await page.goBack();
    await eventually(async () => JSON.stringify(await titles(page)) === JSON.stringify(page1));
    check("back returns to page 1", JSON.stringify(await titles(page)) === JSON.stringify(page1), await titles(page));
    await page.goForward();
    await eventually(async () => JSON.stringify(await titles(page)) === JSON.stringify(page2));
    check("forward returns to page 2", JSON.stringify(await titles(page)) === JSON.stringify(page2), await titles(page));

    // ---- a range: start year from 2022 keeps the years the year facet counts from 2022 on ----
    await page.goto(hostOrigin + "/");
    await settled(page);
    const years = await page.evaluate(() => [...document.querySelector("haku-search").shadowRoot
      .querySelectorAll("details[data-facet=year] label")].map((l) => [Number(l.querySelector("span").textContent), Number(l.querySelector("em").textContent)]));
    const fromYear = 2022, expected = years.filter(([y]) => y >= fromYear).reduce((a, [, n]) => a + n, 0);
    await page.locator(`${W} .ranges input[name=from]`).fill(String(fromYear));
    await page.locator(`${W} .ranges input[name=from]`).press("Enter");
    await eventually(async () => new URL(page.url()).searchParams.get("haku_from") === String(fromYear));
    await settled(page);
    check("a start year range keeps what the year facet counted from that year on", expected > 0 && (await statusCount(page)) === expected,
      { years, expected, got: await statusCount(page) });

    // ---- one whole search by keyboard only ----
    const kb = await newPage(await browser.newContext({ viewport: { width: 1200, height: 900 } }));
    await kb.goto(hostOrigin + "/");
    await settled(kb);
    const box = await tabTo(kb, (f) => f.tag === "INPUT" && f.type === "search");
    check("Tab reaches the search box", !!box);
    check("focus is visible on the search box", box && box.outline !== "none", box);
    await kb.keyboard.type("yrkes", { delay: 20 });
    const options = await eventually(async () => (await kb.locator(`${W} [role=listbox] [role=option]`).count()) || 0);
    check("suggestions open while typing", options > 0, options);
    await kb.keyboard.press("ArrowDown");
    const combo = await focused(kb);
    const optionId = await kb.locator(`${W} [role=option][aria-selected=true]`).getAttribute("id").catch(() => null);
    check("ArrowDown sets aria-activedescendant to the selected option", combo && optionId && combo.activedescendant === optionId,
      { combo, optionId });
    const controls = await kb.locator(`${W} input[role=combobox]`).getAttribute("aria-controls");
    check("the combobox names its listbox", controls && (await kb.locator(`${W} [role=listbox]`).getAttribute("id")) === controls);
    const chosen = await kb.locator(`${W} [role=option][aria-selected=true]`).getAttribute("data-text");
    await kb.keyboard.press("Enter");
    await eventually(async () => new URL(kb.url()).searchParams.get("haku_q") === chosen);
    await settled(kb);
    const kbTotal = await statusCount(kb);
    check("Enter on a suggestion searches it", new URL(kb.url()).searchParams.get("haku_q") === chosen && kbTotal > 0,
      { chosen, url: kb.url(), kbTotal });
    const cb = await tabTo(kb, (f) => f.tag === "INPUT" && f.type === "checkbox");
    check("Tab reaches a facet checkbox", !!cb);
    check("focus is visible on a checkbox", cb && cb.outline !== "none", cb);
    await kb.keyboard.press("Space");
    await eventually(async () => new URL(kb.url()).searchParams.getAll("haku_f").length === 1);
    await settled(kb);
    check("Space ticks the facet", new URL(kb.url()).searchParams.getAll("haku_f").length === 1, kb.url());
    const stillFocused = await focused(kb);
    check("focus stays on the ticked checkbox after the results update", stillFocused && stillFocused.type === "checkbox", stillFocused);
    await kb.keyboard.press("Shift+Tab");
    const link = await tabTo(kb, (f) => f.tag === "A", 80);
    check("Tab reaches a hit's link", !!link);
    await kb.keyboard.press("Enter");
    const detailTitle = await eventually(async () => {
      const v = await kb.locator(`${W} .detail h2`).textContent();
      return v && v.length ? v : null;
    });
    check("Enter on a hit opens its detail view", detailTitle === (link && link.text), { detailTitle, link });
    check("the detail view lists similar projects", (await kb.locator(`${W} .detail ul li a`).count()) > 0);
    check("the detail is in the URL", !!new URL(kb.url()).searchParams.get("haku_id"), kb.url());
    await kb.screenshot({ path: path.join(artifacts, "4-keyboard-detail.png"), fullPage: true });
    await kb.close();

    // ---- 400 px: results first, facets in a panel, no sideways scroll ----
    const narrowCtx = await browser.newContext({ viewport: { width: 400, height: 800 } });
    const narrow = await newPage(narrowCtx);
    await narrow.goto(hostOrigin + "/?haku_q=" + encodeURIComponent("antirasism yrkeshögskola"));
    await settled(narrow);
    const layout = await narrow.evaluate(() => {
      const r = document.querySelector("haku-search").shadowRoot;
      const hit = r.querySelector(".hit").getBoundingClientRect();
      const top = document.querySelector("haku-search").getBoundingClientRect().top;
      const facets = r.querySelector(".facets");
      return { scrollW: document.documentElement.scrollWidth, hitTop: hit.top - top, hitRight: hit.right,
        facetsShown: facets.getBoundingClientRect().height > 0 };
    });
    check("at 400 px nothing scrolls sideways", layout.scrollW <= 400, layout);
    check("at 400 px the facets are folded away, results first", !layout.facetsShown && layout.hitTop < 300, layout);
    check("at 400 px the first title is the same", (await firstTitle(narrow)) === VARAVA, await firstTitle(narrow));
    await narrow.screenshot({ path: path.join(artifacts, "5-narrow.png"), fullPage: true });
    await narrow.locator(`${W} button.toggle`).click();
    const opened = await narrow.evaluate(() => {
      const r = document.querySelector("haku-search").shadowRoot;
      return { facets: r.querySelector(".facets").getBoundingClientRect().height, expanded: r.querySelector("button.toggle").getAttribute("aria-expanded"),
        scrollW: document.documentElement.scrollWidth };
    });
    check("at 400 px the Filters button opens the facet panel", opened.facets > 0 && opened.expanded === "true" && opened.scrollW <= 400, opened);
    await narrow.screenshot({ path: path.join(artifacts, "6-narrow-filters.png"), fullPage: true });
    await narrowCtx.close();

    // ---- a scoped key: its fixed filter cannot be escaped ----
    const open = await newPage();
    await open.goto(hostOrigin + "/?haku_f=fund:ESF");
    await settled(open);
    check("without the key the ESF record is found", (await statusCount(open)) === 1, await statusCount(open));
    const scoped = await newPage();
    await scoped.goto(hostOrigin + "/scoped?haku_f=fund:ESF");
    await settled(scoped);
    check("with the portal's key, asking for ESF finds nothing", (await statusCount(scoped)) === 0, await statusCount(scoped));
    check("the empty state says so", (await scoped.locator(`${W} .empty`).count()) === 1);
    await scoped.screenshot({ path: path.join(artifacts, "7-scoped-escape.png"), fullPage: true });
    await scoped.goto(hostOrigin + "/scoped");
    await settled(scoped);
    const funds = (await facetCounts(scoped, "fund")).map((t) => t.replace(/\d+$/, "").trim());
    check("with the key the fund facet holds only AMIF", funds.length === 1 && /AMIF/.test(funds[0]), funds);
    const direct = await scoped.evaluate(async ([url, key, id]) => {
      const r = await fetch(url + "/v1/projects/" + id, { headers: { Authorization: "Bearer " + key } });
      const s = await fetch(url + "/v1/search?filter=fund:ESF&q=Home%20in%20Finland", { headers: { Authorization: "Bearer " + key } });
      return { project: r.status, total: (await s.json()).total.value };
    }, [searchd.url, PORTAL_KEY, ESF_ID]);
    check("with the key the ESF record's detail is 404 and a direct search finds 0", direct.project === 404 && direct.total === 0, direct);
    await scoped.screenshot({ path: path.join(artifacts, "8-scoped.png"), fullPage: true });
    // ---- searchd's own demo page and the example host page ----
    for (const [name, route, pattern] of [["0-demo.png", "/", /projects$/], ["9-example.png", "/widget/example.html", /hanketta$/]]) {
      const p = await newPage();
      await p.goto(searchd.url + route);
      await settled(p);
      const status = await p.locator(`${W} .status`).textContent();
      check(route + " renders the widget", pattern.test(status) && (await statusCount(p)) > 10, status);
      await p.screenshot({ path: path.join(artifacts, name), fullPage: true });
      await p.close();
    }
    check("no script errors on the pages", errors.length === 0, errors);
    finished = true;
  } finally {
    if (failed || !finished) console.error("searchd's log, last lines:\n" + searchd.log().split("\n").slice(-40).join("\n"));
    if (browser) await browser.close();
    searchd.child.kill("SIGTERM");
    host.close();
  }
  console.log(`${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${artifacts})`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error("FAIL: " + (e && e.stack ? e.stack : e));
  process.exit(1);
});

// The attache dashboard. Everything shown comes from /api as JSON and is
// put into the page as text nodes (textContent, never parsed as HTML), so
// document text can hold any markup and still shows as what it says.
"use strict";
(function () {
  const ROOTS = {
    "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate", "04": "Consult",
    "05": "Diplomatic cooperation", "06": "Material cooperation", "07": "Provide aid", "08": "Yield",
    "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten",
    "14": "Protest", "15": "Exhibit force posture", "16": "Reduce relations", "17": "Coerce",
    "18": "Assault", "19": "Fight", "20": "Unconventional mass violence",
  };
  const FILTERS = ["source", "target", "root", "plover", "quad_class", "from", "to", "speaker", "text"];
  const PAGE = 50;
  const form = document.getElementById("filters");
  let offset = 0;
  let chart = null;
  let generation = 0;

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "class") e.className = v;
      else if (k === "dataset") Object.assign(e.dataset, v);
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function fmt(x) {
    return x === null || x === undefined ? "–" : Number(x).toFixed(2);
  }

  function filterParams() {
    const p = new URLSearchParams();
    for (const name of FILTERS) {
      const v = form.elements[name].value.trim();
      if (v) p.set(name, v);
    }
    return p;
  }

  async function api(path, params) {
    const url = params && [...params].length ? path + "?" + params : path;
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || r.status + " " + r.statusText);
    return body;
  }

  function showError(e) {
    const p = document.getElementById("error");
    p.textContent = e ? String(e.message || e) : "";
    p.hidden = !e;
  }

  // ---- the time series -------------------------------------------------

  function renderSeries(data, title) {
    const tbody = document.querySelector("#series-table tbody");
    clear(tbody);
    for (const p of data.points) {
      tbody.append(el("tr", { dataset: { period: p.period } },
        el("td", {}, p.period), el("td", { class: "num" }, p.count), el("td", { class: "num" }, fmt(p.mean_goldstein))));
    }
    document.getElementById("series-title").textContent = title;
    const box = document.getElementById("chart");
    if (chart) { chart.destroy(); chart = null; }
    clear(box);
    document.getElementById("chart-empty").hidden = data.points.length > 0;
    if (!data.points.length) return;
    // One slot per period, labelled by it: months and years read better
    // as "2019-02" than as a date axis with day ticks.
    const labels = data.points.map((p) => p.period);
    const xs = labels.map((_, i) => i);
    const counts = data.points.map((p) => p.count);
    const means = data.points.map((p) => p.mean_goldstein);
    chart = new uPlot({
      width: Math.max(320, box.clientWidth || 800),
      height: 300,
      scales: {
        x: { time: false, range: () => [-0.5, labels.length - 0.5] },
        count: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] },
        g: { range: [-10, 10] },
      },
      series: [
        { label: "Period", value: (u, v) => (v === null || v === undefined ? "–" : labels[Math.round(v)] || "–") },
        { label: "Events", scale: "count", stroke: "#2f6690", fill: "rgba(47,102,144,0.35)", paths: uPlot.paths.bars({ size: [0.6, 48] }), points: { show: false } },
        { label: "Mean Goldstein", scale: "g", stroke: "#a4161a", width: 2, value: (u, v) => fmt(v), points: { show: true, size: 7, fill: "#a4161a" } },
      ],
      axes: [
        { incrs: [1, 2, 3, 4, 6, 12, 24, 52, 104, 365, 730], values: (u, splits) => splits.map((i) => labels[i] || "") },
        { scale: "count", label: "events" },
        { scale: "g", side: 1, label: "mean Goldstein", grid: { show: false } },
      ],
    }, [xs, counts, means], box);
  }

  // ---- distributions and dyads -----------------------------------------

  function renderBars(id, rows, label, onPick) {
    const tbody = document.querySelector("#" + id + " tbody");
    clear(tbody);
    const max = Math.max(1, ...rows.map((r) => r.count));
    for (const r of rows) {
      const fill = el("span", { class: "fill" });
      fill.style.width = (100 * r.count / max).toFixed(1) + "%";
      tbody.append(el("tr", { dataset: { key: r.key === null ? "" : r.key }, title: "mean Goldstein " + fmt(r.mean_goldstein), onclick: () => onPick(r) },
        el("td", {}, label(r)), el("td", { class: "bar" }, fill), el("td", { class: "num count" }, r.count)));
    }
  }

  // ---- the event table ---------------------------------------------------

  function actor(a) {
    return a ? a.code : "–";
  }

  function renderEvents(page) {
    const tbody = document.querySelector("#events tbody");
    clear(tbody);
    for (const e of page.events) {
      const open = () => openDocument(e.doc_id, e.event_id);
      tbody.append(el("tr", {
        tabindex: "0",
        dataset: { eventId: e.event_id, docId: e.doc_id },
        onclick: open,
        onkeydown: (k) => { if (k.key === "Enter") open(); },
      },
      el("td", {}, e.date || "–"),
      el("td", { title: e.source.text }, actor(e.source)),
      el("td", { title: e.target ? e.target.text : "" }, actor(e.target)),
      el("td", {}, e.cameo),
      el("td", {}, e.plover || "–"),
      el("td", { class: "num" + (e.goldstein < 0 ? " neg" : "") }, e.goldstein.toFixed(1)),
      el("td", {}, e.speaker || "–"),
      el("td", { class: "sentence" }, e.sentence)));
    }
    const end = page.offset + page.events.length;
    document.getElementById("events-count").textContent = page.total
      ? (page.offset + 1) + "–" + end + " of " + page.total
      : "none match";
    document.getElementById("events-section").dataset.total = page.total;
    document.getElementById("prev").disabled = page.offset === 0;
    document.getElementById("next").disabled = end >= page.total;
    document.getElementById("summary").textContent = page.total + " events match";
  }

  async function loadEvents() {
    const p = filterParams();
    p.set("limit", PAGE);
    p.set("offset", offset);
    renderEvents(await api("/api/events", p));
  }

  // ---- one document --------------------------------------------------------

  async function openDocument(docId, eventId) {
    const aside = document.getElementById("document");
    aside.dataset.ready = "0";
    try {
      const p = new URLSearchParams();
      if (eventId) p.set("event", eventId);
      const d = await api("/api/documents/" + encodeURIComponent(docId), p);
      document.getElementById("doc-title").textContent = d.title || d.name;
      document.getElementById("doc-meta").textContent = [d.date, d.place, d.name].filter(Boolean).join(" · ");
      const ev = d.event;
      document.getElementById("doc-event").textContent = ev
        ? ev.source.code + " → " + actor(ev.target) + " · CAMEO " + ev.cameo + (ev.plover ? " (" + ev.plover + ")" : "") +
          " · Goldstein " + ev.goldstein.toFixed(1) + " · “" + ev.verb.text + "”"
        : d.events.length + " events";
      const turns = document.getElementById("doc-turns");
      clear(turns);
      for (const t of d.turns) {
        const who = t.speaker || (t.press ? "Press" : (t.label || ""));
        const body = el("div", { class: "body" });
        for (const piece of t.pieces) {
          if (piece.mark) body.append(el("mark", { class: piece.mark }, piece.text));
          else if (piece.events > 0) body.append(el("span", { class: "coded", title: piece.events + " events" }, piece.text));
          else body.append(document.createTextNode(piece.text));
        }
        turns.append(el("div", { class: "turn" + (t.press ? " press" : "") },
          who ? el("div", { class: "who" }, who + (t.speaker_code ? " · " + t.speaker_code : "")) : null, body));
      }
      aside.hidden = false;
      const mark = turns.querySelector("mark.evidence, mark.verb");
      if (mark) mark.scrollIntoView({ block: "center" });
      aside.dataset.ready = "1";
    } catch (e) {
      showError(e);
    }
  }

  // ---- wiring ------------------------------------------------------------

  async function load() {
    const mine = ++generation;
    document.body.dataset.ready = "0";
    showError(null);
    const p = filterParams();
    const interval = form.elements.interval.value;
    const url = new URLSearchParams(p);
    if (interval !== "month") url.set("interval", interval);
    history.replaceState(null, "", [...url].length ? "?" + url : location.pathname);
    try {
      const sp = new URLSearchParams(p);
      sp.set("interval", interval);
      const dp = (by) => { const x = new URLSearchParams(p); x.set("by", by); return x; };
      const [series, roots, plovers, dyads] = await Promise.all([
        api("/api/series", sp), api("/api/distribution", dp("root")), api("/api/distribution", dp("plover")),
        api("/api/dyads", p), loadEvents(),
      ]);
      if (mine !== generation) return;
      const who = [p.get("source") || "any", p.get("target") || "any"].join(" → ");
      renderSeries(series, who + ", by " + interval);
      renderBars("dist-root", roots.buckets, (r) => r.key + " " + (ROOTS[r.key] || ""), (r) => pick({ root: r.key }));
      renderBars("dist-plover", plovers.buckets, (r) => r.key || "(none)", (r) => r.key && pick({ plover: r.key }));
      renderBars("dyads", dyads.map((d) => ({ key: (d.source || "–") + "-" + (d.target || "–"), count: d.count, mean_goldstein: d.mean_goldstein, d })),
        (r) => (r.d.source || "–") + " → " + (r.d.target || "–"), (r) => pick({ source: r.d.source || "", target: r.d.target || "" }));
      document.body.dataset.ready = "1";
    } catch (e) {
      showError(e);
      document.body.dataset.ready = "error";
    }
  }

  function pick(values) {
    for (const [k, v] of Object.entries(values)) form.elements[k].value = v;
    offset = 0;
    load();
  }

  const rootSelect = form.elements.root;
  for (const [code, name] of Object.entries(ROOTS)) rootSelect.append(el("option", { value: code }, code + " " + name));
  const initial = new URLSearchParams(location.search);
  for (const name of FILTERS.concat(["interval"])) {
    if (initial.has(name)) form.elements[name].value = initial.get(name);
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); offset = 0; load(); });
  document.getElementById("reset").addEventListener("click", () => { form.reset(); offset = 0; load(); });
  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); loadEvents().catch(showError); });
  document.getElementById("next").addEventListener("click", () => { offset += PAGE; loadEvents().catch(showError); });
  document.getElementById("close-doc").addEventListener("click", () => { document.getElementById("document").hidden = true; });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") document.getElementById("document").hidden = true; });
  load();
})();

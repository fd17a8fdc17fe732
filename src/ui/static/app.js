// Sluice web UI client: renders the query list or one query's statistics from the JSON API and
// refreshes every second (`?refresh=<ms>` changes it; 0 stops). Charts are uPlot instances, kept in
// window.sluiceCharts by name so that tests can read what was drawn.
"use strict";

const params = new URLSearchParams(location.search);
const refreshMs = params.has("refresh") ? Number(params.get("refresh")) : 1000;
const main = document.getElementById("main");
const charts = (window.sluiceCharts = {});
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 });
const num = (v, digits = 1) => (v === null || v === undefined ? "-" : Number(v).toLocaleString("en-US", { maximumFractionDigits: digits }));
const when = (iso) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "-");
const duration = (ms) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};

async function getJson(path) {
  const res = await fetch(path, { cache: "no-store" });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

// ---- the query list (Spark's "Active Streaming Queries" / "Completed Streaming Queries") ----

function queryTable(rows, active) {
  if (rows.length === 0) return `<p class="muted">No ${active ? "active" : "completed"} queries.</p>`;
  const head = ["Name", "Status", "ID", "Run ID", "Start Time", "Duration", "Avg Input /sec", "Avg Process /sec", "Latest Batch", "Alerts"].concat(active ? [] : ["Error"]);
  const body = rows.map((q) => {
    const end = q.endedAt ? Date.parse(q.endedAt) : Date.now();
    const cells = [
      `<a href="/StreamingQuery/statistics/?id=${encodeURIComponent(q.runId)}">${esc(q.name ?? "<no name>")}</a>`,
      `<span class="state-${q.state}">${q.state}</span>`,
      esc(q.id),
      esc(q.runId),
      when(q.startedAt),
      duration(end - Date.parse(q.startedAt)),
      `<span class="num">${num(q.avgInputRowsPerSecond)}</span>`,
      `<span class="num">${num(q.avgProcessedRowsPerSecond)}</span>`,
      q.lastBatchId ?? "-",
      q.alerts,
    ].concat(active ? [] : [esc(q.exception ?? "")]);
    return `<tr data-run-id="${esc(q.runId)}">${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}

async function renderList() {
  const queries = await getJson("/api/queries");
  const active = queries.filter((q) => q.state === "RUNNING");
  const done = queries.filter((q) => q.state !== "RUNNING");
  main.innerHTML = `<h1>Streaming Queries</h1>
    <h2 id="active">Active Streaming Queries (${active.length})</h2>${queryTable(active, true)}
    <h2 id="completed">Completed Streaming Queries (${done.length})</h2>${queryTable(done, false)}`;
}

// ---- one query's statistics ----

/** Chart definitions: each turns the per-batch metrics into named series. */
const CHART_DEFS = [
  { name: "inputRate", title: "Input Rate / Processing Rate (rows/s)", series: (m) => ({ "input rows/s": m.map((b) => b.inputRowsPerSecond), "processed rows/s": m.map((b) => b.processedRowsPerSecond) }) },
  { name: "inputRows", title: "Input Rows per batch", series: (m) => ({ "input rows": m.map((b) => b.numInputRows), "output rows": m.map((b) => b.numOutputRows) }) },
  { name: "duration", title: "Batch Duration by phase (ms)", series: (m) => byKey(m, (b) => b.durationMs) },
  { name: "stateRows", title: "State Rows per operator", series: (m) => byKey(m, (b) => Object.fromEntries(b.stateOperators.map((o, i) => [`${i}: ${o.name}`, o.rows]))) },
  { name: "stateMemory", title: "State Memory per operator (bytes)", series: (m) => byKey(m, (b) => Object.fromEntries(b.stateOperators.map((o, i) => [`${i}: ${o.name}`, o.memoryBytes]))) },
  { name: "watermarkDelay", title: "Watermark delay behind wall clock (s)", series: (m) => (m.some((b) => b.watermarkDelayMs !== null) ? { "delay s": m.map((b) => (b.watermarkDelayMs === null ? null : b.watermarkDelayMs / 1000)) } : {}) },
  { name: "lateRows", title: "Late rows dropped by watermark", series: (m) => ({ "late rows": m.map((b) => b.lateRows) }) },
  { name: "sourceLag", title: "Source lag (offsets behind latest)", series: (m) => byKey(m, (b) => Object.fromEntries(b.sources.filter((s) => s.lag !== null).map((s, i) => [`${i}: ${s.description}`, s.lag]))) },
];

/** One series per key any batch has; a batch without the key gives a gap. */
function byKey(metrics, pick) {
  const out = {};
  metrics.forEach((b, i) => {
    for (const [k, v] of Object.entries(pick(b))) (out[k] ??= new Array(metrics.length).fill(null))[i] = v;
  });
  return out;
}

function drawChart(def, metrics) {
  const box = document.getElementById(`chart-${def.name}`);
  const series = def.series(metrics);
  const labels = Object.keys(series);
  if (labels.length === 0 || metrics.length === 0) {
    charts[def.name]?.destroy();
    delete charts[def.name];
    box.querySelector(".plot").innerHTML = `<div class="empty">no data</div>`;
    return;
  }
  const data = [metrics.map((b) => b.timestampMs / 1000), ...labels.map((l) => series[l])];
  const existing = charts[def.name];
  if (existing && existing.sluiceLabels.join("\n") === labels.join("\n")) {
    existing.setData(data);
    return;
  }
  existing?.destroy();
  const plot = box.querySelector(".plot");
  plot.innerHTML = "";
  const u = new uPlot(
    {
      width: Math.max(320, plot.clientWidth || 540),
      height: 220,
      scales: { x: { time: true } },
      series: [{}, ...labels.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: metrics.length < 60 }, spanGaps: false }))],
      axes: [{}, { size: 60, values: (_, ticks) => ticks.map((v) => compact.format(v)) }],
    },
    data,
    plot,
  );
  u.sluiceLabels = labels;
  charts[def.name] = u;
}

function facts(q) {
  const rows = [
    ["Name", esc(q.name ?? "<no name>")],
    ["Status", `<span class="state-${q.state}">${q.state}</span> <span class="muted">${esc(q.statusMessage)}</span>`],
    ["ID", esc(q.id)],
    ["Run ID", esc(q.runId)],
    ["Started", when(q.startedAt)],
    ["Ended", when(q.endedAt)],
    ["Latest batch", q.lastBatchId ?? "-"],
    ["Watermark", esc(q.lastProgress?.eventTime?.watermark ?? "-")],
  ];
  if (q.exception) rows.push(["Error", `<span class="problem">${esc(q.exception)}</span>`]);
  if (q.note) rows.push(["Note", `<span class="muted" id="note">${esc(q.note)}</span>`]);
  return `<dl class="facts" id="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

function checkpointSection(c) {
  if (!c) return `<p class="muted">No checkpoint.</p>`;
  const verdict = c.problems.length === 0 ? `<p class="ok" id="checkpoint-verdict">Healthy: a restart resumes from batch ${c.lastCommittedBatchId === null ? 0 : c.lastCommittedBatchId + 1}.</p>` : `<ul id="checkpoint-verdict">${c.problems.map((p) => `<li class="problem">${esc(p)}</li>`).join("")}</ul>`;
  const stores = c.stateStores.map((s) => `<tr><td>${esc(s.store)}</td><td class="num">${s.latestVersion ?? "-"}</td><td class="num">${s.snapshots}</td></tr>`).join("");
  return `${verdict}<dl class="facts"><dt>Path</dt><dd>${esc(c.path)}</dd><dt>Batches in log</dt><dd>${c.firstBatchId ?? "-"} .. ${c.lastBatchId ?? "-"}</dd>
    <dt>Last committed</dt><dd>${c.lastCommittedBatchId ?? "-"}</dd><dt>Uncommitted</dt><dd>${c.uncommittedBatchId ?? "-"}</dd><dt>Size</dt><dd>${num(c.sizeBytes, 0)} bytes</dd></dl>
    ${stores ? `<table><thead><tr><th>State store</th><th>Latest version</th><th>Snapshots</th></tr></thead><tbody>${stores}</tbody></table>` : ""}`;
}

function alertsSection(alerts) {
  if (alerts.length === 0) return `<p class="muted" id="alerts">No alerts.</p>`;
  return `<table id="alerts"><thead><tr><th>Batch</th><th>Time</th><th>Metric</th><th>Value</th><th>Threshold</th><th>Message</th></tr></thead><tbody>${alerts
    .slice(-50)
    .reverse()
    .map((a) => `<tr class="alert"><td>${a.batchId}</td><td>${when(a.timestamp)}</td><td>${a.metric}</td><td class="num">${num(a.value, 3)}</td><td class="num">${num(a.threshold, 3)}</td><td>${esc(a.message)}</td></tr>`)
    .join("")}</tbody></table>`;
}

let built = false;
async function renderQuery(id) {
  const q = await getJson(`/api/queries/${encodeURIComponent(id)}`);
  if (!built) {
    main.innerHTML = `<h1>Streaming Query Statistics</h1><div id="facts-box"></div>
      <h2>Charts</h2><div class="charts">${CHART_DEFS.map((d) => `<div class="chart" id="chart-${d.name}"><h3>${d.title}</h3><div class="plot"></div></div>`).join("")}</div>
      <h2>Alerts</h2><div id="alerts-box"></div>
      <h2>Latest progress</h2><pre id="progress-json"></pre>
      <h2>Plan (explain)</h2><pre id="explain"></pre>
      <h2>Checkpoint</h2><div id="checkpoint"></div>`;
    built = true;
  }
  document.getElementById("facts-box").innerHTML = facts(q);
  for (const def of CHART_DEFS) drawChart(def, q.metrics);
  document.getElementById("alerts-box").innerHTML = alertsSection(q.alertEvents);
  document.getElementById("progress-json").textContent = q.lastProgress ? JSON.stringify(q.lastProgress, null, 2) : "No batch has completed yet.";
  document.getElementById("explain").textContent = q.explain ?? "-";
  document.getElementById("checkpoint").innerHTML = checkpointSection(q.checkpoint);
  document.body.dataset.lastBatchId = String(q.lastBatchId ?? "");
  document.body.dataset.state = q.state;
}

async function refresh() {
  try {
    if (location.pathname.startsWith("/StreamingQuery/statistics")) await renderQuery(params.get("id") ?? "");
    else await renderList();
    document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
  } catch (e) {
    document.getElementById("updated").textContent = `update failed: ${e.message}`;
  }
  if (refreshMs > 0) setTimeout(refresh, refreshMs);
}
refresh();

"use strict";
// The tinyhttpd dashboard: polls the admin API every second and redraws.
(function () {
  const $ = (id) => document.getElementById(id);
  const pollMillis = 1000;
  const recentRows = 50; // the recent exchanges shown, and fetched
  // color returns a colour of style.css, which states each once.
  const color = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function fmtBytes(n) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }
  function fmtUptime(s) {
    s = Math.floor(s);
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m " + (s % 60) + "s";
  }
  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }
  function fillRows(tbody, rows) {
    const frag = document.createDocumentFragment();
    for (const cells of rows) {
      const tr = document.createElement("tr");
      for (const c of cells) tr.appendChild(c instanceof Node ? c : cell(String(c)));
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
  }
  function sortedEntries(obj) {
    return Object.entries(obj || {}).sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true }));
  }

  async function getJSON(path) {
    // A request that hangs (a network gone quiet) fails after a few polls'
    // time, so that polling goes on and shows the endpoint unreachable.
    const res = await fetch(path, { cache: "no-store", signal: AbortSignal.timeout(5 * pollMillis) });
    if (!res.ok) throw new Error(path + ": " + res.status);
    return res.json();
  }

  // showMessage shows text above the page; kind names what it is about,
  // so that hideMessage(kind) hides it only if no other message took its
  // place.
  function showMessage(text, isError, kind) {
    const m = $("message");
    m.textContent = text;
    m.className = isError ? "error" : "";
    m.dataset.kind = kind;
    m.hidden = false;
  }
  function hideMessage(kind) {
    const m = $("message");
    if (m.dataset.kind === kind) m.hidden = true;
  }

  // drawLines draws series of values on a canvas, scaled to their maximum;
  // a null value (a second without requests) leaves a gap in its line. A
  // series with a dash pattern is drawn dashed, so that lines differ by
  // more than their colour.
  function drawLines(canvas, series) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || canvas.width, h = canvas.clientHeight || canvas.height;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    let max = 0;
    for (const s of series) for (const v of s.values) if (v !== null) max = Math.max(max, v);
    const top = max > 0 ? max * 1.1 : 1;
    const pad = 28;
    ctx.strokeStyle = color("--line");
    ctx.fillStyle = color("--muted");
    ctx.font = "11px system-ui, sans-serif";
    ctx.lineWidth = 1;
    for (const f of [0, 0.5, 1]) {
      const y = h - 14 - f * (h - 24);
      ctx.beginPath(); ctx.moveTo(pad, y); ctx.lineTo(w, y); ctx.stroke();
      ctx.fillText(formatTick(top * f), 0, y + 4);
    }
    for (const s of series) {
      const n = s.values.length;
      if (n < 2) continue;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(s.dash || []);
      ctx.beginPath();
      let drawing = false;
      const dots = [];
      s.values.forEach((v, i) => {
        if (v === null) { drawing = false; return; }
        const x = pad + (i / (n - 1)) * (w - pad);
        const y = h - 14 - (v / top) * (h - 24);
        if (drawing) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        drawing = true;
        // A value with a gap on both sides has no line: a dot shows it.
        if ((i === 0 || s.values[i - 1] === null) && (i === n - 1 || s.values[i + 1] === null)) dots.push([x, y]);
      });
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = s.color;
      for (const [x, y] of dots) { ctx.beginPath(); ctx.arc(x, y, 2.5, 0, 2 * Math.PI); ctx.fill(); }
    }
    return max;
  }
  function formatTick(v) {
    return v >= 100 ? Math.round(v) : v >= 1 ? v.toFixed(1) : v.toFixed(2);
  }

  function renderStatus(s) {
    $("version").textContent = "v" + s.version + " · " + s.addresses.protocol;
    const state = $("state");
    state.textContent = s.draining ? "draining" : s.ready ? "ready" : "not ready";
    state.className = "badge " + (s.ready ? "ready" : "down");
    $("uptime").textContent = fmtUptime(s.uptime_seconds);
    $("accepted").textContent = s.totals.accepted.toLocaleString();
    $("p50").textContent = s.latency.count ? s.latency.p50_ms + " ms" : "–";
    $("p99").textContent = s.latency.count ? s.latency.p99_ms + " ms" : "–";
    $("bytes-in").textContent = fmtBytes(s.bytes.in);
    $("bytes-out").textContent = fmtBytes(s.bytes.out);
    $("conn-reading").textContent = s.connections.reading;
    $("conn-writing").textContent = s.connections.writing;
    $("conn-lingering").textContent = s.connections.lingering;
    $("conn-memory").textContent = fmtBytes(s.connections.request_memory_bytes);
    fillRows($("replies"), sortedEntries(s.totals.replies).map(([k, v]) =>
      [cell(k, k === "none" || Number(k) >= 500 ? "bad" : ""), v.toLocaleString()]));
    fillRows($("ends"), sortedEntries(s.totals.ends).map(([k, v]) => [k, v.toLocaleString()]));
    fillRows($("settings"), sortedEntries(s.settings));
    renderTLS(s.tls || []);
    // A reload that failed (SIGHUP, the API) left the routes as they were.
    // The button's report of its reload goes once the server has counted a
    // later one, whose outcome shows here: counts, not clocks, tell which
    // came later.
    reloadsCounted = s.reloads.ok + s.reloads.failed;
    if ($("message").dataset.kind === "reload" && reloadsCounted > Number($("message").dataset.reloads)) hideMessage("reload");
    const last = s.reloads.last;
    const failed = $("reload-error");
    failed.hidden = !(last && last.error);
    if (!failed.hidden) {
      failed.textContent = "The last reload (" + last.trigger + ", " + new Date(last.at).toLocaleTimeString() +
        ") failed; these routes are still served:\n" + last.error;
    }
  }

  // renderTLS lists each TLS listener's certificate with the days it has
  // left, marked when fewer than 14.
  function renderTLS(certs) {
    $("tls-section").hidden = certs.length === 0;
    fillRows($("tls"), certs.map((c) => {
      const days = Math.floor((new Date(c.not_after) - Date.now()) / 86400000);
      const left = days < 0 ? "expired" : days + " days left";
      return [c.listener, c.subject, cell(new Date(c.not_after).toLocaleDateString() + " (" + left + ")", days < 14 ? "bad" : "")];
    }));
  }

  function renderSeries(points) {
    const last = points.length ? points[points.length - 1] : null;
    $("rps").textContent = last ? last.requests.toLocaleString() : "0";
    const rps = $("rps-chart");
    const peak = drawLines(rps, [
      { values: points.map((p) => p.requests), color: color("--accent") },
      { values: points.map((p) => p.errors), color: color("--bad"), dash: [5, 3] },
    ]);
    rps.dataset.total = points.reduce((sum, p) => sum + p.requests, 0);
    const errors = points.reduce((sum, p) => sum + p.errors, 0);
    rps.setAttribute("aria-label", "Requests per second over the last 2 minutes: latest " +
      (last ? last.requests : 0) + ", peak " + peak + "; " + errors + " errors in all");
    // A second without requests has no latency: a gap, not a zero.
    const lat = $("latency-chart");
    const timed = (v, p) => p.requests > 0 ? v : null;
    const slowest = drawLines(lat, [
      { values: points.map((p) => timed(p.p50_ms, p)), color: color("--accent") },
      { values: points.map((p) => timed(p.p99_ms, p)), color: color("--p99"), dash: [5, 3] },
    ]);
    lat.dataset.max = slowest;
    const lastTimed = points.filter((p) => p.requests > 0).pop();
    lat.setAttribute("aria-label", "Latency over the last 2 minutes: " + (lastTimed ?
      "latest p50 " + lastTimed.p50_ms + " ms, p99 " + lastTimed.p99_ms + " ms; " : "no requests; ") +
      "slowest p99 " + slowest + " ms");
  }

  function renderRoutes(r) {
    $("routes-source").textContent = "from " + r.source;
    fillRows($("routes"), r.routes.map((rt) => [rt.path, rt.kind, rt.detail, rt.methods.join(", "), rt.requests.toLocaleString()]));
  }

  function renderRecent(list) {
    fillRows($("recent"), list.slice(0, recentRows).map((e) => [
      new Date(e.start).toLocaleTimeString(), e.remote, e.method || "–", e.target || "–",
      cell(e.status || "none", e.status === 0 || e.status >= 500 ? "bad" : ""),
      e.bytes_in, e.bytes_out, e.duration_ms, e.end,
    ]));
  }

  // unreachableSince is when polling last began to fail, or null;
  // reloadsCounted, the reloads the server had counted at the last poll.
  let unreachableSince = null;
  let reloadsCounted = 0;

  async function poll() {
    try {
      const [status, series, recent, routes] = await Promise.all([
        getJSON("/api/status"), getJSON("/api/series?seconds=120"), getJSON("/api/requests?limit=" + recentRows),
        getJSON("/api/routes"),
      ]);
      renderStatus(status);
      renderSeries(series.points);
      renderRecent(recent.requests);
      renderRoutes(routes);
      $("updated").textContent = new Date().toLocaleTimeString();
      if (unreachableSince !== null) {
        unreachableSince = null;
        document.body.classList.remove("stale");
        hideMessage("unreachable");
      }
    } catch (err) {
      const state = $("state");
      state.textContent = "unreachable";
      state.className = "badge down";
      if (unreachableSince === null) {
        // The figures stay, greyed, as they were last read.
        unreachableSince = new Date();
        document.body.classList.add("stale");
        showMessage("The admin endpoint is unreachable since " + unreachableSince.toLocaleTimeString() +
          "; the figures below are as they were at " + $("updated").textContent + ".", true, "unreachable");
      }
    } finally {
      setTimeout(poll, pollMillis);
    }
  }

  $("reload").addEventListener("click", async () => {
    let token = sessionStorage.getItem("tinyhttpd-token");
    if (!token) {
      token = window.prompt("Admin token (TINYHTTPD_ADMIN_TOKEN):");
      if (!token) return;
    }
    const before = reloadsCounted;
    try {
      const res = await fetch("/api/reload", { method: "POST", headers: { Authorization: "Bearer " + token } });
      const body = await res.json();
      // Keep the token once it has passed, even if the reload then failed;
      // a 401 or 403 (no token configured) must not leave a bad one to be
      // sent again unasked.
      if (res.status === 401 || res.status === 403) sessionStorage.removeItem("tinyhttpd-token");
      else sessionStorage.setItem("tinyhttpd-token", token);
      if (res.status === 400) {
        // The server counted it; its error shows above the routes.
        showMessage("Reload failed: the routes served are unchanged (the error is above the route table)", true, "reload");
        $("message").dataset.reloads = before + 1;
        return;
      }
      if (!res.ok) { showMessage("Reload failed (" + body.status + "): " + body.error, true, "refused"); return; }
      showMessage("Reloaded " + body.routes + " routes from " + body.source + (body.certificates ? " and " + body.certificates + " TLS certificates" : ""), false, "reload");
      $("message").dataset.reloads = before + 1;
    } catch (err) {
      // Unreachable: said as the outage is, and cleared with it.
      showMessage("Reload failed: " + err.message + (unreachableSince === null ? "" :
        "; the admin endpoint is unreachable since " + unreachableSince.toLocaleTimeString()), true, unreachableSince === null ? "refused" : "unreachable");
    }
  });

  poll();
})();

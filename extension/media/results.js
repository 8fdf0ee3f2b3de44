// Query Results panel. Data arrives by postMessage; everything is rendered with textContent.
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById("root");
  let state = vscode.getState() || null;
  let page = 0;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const fmtParam = (p) => (p === null ? "NULL" : typeof p === "string" ? "'" + p + "'" : String(p));

  function render() {
    root.replaceChildren();
    if (!state) { root.append(el("p", { class: "meta" }, "Run a query with the ▶ Run lens above a select / update / insert / deleteFrom statement.")); return; }
    const r = state.result;
    root.append(el("h1", {}, state.title));
    if (!r.ok) {
      root.append(el("div", { class: "error", id: "error" }, r.name + ": " + r.message));
      if (r.statement) root.append(el("pre", { class: "sql" }, r.statement), el("div", { class: "params" }, "parameters: (" + (r.params || []).map(fmtParam).join(", ") + ")"));
      if (r.reason === "missing-database") root.append(el("div", { class: "toolbar" }, el("button", { id: "create-all", onclick: () => vscode.postMessage({ type: "createAll" }) }, "Create tables (createAll)")));
      return;
    }
    const pageSize = state.pageSize || 100;
    const pages = Math.max(1, Math.ceil(r.rows.length / pageSize));
    page = Math.min(page, pages - 1);
    const verb = r.kind === "select" ? "rows" : r.mode === "preview" ? "rows would change (rolled back)" : "rows affected";
    root.append(el("div", { class: "meta" },
      el("span", { id: "row-count" }, r.rowcount + " " + verb + (r.truncated ? " (first " + r.rows.length + " shown)" : "")),
      el("span", { id: "elapsed" }, r.elapsedMs.toFixed(1) + " ms"),
      el("span", {}, r.databasePath)));
    root.append(el("pre", { class: "sql", id: "sql" }, r.sql));
    root.append(el("div", { class: "params", id: "params" }, "parameters: (" + r.params.map(fmtParam).join(", ") + ")"));
    if (r.statements.length > 1 || (r.statements.length === 1 && r.statements[0].sql !== r.sql)) {
      const det = el("details", { id: "statements" }, el("summary", {}, r.statements.length + " statements ran" + (r.statements.length > 2 ? " — 1 + " + (r.statements.length - 1) + ": check for N+1" : "")));
      r.statements.forEach((s, i) => det.append(el("pre", { class: "sql" }, (i + 1) + ". " + s.sql + "\n   (" + s.params.map(fmtParam).join(", ") + ")")));
      root.append(det);
    }
    if (r.mode === "preview") root.append(el("div", { class: "note" }, "Preview: the statement ran in a transaction that was rolled back. Nothing was written."));
    if (r.kind !== "select") return;
    root.append(el("div", { class: "toolbar" },
      el("button", { id: "prev", class: "secondary", onclick: () => { page--; render(); }, ...(page === 0 ? { disabled: "" } : {}) }, "‹ Prev"),
      el("span", { id: "page" }, "page " + (page + 1) + " of " + pages),
      el("button", { id: "next", class: "secondary", onclick: () => { page++; render(); }, ...(page >= pages - 1 ? { disabled: "" } : {}) }, "Next ›"),
      el("button", { id: "export-csv", onclick: () => vscode.postMessage({ type: "export", format: "csv" }) }, "Export CSV"),
      el("button", { id: "export-json", onclick: () => vscode.postMessage({ type: "export", format: "json" }) }, "Export JSON")));
    const table = el("table", { class: "grid", id: "grid" });
    table.append(el("thead", {}, el("tr", {}, ...r.columns.map((c) => el("th", {}, c)))));
    const tbody = el("tbody");
    for (const row of r.rows.slice(page * pageSize, (page + 1) * pageSize)) {
      tbody.append(el("tr", {}, ...row.map((v) => el("td", { class: v === null ? "null" : typeof v === "number" ? "num" : "" }, v === null ? "NULL" : v))));
    }
    table.append(tbody);
    root.append(table);
  }

  window.addEventListener("message", (e) => {
    const m = e.data;
    if (m && m.type === "result") { state = m; page = 0; vscode.setState(state); render(); }
  });
  render();
  vscode.postMessage({ type: "ready" });
})();

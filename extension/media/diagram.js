// Schema diagram: renders the laid-out graph as SVG with DOM APIs (textContent only), pan and zoom.
(function () {
  const vscode = acquireVsCodeApi();
  const NS = "http://www.w3.org/2000/svg";
  const host = document.getElementById("diagram");
  const status = document.getElementById("status");
  let svg = null, world = null, view = { x: 0, y: 0, k: 1 }, last = null, compare = false;
  const CHAR_W = 7.4, ROW_H = 18, HEAD_H = 24, PAD = 10;

  function s(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function apply() { if (world) world.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`); }
  function fit() {
    if (!last || !svg) return;
    const r = host.getBoundingClientRect();
    const k = Math.min(1.5, (r.width - 40) / Math.max(1, last.width), (r.height - 40) / Math.max(1, last.height));
    view = { k, x: (r.width - last.width * k) / 2, y: (r.height - last.height * k) / 2 };
    apply();
  }

  function render(laid) {
    last = laid;
    host.replaceChildren();
    svg = s("svg", { xmlns: NS, id: "schema-svg" });
    const defs = s("defs");
    svg.append(defs);
    world = s("g", { id: "world" });
    svg.append(world);
    const d = laid.diagram;
    for (const e of d.edges) {
      const pts = (laid.edges[e.id] || {}).points;
      const src = laid.nodes[e.source], dst = laid.nodes[e.target];
      if (!src || !dst) continue;
      let dpath, a, b;
      if (pts && pts.length >= 2) {
        dpath = "M " + pts.map((p) => p.x + " " + p.y).join(" L ");
        a = pts[0]; b = pts[pts.length - 1];
      } else {
        // A self-reference: a loop on the table's right side.
        const x = src.x + src.width, y = src.y + 14;
        dpath = `M ${x} ${y} h 30 v 30 h -30`;
        a = { x, y }; b = { x, y: y + 30 };
      }
      const g = s("g", { class: "edge " + e.kind, "data-edge": e.id });
      g.append(s("path", { d: dpath, class: "edge" + (e.kind === "many-to-many" ? " m2m" : "") }));
      g.append(s("text", { x: a.x + 4, y: a.y - 4, class: "card" }, e.sourceLabel));
      g.append(s("text", { x: b.x - 12, y: b.y - 4, class: "card" }, e.targetLabel));
      g.append(s("title", {}, e.kind + ": " + e.label));
      world.append(g);
    }
    for (const t of d.tables) {
      const p = laid.nodes[t.id];
      if (!p) continue;
      const g = s("g", { class: "table" + (t.association ? " association" : "") + (t.presence === "model-only" ? " missing" : t.presence === "db-only" ? " extra" : ""), transform: `translate(${p.x},${p.y})`, "data-table": t.name });
      g.append(s("rect", { class: "box", width: p.width, height: p.height, rx: 4 }));
      g.append(s("rect", { class: "head", width: p.width, height: HEAD_H, rx: 4 }));
      const title = t.name + (t.className && t.className !== t.name ? "  (" + t.className + ")" : "") + (t.presence === "model-only" ? "  — not in database" : t.presence === "db-only" ? "  — not in models" : "");
      g.append(s("text", { x: PAD, y: 16, class: "title" }, title));
      t.columns.forEach((c, i) => {
        const y = HEAD_H + 14 + i * ROW_H;
        const cls = c.presence === "model-only" ? "col-missing" : c.presence === "db-only" ? "col-extra" : "";
        if (c.primaryKey || c.foreignKey) g.append(s("text", { x: PAD, y, class: "key " + (c.primaryKey ? "pk" : "fk") }, c.primaryKey ? "PK" : "FK"));
        g.append(s("text", { x: PAD + 24, y, class: cls }, c.name));
        g.append(s("text", { x: p.width - PAD, y, "text-anchor": "end", class: "type" }, c.type + (c.nullable ? "" : " !")));
      });
      g.append(s("title", {}, t.name + (t.className ? " — class " + t.className : "") + ": click to reveal"));
      g.addEventListener("click", (ev) => { ev.stopPropagation(); vscode.postMessage({ type: "reveal", table: t.name }); });
      world.append(g);
    }
    host.append(svg);
    fit();
  }

  // Pan with drag, zoom with the wheel around the pointer.
  let drag = null;
  host.addEventListener("mousedown", (e) => { drag = { x: e.clientX - view.x, y: e.clientY - view.y }; host.classList.add("dragging"); });
  window.addEventListener("mouseup", () => { drag = null; host.classList.remove("dragging"); });
  window.addEventListener("mousemove", (e) => { if (drag) { view.x = e.clientX - drag.x; view.y = e.clientY - drag.y; apply(); } });
  host.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = host.getBoundingClientRect();
    const mx = e.clientX - r.left, my = e.clientY - r.top;
    const k = Math.max(0.1, Math.min(4, view.k * (e.deltaY < 0 ? 1.1 : 1 / 1.1)));
    view.x = mx - ((mx - view.x) * k) / view.k; view.y = my - ((my - view.y) * k) / view.k; view.k = k;
    apply();
  }, { passive: false });

  function svgText() {
    const clone = svg.cloneNode(true);
    const style = s("style", {}, Array.from(document.styleSheets).flatMap((ss) => { try { return Array.from(ss.cssRules).map((r) => r.cssText); } catch { return []; } }).join("\n"));
    clone.insertBefore(style, clone.firstChild);
    clone.querySelector("#world").setAttribute("transform", "translate(20,20)");
    clone.setAttribute("width", String(last.width + 40)); clone.setAttribute("height", String(last.height + 40));
    clone.setAttribute("viewBox", `0 0 ${last.width + 40} ${last.height + 40}`);
    return new XMLSerializer().serializeToString(clone);
  }
  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("compare").addEventListener("click", () => { compare = !compare; vscode.postMessage({ type: "compare", on: compare }); });
  document.getElementById("export-svg").addEventListener("click", () => vscode.postMessage({ type: "export", format: "svg", data: svgText() }));
  document.getElementById("export-mermaid").addEventListener("click", () => vscode.postMessage({ type: "export", format: "mermaid" }));
  document.getElementById("export-png").addEventListener("click", () => {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svgText()], { type: "image/svg+xml" }));
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = last.width + 40; c.height = last.height + 40;
      const ctx = c.getContext("2d");
      ctx.fillStyle = getComputedStyle(document.body).backgroundColor || "#1e1e1e";
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      vscode.postMessage({ type: "export", format: "png", data: c.toDataURL("image/png") });
    };
    img.src = url;
  });

  window.addEventListener("message", (e) => {
    const m = e.data;
    if (m.type === "diagram") {
      render(m.laid);
      compare = m.compare;
      document.getElementById("compare").textContent = compare ? "Hide database differences" : "Compare with database";
      status.textContent = m.laid.diagram.tables.length + " tables · " + m.laid.diagram.edges.length + " relationships" + (m.issues ? " · " + m.issues + " mapping errors" : "") + (compare ? " · compared with " + m.database : "");
    } else if (m.type === "error") {
      status.textContent = "Could not update: " + m.message;
    }
  });
  window.addEventListener("resize", fit);
  vscode.postMessage({ type: "ready" });
})();

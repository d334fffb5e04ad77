// lossviz box canvas: two xyxy boxes in a 0..world SVG, dragged and resized with the pointer.
//
// Python sends `data` = {pred, target, world, min_size, show, overlay, arrows, readout, labels, seq}.
// We send `setStateValue("boxes", {pred, target, seq, final})` throttled while dragging and once at release.
// Streamlit calls this function again on every data change with the same DOM, so everything below is
// idempotent: the SVG is built once per parentElement and then only updated.

const NS = "http://www.w3.org/2000/svg";
const THROTTLE_MS = 80; // at most one update per 80 ms while dragging ...
const STALL_MS = 2000; // ... and one at a time, unless Python has not answered for this long
const POLL_MS = 16;
const HANDLES = { nw: "lt", n: "t", ne: "rt", e: "r", se: "rb", s: "b", sw: "lb", w: "l" };

function el(tag, attrs, parent) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

const round1 = (v) => Math.round(v * 10) / 10;
const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

function build(root, s) {
  const wrap = document.createElement("div");
  wrap.className = "bc-wrap";
  const svg = el("svg", { class: "bc-svg", role: "img" });
  wrap.appendChild(svg);
  root.appendChild(wrap);
  s.wrap = wrap;
  s.svg = svg;
  s.frame = el("rect", { class: "bc-frame" }, svg);
  const g = (cls) => el("g", { class: cls }, svg);
  s.gOverlay = g("bc-overlay");
  s.inter = el("rect", { class: "bc-inter" }, s.gOverlay);
  s.enclose = el("rect", { class: "bc-enclose" }, s.gOverlay);
  s.diag = el("line", { class: "bc-diag" }, s.gOverlay);
  s.rho = el("line", { class: "bc-rho" }, s.gOverlay);
  s.cLabel = el("text", { class: "bc-label bc-c-label" }, s.gOverlay);
  s.rhoLabel = el("text", { class: "bc-label bc-rho-label" }, s.gOverlay);
  s.encLabel = el("text", { class: "bc-label bc-enc-label" }, s.gOverlay);
  s.aspect = g("bc-aspect");
  s.boxes = {};
  for (const which of ["target", "pred"]) {
    const gb = g(`bc-box bc-${which}`);
    const body = el("rect", { class: "bc-body", "data-role": `${which}:move` }, gb);
    const centre = el("circle", { class: "bc-centre", r: 0.9 }, gb);
    const label = el("text", { class: "bc-label bc-name" }, gb);
    const edges = {};
    for (const side of ["l", "t", "r", "b"]) {
      edges[side] = el("line", { class: "bc-edge", "data-role": `${which}:${side}` }, gb);
    }
    const handles = {};
    for (const [name, sides] of Object.entries(HANDLES)) {
      handles[name] = el("rect", { class: `bc-handle bc-h-${name}`, "data-role": `${which}:${sides}` }, gb);
    }
    s.boxes[which] = { gb, body, centre, label, edges, handles };
  }
  s.gArrows = g("bc-arrows");
  s.readout = document.createElement("div");
  s.readout.className = "bc-readout";
  wrap.appendChild(s.readout);

  svg.addEventListener("pointerdown", (ev) => onDown(s, ev));
  svg.addEventListener("pointermove", (ev) => onMove(s, ev));
  svg.addEventListener("pointerup", (ev) => onUp(s, ev));
  svg.addEventListener("pointercancel", (ev) => onUp(s, ev));
}

function toWorld(s, ev) {
  const pt = s.svg.createSVGPoint();
  pt.x = ev.clientX;
  pt.y = ev.clientY;
  const p = pt.matrixTransform(s.svg.getScreenCTM().inverse());
  return [p.x, p.y];
}

function onDown(s, ev) {
  const role = ev.target.getAttribute && ev.target.getAttribute("data-role");
  if (!role || ev.button !== 0) return;
  const [which, what] = role.split(":");
  ev.preventDefault();
  s.svg.setPointerCapture(ev.pointerId);
  s.drag = { which, what, start: toWorld(s, ev), orig: s.local[which].slice() };
  s.wrap.classList.add("bc-dragging");
}

function dragged(s, ev) {
  const { which, what, start, orig } = s.drag;
  const W = s.data.world;
  const m = s.data.min_size;
  const [px, py] = toWorld(s, ev);
  let dx = px - start[0];
  let dy = py - start[1];
  let [x1, y1, x2, y2] = orig;
  if (what === "move") {
    dx = clamp(dx, -x1, W - x2);
    dy = clamp(dy, -y1, W - y2);
    return [x1 + dx, y1 + dy, x2 + dx, y2 + dy].map(round1);
  }
  if (what.includes("l")) x1 = clamp(x1 + dx, 0, x2 - m);
  if (what.includes("r")) x2 = clamp(x2 + dx, x1 + m, W);
  if (what.includes("t")) y1 = clamp(y1 + dy, 0, y2 - m);
  if (what.includes("b")) y2 = clamp(y2 + dy, y1 + m, W);
  return [x1, y1, x2, y2].map(round1);
}

function onMove(s, ev) {
  if (!s.drag) return;
  s.local[s.drag.which] = dragged(s, ev);
  draw(s);
  request(s, false);
}

function onUp(s, ev) {
  if (!s.drag) return;
  s.local[s.drag.which] = dragged(s, ev);
  s.drag = null;
  s.wrap.classList.remove("bc-dragging");
  draw(s);
  request(s, true);
}

// Flow control: one update in flight at a time and at most one per THROTTLE_MS. Newer boxes wait as `pending`
// and go out when Python echoes the previous update (or after STALL_MS), so reruns never pile up and interrupt
// each other while the pointer moves; the release is always sent.
function request(s, final) {
  s.pending = { final: final || Boolean(s.pending && s.pending.final) };
  flush(s);
}

function scriptRunning() {
  const app = document.querySelector("[data-testid=stApp]");
  return Boolean(app) && app.getAttribute("data-test-script-state") === "running";
}

function flush(s) {
  if (!s.pending) return;
  const now = performance.now();
  const since = now - s.sentAt;
  // Busy until Python has answered the last update and finished that run (a new update arriving mid-run would
  // interrupt it); poll briefly, and give up waiting after STALL_MS.
  const busy = s.seq > s.echoed || scriptRunning();
  const delay = busy ? (since < STALL_MS ? POLL_MS : 0) : s.pending.final ? 0 : THROTTLE_MS - since;
  if (delay > 0) {
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = null;
      flush(s);
    }, delay);
    return;
  }
  const final = s.pending.final;
  s.pending = null;
  s.seq += 1;
  s.sentAt = now;
  s.wrap.setAttribute("data-sent-seq", String(s.seq));
  s.setStateValue("boxes", { pred: s.local.pred, target: s.local.target, seq: s.seq, final });
}

// --- drawing ---------------------------------------------------------------------------------------------

function setRect(node, b) {
  node.setAttribute("x", b[0]);
  node.setAttribute("y", b[1]);
  node.setAttribute("width", Math.max(b[2] - b[0], 0));
  node.setAttribute("height", Math.max(b[3] - b[1], 0));
}

function setLine(node, x1, y1, x2, y2) {
  node.setAttribute("x1", x1);
  node.setAttribute("y1", y1);
  node.setAttribute("x2", x2);
  node.setAttribute("y2", y2);
}

function setText(node, x, y, text) {
  node.setAttribute("x", x);
  node.setAttribute("y", y);
  node.textContent = text;
}

function drawBox(s, which, b) {
  const parts = s.boxes[which];
  setRect(parts.body, b);
  const [x1, y1, x2, y2] = b;
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  parts.centre.setAttribute("cx", mx);
  parts.centre.setAttribute("cy", my);
  setLine(parts.edges.l, x1, y1, x1, y2);
  setLine(parts.edges.r, x2, y1, x2, y2);
  setLine(parts.edges.t, x1, y1, x2, y1);
  setLine(parts.edges.b, x1, y2, x2, y2);
  const hs = 2.2;
  const pos = { nw: [x1, y1], n: [mx, y1], ne: [x2, y1], e: [x2, my], se: [x2, y2], s: [mx, y2], sw: [x1, y2], w: [x1, my] };
  for (const [name, [hx, hy]] of Object.entries(pos)) setRect(parts.handles[name], [hx - hs / 2, hy - hs / 2, hx + hs / 2, hy + hs / 2]);
  setText(parts.label, x1 + 0.8, y1 > 5 ? y1 - 1.2 : y2 + 3.6, s.data.labels[which]);
}

// Geometry overlay: always the torch core's (data.overlay); this file never derives geometry. Mid-drag, before the
// rerun returns, the last computed overlay stays on screen, dimmed, until the core's answer for the new boxes arrives.
function overlayFor(s, p, t) {
  const o = s.data.overlay || {};
  const fresh = same(p, s.data.pred) && same(t, s.data.target);
  s.gOverlay.classList.toggle("bc-stale", !fresh);
  s.aspect.classList.toggle("bc-stale", !fresh);
  return o;
}

const same = (a, b) => a && b && a.every((v, i) => Math.abs(v - b[i]) < 1e-9);

function drawOverlay(s, p, t) {
  const o = overlayFor(s, p, t);
  const show = s.data.show || {};
  const L = s.data.labels;
  s.inter.style.display = show.inter && o.inter ? "" : "none";
  if (o.inter) setRect(s.inter, o.inter);
  const e = o.enclose;
  if (!e || !o.centre || !o.centre_t) return;
  s.enclose.style.display = show.enclose || show.c ? "" : "none";
  setRect(s.enclose, e);
  s.encLabel.style.display = show.enclose ? "" : "none";
  setText(s.encLabel, e[2] - 1, e[1] > 4 ? e[1] - 1 : e[3] + 3.5, L.enclose);
  s.encLabel.setAttribute("text-anchor", "end");
  s.diag.style.display = show.c ? "" : "none";
  setLine(s.diag, e[0], e[1], e[2], e[3]);
  s.cLabel.style.display = show.c ? "" : "none";
  setText(s.cLabel, e[0] + (e[2] - e[0]) * 0.25 + 1, e[1] + (e[3] - e[1]) * 0.25 - 1, "c");
  s.rho.style.display = show.rho ? "" : "none";
  setLine(s.rho, o.centre[0], o.centre[1], o.centre_t[0], o.centre_t[1]);
  s.rhoLabel.style.display = show.rho ? "" : "none";
  setText(s.rhoLabel, (o.centre[0] + o.centre_t[0]) / 2 + 1, (o.centre[1] + o.centre_t[1]) / 2 - 1, "ρ");
  drawAspect(s, o.aspect, show.aspect);
}

// Aspect-ratio term: both diagonals drawn from one origin at the angles atan(w/h) the core computed (CIoU's v grows
// with the angle between them).
function drawAspect(s, angles, visible) {
  s.aspect.replaceChildren();
  if (!visible || !angles) return;
  const W = s.data.world;
  const ox = 3;
  const oy = W - 3;
  const len = 14;
  for (const which of ["target", "pred"]) {
    const theta = angles[which];
    el("line", { class: `bc-aspect-${which}`, x1: ox, y1: oy, x2: ox + len * Math.sin(theta), y2: oy - len * Math.cos(theta) }, s.aspect);
  }
  const label = el("text", { class: "bc-label", x: ox + 1, y: oy - len - 1.5 }, s.aspect);
  label.textContent = s.data.labels.aspect;
}

function drawArrows(s) {
  s.gArrows.replaceChildren();
  // Arrows belong to the boxes Python computed them for: hide them while the boxes differ.
  if (!same(s.local.pred, s.data.pred) || !same(s.local.target, s.data.target)) return;
  for (const a of s.data.arrows || []) {
    const g = el("g", { class: "bc-arrow", "data-edge": a.edge }, s.gArrows);
    el("line", { x1: a.x0, y1: a.y0, x2: a.x1, y2: a.y1 }, g);
    const dx = a.x1 - a.x0;
    const dy = a.y1 - a.y0;
    const n = Math.hypot(dx, dy) || 1;
    const ux = dx / n;
    const uy = dy / n;
    const h = Math.min(2.2, n * 0.6);
    const pts = [[a.x1, a.y1], [a.x1 - h * ux + h * 0.6 * uy, a.y1 - h * uy - h * 0.6 * ux], [a.x1 - h * ux - h * 0.6 * uy, a.y1 - h * uy + h * 0.6 * ux]];
    el("polygon", { points: pts.map((q) => q.join(",")).join(" ") }, g);
  }
}

function draw(s) {
  const W = s.data.world;
  s.svg.setAttribute("viewBox", `-3 -3 ${W + 6} ${W + 6}`);
  setRect(s.frame, [0, 0, W, W]);
  const p = s.local.pred;
  const t = s.local.target;
  drawOverlay(s, p, t);
  drawBox(s, "target", t);
  drawBox(s, "pred", p);
  drawArrows(s);
  const fresh = same(p, s.data.pred) && same(t, s.data.target);
  s.readout.textContent = s.data.readout || "";
  s.readout.classList.toggle("bc-stale", !fresh);
  s.wrap.setAttribute("data-pred", p.join(","));
  s.wrap.setAttribute("data-target", t.join(","));
  s.wrap.setAttribute("data-fresh", fresh ? "1" : "0");
  s.wrap.setAttribute("data-seq", String(s.data.seq ?? ""));
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let s = parentElement.__lossvizBoxCanvas;
  if (!s) {
    s = { seq: 0, echoed: 0, sentAt: -Infinity, pending: null, timer: null, drag: null, local: null };
    parentElement.__lossvizBoxCanvas = s;
    build(parentElement, s);
  }
  s.data = data;
  s.setStateValue = setStateValue;
  const echoed = typeof data.seq === "number" ? data.seq : 0;
  // Python's boxes win unless the pointer holds one, an update is still waiting to go out, or a rerun for an older
  // drag position comes back late (it must not yank the box back). `echoed` is the last update Python applied.
  if (!s.local || (!s.drag && !s.pending && echoed >= s.seq)) {
    s.local = { pred: data.pred.slice(), target: data.target.slice() };
  }
  if (echoed > s.echoed && echoed === s.seq) {
    // Round trip of the last update: pointer event -> Python (torch core) -> these numbers on screen.
    s.wrap.setAttribute("data-rtt-ms", (performance.now() - s.sentAt).toFixed(1));
  }
  s.seq = Math.max(s.seq, echoed);
  s.echoed = echoed;
  draw(s);
  flush(s);
}

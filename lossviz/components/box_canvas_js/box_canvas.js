// lossviz box canvas: two xyxy boxes in a 0..world SVG, moved and resized with the pointer, touch or keyboard.
//
// Python sends `data` = {pred, target, world, min_size, show, overlay, arrows, readout, labels, palette, seq, channel,
// module, base}; this module is fetched once per page load by the loader that box_canvas.py mounts.
// We send `setStateValue("boxes", {pred?, target?, seq, final})` with the boxes moved here since the last update, and
// only those: throttled while dragging, once at release, and for arrow keys at the first press and once more when the
// keys have rested (holding a key does not flood reruns). A box not moved here is never sent: our copy of it may be
// older than a coordinate just typed into the page's inputs, and sending it would write that stale copy back.
// Streamlit calls this function again on every data change with the same DOM, so everything below is idempotent:
// the SVG is built once per parentElement and then only updated. The drag, keyboard and selection state lives here; Python only ever sees boxes.

// The style sheet (box_canvas.css): box_canvas.py writes it into the served copy of this module, so it comes once per
// page load instead of inside every rerun's canvas element; put into the document once (the styles are global).
const CSS = ""; // lossviz:css
const STYLE_ID = "lossviz-box-canvas-style";

function addStyle() {
  if (!CSS || document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

const NS = "http://www.w3.org/2000/svg";
const THROTTLE_MS = 80; // at most one update per 80 ms while dragging ...
const STALL_MS = 2000; // ... and one at a time, unless Python has not answered for this long
const KEY_DEBOUNCE_MS = 300; // a burst of key presses: its first goes out at once, the rest when keys rest this long
const HANDLES = { nw: "lt", n: "t", ne: "rt", e: "r", se: "rb", s: "b", sw: "lb", w: "l" };
const TICK = 20; // world units between coordinate ticks
const ASPECT = { x: 3, y: 3, len: 14 }; // the aspect diagrams' origin (from the bottom-left corner) and length
const PAD = { l: 8, t: 7, r: 3, b: 3 }; // room around the world for the ticks and labels, in world units

function el(tag, attrs, parent) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

const round1 = (v) => Math.round(v * 10) / 10;
const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
const fmt = (b) => b.map((v) => v.toFixed(1));

function build(root, s) {
  const wrap = document.createElement("div");
  wrap.className = "bc-wrap";
  const svg = el("svg", { class: "bc-svg", role: "group" });
  wrap.appendChild(svg);
  root.appendChild(wrap);
  s.wrap = wrap;
  s.svg = svg;
  s.frame = el("rect", { class: "bc-frame" }, svg);
  s.ticks = el("g", { class: "bc-ticks", "aria-hidden": "true" }, svg);
  const g = (cls) => el("g", { class: cls }, svg);
  s.gOverlay = g("bc-overlay");
  s.inter = el("rect", { class: "bc-inter" }, s.gOverlay);
  s.enclose = el("rect", { class: "bc-enclose" }, s.gOverlay);
  s.diag = el("line", { class: "bc-diag" }, s.gOverlay);
  s.rho = el("line", { class: "bc-rho" }, s.gOverlay);
  s.aspect = g("bc-aspect");
  s.boxes = {};
  for (const which of ["target", "pred"]) {
    const gb = g(`bc-box bc-${which}`);
    gb.setAttribute("tabindex", "0");
    gb.setAttribute("role", "button");
    gb.setAttribute("data-which", which);
    const body = el("rect", { class: "bc-body", "data-role": `${which}:move` }, gb);
    const centre = el("circle", { class: "bc-centre", r: 0.9 }, gb);
    const edges = {};
    for (const side of ["l", "t", "r", "b"]) {
      edges[side] = el("line", { class: "bc-edge", "data-role": `${which}:${side}` }, gb);
    }
    const handles = {};
    for (const [name, sides] of Object.entries(HANDLES)) {
      handles[name] = el("rect", { class: `bc-handle bc-h-${name}`, "data-role": `${which}:${sides}` }, gb);
    }
    gb.addEventListener("focus", () => select(s, which));
    gb.addEventListener("keydown", (ev) => onKey(s, which, ev));
    s.boxes[which] = { gb, body, centre, edges, handles };
  }
  s.gArrows = g("bc-arrows");
  // Labels last, so they sit on top of every line; placed by placeLabels() where they collide with nothing.
  s.gLabels = el("g", { class: "bc-labels", "aria-hidden": "true" }, svg);
  s.names = {
    target: el("text", { class: "bc-label bc-name bc-name-target" }, s.gLabels),
    pred: el("text", { class: "bc-label bc-name bc-name-pred" }, s.gLabels),
  };
  s.encLabel = el("text", { class: "bc-label bc-enc-label" }, s.gLabels);
  s.cLabel = el("text", { class: "bc-label bc-c-label" }, s.gLabels);
  s.rhoLabel = el("text", { class: "bc-label bc-rho-label" }, s.gLabels);
  s.readout = document.createElement("div");
  s.readout.className = "bc-readout";
  wrap.appendChild(s.readout);
  s.help = document.createElement("div");
  s.help.className = "bc-help";
  s.help.id = `bc-help-${Math.random().toString(36).slice(2)}`;
  wrap.appendChild(s.help);
  s.live = document.createElement("div");
  s.live.className = "bc-live";
  s.live.setAttribute("aria-live", "polite");
  s.live.setAttribute("role", "status");
  wrap.appendChild(s.live);
  for (const which of ["target", "pred"]) s.boxes[which].gb.setAttribute("aria-describedby", s.help.id);

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

// --- selection and keyboard --------------------------------------------------------------------------------

function describe(s, which) {
  const b = fmt(s.local[which]);
  return `${s.data.labels[which]}: x1 ${b[0]}, y1 ${b[1]}, x2 ${b[2]}, y2 ${b[3]}`;
}

// Whether Python's numbers belong to the boxes shown here.
function isFresh(s) {
  return same(s.local.pred, s.data.pred) && same(s.local.target, s.data.target);
}

// What the live region says: the selected box and, once Python's numbers belong to the boxes shown, those numbers
// (the loss and the IoU): a screen-reader user hears what a move did without leaving the box. While the numbers
// still belong to older boxes, the coordinates alone.
function announce(s, fresh = isFresh(s)) {
  if (!s.selected) return;
  const numbers = fresh && s.data.readout ? `. ${s.data.readout}` : "";
  setText(s.live, describe(s, s.selected) + numbers);
}

function select(s, which) {
  s.selected = which;
  for (const w of ["pred", "target"]) s.boxes[w].gb.classList.toggle("bc-selected", w === which);
  announce(s);
}

function onKey(s, which, ev) {
  const dirs = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const d = dirs[ev.key];
  if (!d) return;
  ev.preventDefault();
  ev.stopPropagation();
  const step = ev.shiftKey ? 10 : 1;
  const resize = ev.altKey || ev.ctrlKey || ev.metaKey;
  const W = s.data.world;
  const m = s.data.min_size;
  let [x1, y1, x2, y2] = s.local[which];
  const dx = d[0] * step;
  const dy = d[1] * step;
  if (resize) {
    // The right and bottom edges follow the arrows: right/down grow the box, left/up shrink it.
    x2 = clamp(x2 + dx, x1 + m, W);
    y2 = clamp(y2 + dy, y1 + m, W);
  } else {
    const mx = clamp(dx, -x1, W - x2);
    const my = clamp(dy, -y1, W - y2);
    [x1, y1, x2, y2] = [x1 + mx, y1 + my, x2 + mx, y2 + my];
  }
  s.local[which] = [x1, y1, x2, y2].map(round1);
  s.moved.add(which);
  select(s, which);
  draw(s);
  // The first press of a burst goes out at once (a single press updates the page without waiting); the presses
  // after it only move the box here, and the boxes they made go out once the keys have rested.
  const leading = !s.keyTimer;
  if (s.keyTimer) clearTimeout(s.keyTimer);
  s.keyMoved = !leading;
  if (leading) request(s, true);
  s.keyTimer = setTimeout(() => {
    s.keyTimer = null;
    if (s.keyMoved) {
      s.keyMoved = false;
      request(s, true);
    } else {
      // Nothing new to send: take Python's boxes where nothing of ours is still on its way (its repairs win), and
      // draw only if that changed a box (the keys' last update has been drawn already).
      if (adopt(s)) draw(s);
    }
  }, KEY_DEBOUNCE_MS);
}

// --- pointer (mouse, pen, touch) -----------------------------------------------------------------------------

function onDown(s, ev) {
  const role = ev.target.getAttribute && ev.target.getAttribute("data-role");
  if (!role || ev.button !== 0) return;
  const [which, what] = role.split(":");
  ev.preventDefault();
  s.svg.setPointerCapture(ev.pointerId);
  s.drag = { which, what, start: toWorld(s, ev), orig: s.local[which].slice() };
  s.boxes[which].gb.focus({ preventScroll: true });
  select(s, which);
  s.wrap.classList.add("bc-dragging");
}

function dragged(s, ev) {
  const { what, start, orig } = s.drag;
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
  s.moved.add(s.drag.which);
  draw(s);
  request(s, false);
}

function onUp(s, ev) {
  if (!s.drag) return;
  const which = s.drag.which;
  s.local[which] = dragged(s, ev);
  s.moved.add(which);
  s.drag = null;
  s.wrap.classList.remove("bc-dragging");
  select(s, which);
  draw(s);
  request(s, true);
}

// Flow control: one update in flight at a time and at most one per THROTTLE_MS. Newer boxes wait as `pending` and
// go out when Python echoes the previous update's seq (or after STALL_MS), so reruns never pile up while the pointer
// moves; the final update (release, keys at rest) is always sent. An update carries the boxes in `s.moved` (moved
// here since the last update) and no other.
function request(s, final) {
  s.pending = { final: final || Boolean(s.pending && s.pending.final) };
  flush(s);
}

function flush(s) {
  if (!s.pending) return;
  const now = performance.now();
  const since = now - s.sentAt;
  const waiting = s.seq > s.echoed && since < STALL_MS;
  const delay = waiting ? STALL_MS - since : s.pending.final ? 0 : THROTTLE_MS - since;
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
  if (!s.moved.size) return; // nothing of ours changed: nothing to write
  s.seq += 1;
  s.sentAt = now;
  const update = { seq: s.seq, final };
  for (const w of s.moved) {
    update[w] = s.local[w].slice();
    s.sentFor[w] = s.seq;
  }
  s.moved.clear();
  s.wrap.setAttribute("aria-busy", "true");
  s.setStateValue("boxes", update);
}

// Python's boxes win, box by box, unless that box is ours still: held by the pointer, moved and not yet sent, or sent
// in an update Python has not applied yet (a rerun for an older position must not yank it back). The other box is
// always Python's: a coordinate typed into the page shows at once, even in the middle of a key burst on this one.
// Returns whether a box changed: a redraw for none would be work (labels are measured) and a change to assistive tech.
function adopt(s) {
  let changed = false;
  for (const w of ["pred", "target"]) {
    const held = s.drag && s.drag.which === w;
    if (!held && !s.moved.has(w) && s.sentFor[w] <= s.echoed && !same(s.local[w], s.data[w])) {
      s.local[w] = s.data[w].slice();
      changed = true;
    }
  }
  return changed;
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

function drawTicks(s) {
  const W = s.data.world;
  if (s.ticksFor === W) return;
  s.ticksFor = W;
  s.ticks.replaceChildren();
  for (let v = 0; v <= W + 1e-9; v += TICK) {
    el("line", { class: "bc-tick", x1: v, y1: 0, x2: v, y2: -1.2 }, s.ticks);
    el("line", { class: "bc-tick", x1: 0, y1: v, x2: -1.2, y2: v }, s.ticks);
    const tx = el("text", { class: "bc-tick-label", x: v, y: -2, "text-anchor": "middle" }, s.ticks);
    tx.textContent = String(v);
    const ty = el("text", { class: "bc-tick-label", x: -2, y: v + 0.9, "text-anchor": "end" }, s.ticks);
    ty.textContent = String(v);
  }
  const ax = el("text", { class: "bc-axis-label", x: W, y: -4.6, "text-anchor": "end" }, s.ticks);
  ax.textContent = "x →";
  const ay = el("text", { class: "bc-axis-label", x: -6.4, y: W, "text-anchor": "end", transform: `rotate(-90 -6.4 ${W})` }, s.ticks);
  ay.textContent = "y →";
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
  parts.gb.setAttribute("aria-label", describe(s, which));
}

const same = (a, b) => a && b && a.every((v, i) => Math.abs(v - b[i]) < 1e-9);

// The boxes as shown, [...pred, ...target], published on `data.channel` for the charts drawn for them (plotly_chart's
// `follows`): from the first move of an edit, a chart drawn for other boxes shows itself stale until redrawn.
const FOLLOW_EVENT = "lossviz:follow";

function publish(channel, state) {
  const store = (window.__lossvizFollow = window.__lossvizFollow || {});
  const old = store[channel];
  if (state ? old && old.length === state.length && same(old, state) : !old) return; // unchanged
  if (state) store[channel] = state;
  else delete store[channel];
  window.dispatchEvent(new CustomEvent(FOLLOW_EVENT, { detail: { channel } }));
}

// Geometry overlay: always the torch core's (data.overlay); this file never derives geometry. Mid-drag, before the
// rerun returns, the last computed overlay stays on screen, dimmed, until the core's answer for the new boxes arrives.
function drawOverlay(s, fresh) {
  const o = s.data.overlay || {};
  const show = s.data.show || {};
  s.gOverlay.classList.toggle("bc-stale", !fresh);
  s.aspect.classList.toggle("bc-stale", !fresh);
  s.inter.style.display = show.inter && o.inter ? "" : "none";
  if (o.inter) setRect(s.inter, o.inter);
  const e = o.enclose;
  const ok = e && o.centre && o.centre_t;
  s.enclose.style.display = ok && (show.enclose || show.c) ? "" : "none";
  s.diag.style.display = ok && show.c ? "" : "none";
  s.rho.style.display = ok && show.rho ? "" : "none";
  if (!ok) return;
  setRect(s.enclose, e);
  setLine(s.diag, e[0], e[1], e[2], e[3]);
  setLine(s.rho, o.centre[0], o.centre[1], o.centre_t[0], o.centre_t[1]);
  drawAspect(s, o.aspect, show.aspect);
}

// Aspect-ratio term: both diagonals drawn from one origin at the angles atan(w/h) the core computed (CIoU's v grows
// with the angle between them).
function drawAspect(s, angles, visible) {
  s.aspect.replaceChildren();
  if (!visible || !angles) return;
  const W = s.data.world;
  const ox = ASPECT.x;
  const oy = W - ASPECT.y;
  const len = ASPECT.len;
  for (const which of ["target", "pred"]) {
    const theta = angles[which];
    el("line", { class: `bc-aspect-${which}`, x1: ox, y1: oy, x2: ox + len * Math.sin(theta), y2: oy - len * Math.cos(theta) }, s.aspect);
  }
  const label = el("text", { class: "bc-label bc-aspect-label", x: ox + 1, y: oy - len - 1.5 }, s.aspect);
  label.textContent = s.data.labels.aspect;
}

function drawArrows(s, fresh) {
  s.gArrows.replaceChildren();
  // Arrows belong to the boxes Python computed them for: hide them while the boxes differ.
  if (!fresh) return;
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

// --- label placement ---------------------------------------------------------------------------------------
// Each label tries a few positions and takes the first that overlaps no other label and crosses no drawn line
// (box edges, the enclosing box, the diagonal c, ρ); failing that, the one with the fewest collisions.

function segHitsRect(a, r) {
  // Liang-Barsky clip of segment a = [x1, y1, x2, y2] against rect r = {x, y, width, height}.
  const [x1, y1, x2, y2] = a;
  const dx = x2 - x1;
  const dy = y2 - y1;
  let t0 = 0;
  let t1 = 1;
  const p = [-dx, dx, -dy, dy];
  const q = [x1 - r.x, r.x + r.width - x1, y1 - r.y, r.y + r.height - y1];
  for (let i = 0; i < 4; i++) {
    if (p[i] === 0) {
      if (q[i] < 0) return false;
    } else {
      const t = q[i] / p[i];
      if (p[i] < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

const rectsHit = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function lineSegs(s) {
  const segs = [];
  const rectSegs = (b) => [[b[0], b[1], b[2], b[1]], [b[2], b[1], b[2], b[3]], [b[0], b[3], b[2], b[3]], [b[0], b[1], b[0], b[3]]];
  segs.push(...rectSegs(s.local.pred), ...rectSegs(s.local.target));
  const vis = (n) => n.style.display !== "none";
  const o = s.data.overlay || {};
  if (o.enclose && vis(s.enclose)) segs.push(...rectSegs(o.enclose));
  if (o.enclose && vis(s.diag)) segs.push([o.enclose[0], o.enclose[1], o.enclose[2], o.enclose[3]]);
  if (o.centre && vis(s.rho)) segs.push([o.centre[0], o.centre[1], o.centre_t[0], o.centre_t[1]]);
  for (const a of s.data.arrows || []) segs.push([a.x0, a.y0, a.x1, a.y1]);
  return segs;
}

// Clearance around a label, in world units (its font is 3): two labels stay 2 * CLEAR apart and a line CLEAR away,
// so neighbours read as separate labels and the text's halo never touches a line.
const CLEAR = 0.6;

// Where a label of `size` (its box at the origin, anchor "start") lands for candidate [x, y, anchor], with clearance.
function labelRect(size, [x, y, anchor]) {
  const shift = anchor === "end" ? size.width : anchor === "middle" ? size.width / 2 : 0;
  return { x: x + size.x - shift - CLEAR, y: y + size.y - CLEAR, width: size.width + 2 * CLEAR, height: size.height + 2 * CLEAR };
}

function hitsOf(r, placed, segs, bounds) {
  let hits = placed.filter((p) => rectsHit(r, p)).length + segs.filter((g) => segHitsRect(g, r)).length;
  if (r.x < bounds.x || r.y < bounds.y || r.x + r.width > bounds.x + bounds.width || r.y + r.height > bounds.y + bounds.height) hits += 10;
  return hits;
}

// The label's box is measured once (at the origin) and moved arithmetically, so trying many positions costs no
// layout. The preferred candidates come first; if every one collides, a grid over the whole frame is searched,
// nearest to the first preference first, and the first free spot wins (the fewest collisions only as a last resort).
function place(node, text, candidates, placed, segs, bounds) {
  node.textContent = text;
  node.setAttribute("x", 0);
  node.setAttribute("y", 0);
  node.setAttribute("text-anchor", "start");
  const size = node.getBBox();
  let best = null;
  const tryAll = (list) => {
    for (const c of list) {
      const r = labelRect(size, c);
      const hits = hitsOf(r, placed, segs, bounds);
      if (!best || hits < best.hits) best = { c, hits, r };
      if (hits === 0) return true;
    }
    return false;
  };
  if (!tryAll(candidates)) {
    const [fx, fy] = candidates[0];
    const grid = [];
    for (let y = bounds.y; y <= bounds.y + bounds.height; y += 1) {
      for (let x = bounds.x; x <= bounds.x + bounds.width; x += 1) grid.push([x, y, "start", (x - fx) ** 2 + (y - fy) ** 2]);
    }
    // Each spot's distance once (a comparator that computes it costs ~20 ms over the 10,000 spots of a 100 frame).
    grid.sort((a, b) => a[3] - b[3]);
    tryAll(grid);
  }
  const [x, y, anchor] = best.c;
  node.setAttribute("x", x);
  node.setAttribute("y", y);
  node.setAttribute("text-anchor", anchor);
  placed.push(best.r);
}

function boxCandidates(b, gap) {
  const [x1, y1, x2, y2] = b;
  return [
    [x1 + 0.6, y1 - gap, "start"], [x2 - 0.6, y1 - gap, "end"], [x1 + 0.6, y2 + 3.2, "start"], [x2 - 0.6, y2 + 3.2, "end"],
    [x1 + 0.8, y1 + 3.4, "start"], [x2 - 0.8, y1 + 3.4, "end"], [x1 + 0.8, y2 - 1.2, "start"], [x2 - 0.8, y2 - 1.2, "end"],
    [x1 - 0.8, y1 + 3, "end"], [x2 + 0.8, y1 + 3, "start"], [x1 + 0.6, y1 - gap - 3.2, "start"], [x1 + 0.6, y2 + 6.4, "start"],
  ];
}

function placeLabels(s) {
  const L = s.data.labels;
  const W = s.data.world;
  // Inside the frame: outside it are the coordinate ticks and their numbers.
  const bounds = { x: 0, y: 0, width: W, height: W };
  const segs = lineSegs(s);
  // The boxes' corner and edge handles are taken already: a label on a handle hides what one grabs.
  const placed = [];
  for (const which of ["target", "pred"]) {
    for (const h of Object.values(s.boxes[which].handles)) {
      placed.push(["x", "y", "width", "height"].reduce((r, a) => ({ ...r, [a]: Number(h.getAttribute(a)) }), {}));
    }
  }
  // The aspect term's diagonals (drawn at a fixed spot) are lines to keep clear of; their label is placed last.
  for (const n of s.aspect.querySelectorAll("line")) segs.push(["x1", "y1", "x2", "y2"].map((a) => Number(n.getAttribute(a))));
  const o = s.data.overlay || {};
  for (const which of ["target", "pred"]) place(s.names[which], L[which], boxCandidates(s.local[which], 1.0), placed, segs, bounds);
  const vis = (n) => n.style.display !== "none";
  const show = s.data.show || {};
  s.encLabel.style.display = o.enclose && show.enclose ? "" : "none";
  if (vis(s.encLabel)) place(s.encLabel, L.enclose, boxCandidates(o.enclose, 1.0).slice(0, 4).concat(boxCandidates(o.enclose, 1.0).slice(4)), placed, segs, bounds);
  s.cLabel.style.display = o.enclose && vis(s.diag) ? "" : "none";
  if (vis(s.cLabel)) place(s.cLabel, "c", alongLine(o.enclose), placed, segs, bounds);
  s.rhoLabel.style.display = o.centre && vis(s.rho) ? "" : "none";
  if (vis(s.rhoLabel)) place(s.rhoLabel, "ρ", alongLine([...o.centre, ...o.centre_t]), placed, segs, bounds);
  const aspect = s.aspect.querySelector("text");
  if (aspect) {
    const [ox, oy, len] = [ASPECT.x, W - ASPECT.y, ASPECT.len];
    const near = [[ox + 1, oy - len - 1.5, "start"], [ox + len + 1, oy - 1, "start"], [ox + len + 1, oy - len + 2, "start"], [ox + 1, oy - len - 5, "start"]];
    place(aspect, aspect.textContent, near, placed, segs, bounds);
  }
}

// Positions beside a line: around points along it, first on its normal, then all round, nearer first.
function alongLine([x1, y1, x2, y2]) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const n = Math.hypot(dx, dy);
  const [nx, ny] = n > 0 ? [dy / n, -dx / n] : [0, -1];
  const base = Math.atan2(ny, nx);
  const out = [];
  for (const r of [2.4, 3.8, 5.5]) {
    for (const t of [0.5, 0.62, 0.38, 0.75, 0.25, 0.88, 0.12]) {
      for (const turn of [0, 4, 1, 7, 3, 5, 2, 6]) {
        const a = base + (turn * Math.PI) / 4;
        out.push([x1 + dx * t + r * Math.cos(a), y1 + dy * t + r * Math.sin(a) + 1, "middle"]);
      }
    }
  }
  return out;
}

// Text written only when it differs: the same text written again is a DOM change (a new text node), which a live
// region may announce again and which counts as a change of the readout for whoever watches it.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function draw(s) {
  const W = s.data.world;
  s.svg.setAttribute("viewBox", `${-PAD.l} ${-PAD.t} ${W + PAD.l + PAD.r} ${W + PAD.t + PAD.b}`);
  setRect(s.frame, [0, 0, W, W]);
  drawTicks(s);
  const p = s.local.pred;
  const t = s.local.target;
  const fresh = isFresh(s);
  drawOverlay(s, fresh);
  drawBox(s, "target", t);
  drawBox(s, "pred", p);
  drawArrows(s, fresh);
  placeLabels(s);
  if (s.data.channel) publish(s.data.channel, [...p, ...t]);
  setText(s.readout, s.data.readout || "");
  s.readout.classList.toggle("bc-stale", !fresh);
  announce(s, fresh);
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  addStyle();
  let s = parentElement.__lossvizBoxCanvas;
  if (!s) {
    s = { seq: 0, echoed: 0, sentAt: -Infinity, pending: null, timer: null, keyTimer: null, drag: null, local: null, selected: null };
    s.moved = new Set(); // boxes moved here and not yet sent
    s.sentFor = { pred: 0, target: 0 }; // per box, the seq of the last update that carried it
    parentElement.__lossvizBoxCanvas = s;
    build(parentElement, s);
  }
  s.data = data;
  s.setStateValue = setStateValue;
  const L = data.labels || {};
  s.svg.setAttribute("aria-label", L.canvas || "");
  s.help.textContent = L.keys || "";
  for (const [k, v] of Object.entries(data.palette || {})) s.wrap.style.setProperty(`--bc-${k}`, v);
  const echoed = typeof data.seq === "number" ? data.seq : 0;
  // `echoed` is the last update Python applied; Python's boxes win where nothing of ours is pending (adopt).
  s.seq = Math.max(s.seq, echoed);
  s.echoed = echoed;
  if (!s.local) s.local = { pred: data.pred.slice(), target: data.target.slice() };
  adopt(s);
  if (echoed >= s.seq && !s.pending) s.wrap.removeAttribute("aria-busy");
  draw(s);
  flush(s);
  // Streamlit may call this for a superseded update too: the boxes stop being shown only when the canvas has left.
  return () =>
    setTimeout(() => {
      if (!parentElement.isConnected && data.channel) publish(data.channel, null);
    }, 0);
}

// lossviz plotly_chart: a Plotly figure that updates in place.
//
// Streamlit calls the default export on mount and again, with the same parentElement, on every `data` change.
// The first call builds the DOM once; every call then hands the newest figure to Plotly.react, which diffs it
// against what is drawn. The graph div is never replaced, so there is no flicker, and `layout.uirevision` keeps
// the user's zoom and pan across updates.
//
// Plotly.react is the most expensive part of a rerun in the browser (tens of ms per chart: traces, axes, margins), so
// work is skipped where it cannot be seen: an update whose figure, height and config equal what is drawn is dropped,
// and a chart that is far off-screen (an IntersectionObserver keeps that known without forcing a layout) is redrawn
// only when it scrolls near the viewport or after a quiet second, not on the critical path of every slider step.
//
// plotly.js is not a global in Streamlit's frontend, so it is loaded once per page from the file that the Python
// `plotly` package ships (served by Streamlit, see plotly_chart.py); the promise is cached on `window`.
//
// Theme: the chart draws with the colours of the theme the page shows (Streamlit's `--st-background-color` and
// `--st-text-color` CSS variables, else `prefers-color-scheme`), from the palette's light and dark variants in
// `data.theme` (lossviz/figures/style.py), and redraws when the system setting changes.
// Narrow columns (phones): the legend goes horizontal under the plot, where the modebar (top right) cannot cover it.
// PNG export: the camera button saves `<filename>.png` with a footer line holding the page's parameters (the URL's
// path and query, and the caller's caption): an exported figure says what it shows.
//
// data = {figure: "<figure JSON>", template: "lossviz" | null, config: {...}, uirevision: "...", height: 450,
//         src: "component/.../plotly.min.js", module: "component/.../plotly_chart.<hash>.js", base: "/", error: "... {msg} ...", theme: {light: {...}, dark: {...}}, caption: "..." | null,
//         png_title: "Download plot as a PNG", follows: {channel: "...", state: [numbers]} | null}
//
// Follows: a figure drawn for a state that another component of the page shows as the user edits it (the IoU
// landscapes are drawn for the canvas's boxes) says so in `data.follows`. That component publishes the state it shows
// (`window.__lossvizFollow[channel]`, and a `lossviz:follow` event on window: box_canvas.js). While the published
// state differs from the one the drawn figure belongs to, the chart is dimmed and aria-busy: from the edit until the
// figure for the new state is drawn, it does not pass for current.

const ROOT_CLASS = "lossviz-plotly-chart";
const VISIBLE_MARGIN = "300px 0px"; // "near the viewport": drawn right away within this distance of it
const QUIET_MS = 1000; // an off-screen chart is brought up to date after this long without a new update
const NARROW_PX = 640; // below this chart width the legend goes under the plot and the title under the modebar
const MODEBAR_PX = 34; // the modebar's height with its top offset (~31 px), and a gap
const FOOTER_PX = 16; // height of one footer line in an exported PNG
const DARK_QUERY = "(prefers-color-scheme: dark)";
const FOLLOW_EVENT = "lossviz:follow";
const STALE_OPACITY = "0.45";
// The shared Plotly template (lossviz/figures/style.py), written in when Python serves this file: figures whose
// template is the shared one arrive without it (data.template === "lossviz"), so it is not sent on every rerun.
const TEMPLATE = null; // written in by plotly_chart.py

// ------------------------------------------------------------------------------------------------------ theme
function parseColor(text) {
  const c = (text || "").trim();
  let m = c.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (m) {
    const h = m[1].length === 3 ? [...m[1]].map((x) => x + x).join("") : m[1];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  }
  m = c.match(/^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i);
  return m ? [m[1], m[2], m[3]].map(Number) : null;
}

function isDarkColor(rgb) {
  return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255 < 0.5;
}

// The theme the page shows: Streamlit's theme variables where they reach us, else the system setting.
function readTheme(root, themes) {
  const style = getComputedStyle(root);
  const bg = style.getPropertyValue("--st-background-color").trim();
  const text = style.getPropertyValue("--st-text-color").trim();
  const rgb = parseColor(bg);
  const dark = rgb ? isDarkColor(rgb) : Boolean(window.matchMedia && window.matchMedia(DARK_QUERY).matches);
  const base = (themes || {})[dark ? "dark" : "light"] || {};
  return { ...base, name: dark ? "dark" : "light", paper: bg || base.paper, plot: bg || base.plot, text: text || base.text };
}

// Theme colours go into the figure's template (figure-level settings still win), so builders never set them.
function applyTheme(layout, theme) {
  if (!theme || !theme.text) return;
  const template = (layout.template = layout.template || {});
  const tl = (template.layout = { ...(template.layout || {}) });
  tl.paper_bgcolor = theme.paper;
  tl.plot_bgcolor = theme.plot;
  tl.font = { ...(tl.font || {}), color: theme.text };
  for (const axis of ["xaxis", "yaxis"]) {
    tl[axis] = { ...(tl[axis] || {}), gridcolor: theme.grid, linecolor: theme.line, zerolinecolor: theme.line };
  }
  // A legend box painted for a white page would be a bright patch on a dark one.
  const legendBg = layout.legend && parseColor(layout.legend.bgcolor);
  if (legendBg && theme.name === "dark" && !isDarkColor(legendBg)) layout.legend.bgcolor = theme.legend_bg;
  // The same for labels drawn over curves (style.LABEL_BG is written for a white page).
  for (const note of layout.annotations || []) {
    const bg = parseColor(note.bgcolor);
    if (bg && theme.name === "dark" && !isDarkColor(bg)) note.bgcolor = theme.legend_bg;
  }
}

// --------------------------------------------------------------------------------------------------- phones
function applyNarrow(layout, narrow) {
  if (!narrow) return;
  // A figure may say how it is laid out on a phone: `layout.meta.lossviz_narrow` replaces those layout keys
  // (two plots side by side stacked, a taller chart).
  Object.assign(layout, (layout.meta && layout.meta.lossviz_narrow) || {});
  // The title goes under the modebar (top right, shown on a tap): a title as wide as a phone's chart ran under its
  // icons. The top margin grows by as much, so the plot and what sits above it (annotations) move down with it.
  const title = typeof layout.title === "string" ? { text: layout.title } : layout.title;
  if (title && title.text) {
    const tpl = (layout.template && layout.template.layout) || {};
    const top = (layout.margin && layout.margin.t) ?? (tpl.margin && tpl.margin.t) ?? 100;
    layout.margin = { ...(layout.margin || {}), t: top + MODEBAR_PX };
    layout.title = { ...title, yref: "container", y: 1, yanchor: "top", pad: { ...(title.pad || {}), t: MODEBAR_PX } };
  }
  if (layout.showlegend === false) return;
  // Container-referenced at the bottom: the row sits below the x-axis title and tick labels whatever their height,
  // and pushes the bottom margin instead of overlapping them (a paper-referenced y below 0 lands on the axis title).
  layout.legend = { ...(layout.legend || {}), orientation: "h", x: 0, xanchor: "left", xref: "paper" };
  Object.assign(layout.legend, { yref: "container", y: 0, yanchor: "bottom" });
}

// ------------------------------------------------------------------------------------------------ PNG export
function footerLines(caption, widthPx) {
  const path = decodeURIComponent(window.location.pathname.split("/").filter(Boolean).pop() || "");
  let query = "";
  try {
    query = decodeURIComponent(window.location.search.replace(/^\?/, "")).replace(/\+/g, " ");
  } catch (err) {
    query = window.location.search.replace(/^\?/, "");
  }
  const params = query ? query.split("&") : [];
  const perLine = Math.max(30, Math.floor(widthPx / 6.5));
  const lines = [];
  let line = `lossviz /${path}` + (params.length ? "?" : "");
  params.forEach((p, i) => {
    const piece = (i ? "&" : "") + p;
    if (line.length + piece.length > perLine && line.length > 0) {
      lines.push(line);
      line = piece;
    } else line += piece;
  });
  lines.push(line);
  if (caption) lines.unshift(caption);
  return lines;
}

// The figure as drawn, with a footer under it: what the camera button downloads.
function exportFigure(gd, caption) {
  const full = gd._fullLayout;
  const width = full.width;
  const lines = footerLines(caption, width);
  const extra = FOOTER_PX * lines.length + 8;
  const layout = JSON.parse(JSON.stringify(gd.layout));
  const bottom = full._size.b;
  layout.width = width;
  layout.height = full.height + extra;
  layout.margin = { ...(layout.margin || {}), l: full._size.l, r: full._size.r, t: full._size.t, b: bottom + extra };
  layout.annotations = [
    ...(layout.annotations || []),
    {
      text: lines.map((l) => l.replace(/</g, "&lt;")).join("<br>"),
      xref: "paper",
      yref: "paper",
      x: 0,
      xshift: -full._size.l + 8,
      xanchor: "left",
      y: 0,
      yshift: -bottom - 4,
      yanchor: "top",
      align: "left",
      showarrow: false,
      font: { size: 11 },
      name: "lossviz-parameters",
    },
  ];
  return { data: gd.data, layout, lines };
}

function cameraButton(Plotly, data) {
  return {
    name: "lossvizDownloadPng",
    title: data.png_title || "Download plot as a PNG",
    icon: Plotly.Icons.camera,
    click: (gd) => {
      const last = (gd._lossvizDrawn && gd._lossvizDrawn.data) || data;
      const options = { format: "png", scale: 2, ...((last.config || {}).toImageButtonOptions || {}) };
      const figure = exportFigure(gd, last.caption);
      options.width = figure.layout.width;
      options.height = figure.layout.height;
      return window.Plotly.downloadImage({ data: figure.data, layout: figure.layout }, options);
    },
  };
}

function loadPlotly(src, basePath) {
  if (!window.__lossvizPlotly) {
    window.__lossvizPlotly = new Promise((resolve, reject) => {
      if (window.Plotly && typeof window.Plotly.react === "function") {
        resolve(window.Plotly);
        return;
      }
      const script = document.createElement("script");
      script.src = new URL(src, window.location.origin + basePath).href;
      script.async = true;
      script.onload = () =>
        window.Plotly ? resolve(window.Plotly) : reject(new Error(`${script.src} did not define Plotly`));
      script.onerror = () => {
        window.__lossvizPlotly = undefined; // let a later update try again
        script.remove();
        reject(new Error(`could not load ${script.src}`));
      };
      document.head.appendChild(script);
    });
  }
  return window.__lossvizPlotly;
}

function buildOnce(parentElement) {
  let root = parentElement.querySelector(`.${ROOT_CLASS}`);
  if (root) return root;
  root = document.createElement("div");
  root.className = ROOT_CLASS;
  const graph = document.createElement("div");
  graph.className = `${ROOT_CLASS}__graph`;
  const message = document.createElement("div");
  message.className = `${ROOT_CLASS}__message`;
  message.setAttribute("role", "alert");
  message.hidden = true;
  root.append(graph, message);
  parentElement.appendChild(root);
  return root;
}

function showError(root, template, err) {
  const message = root.querySelector(`.${ROOT_CLASS}__message`);
  message.textContent = (template || "{msg}").replace("{msg}", err && err.message ? err.message : String(err));
  message.hidden = false;
}

// Draw the newest pending figure; updates that arrive while Plotly is busy collapse into one (the last wins).
async function drain(Plotly, root) {
  const gd = root.firstChild;
  if (gd._lossvizBusy) return;
  gd._lossvizBusy = true;
  try {
    while (gd._lossvizPending) {
      const data = gd._lossvizPending;
      gd._lossvizPending = null;
      const theme = readTheme(root, data.theme);
      const narrow = root.offsetWidth > 0 && root.offsetWidth < NARROW_PX;
      const drawnKey = JSON.stringify([data.height, data.uirevision, data.config, data.caption, theme, narrow]);
      if (gd._lossvizDrawn && gd._lossvizDrawn.figure === data.figure && gd._lossvizDrawn.key === drawnKey) {
        gd._lossvizDrawn.data = data; // the same picture: it now also stands for this update's state
        continue;
      }
      try {
        const figure = JSON.parse(data.figure);
        const layout = (figure.layout = figure.layout || {});
        // A copy: applyTheme writes into the figure's template.
        if (data.template === "lossviz" && TEMPLATE && !layout.template) layout.template = { ...TEMPLATE };
        if (layout.uirevision === undefined) layout.uirevision = data.uirevision;
        layout.height = data.height;
        applyTheme(layout, theme);
        applyNarrow(layout, narrow);
        const config = { ...(data.config || {}) };
        // Our camera button replaces plotly's: same place, same title, plus the parameters in a footer.
        config.modeBarButtonsToRemove = [...(config.modeBarButtonsToRemove || []), "toImage"];
        // The same button object every time: a new one would count as a new config and reset the user's zoom.
        if (!gd._lossvizCamera || gd._lossvizCamera.title !== (data.png_title || "Download plot as a PNG")) {
          gd._lossvizCamera = cameraButton(Plotly, data);
        }
        config.modeBarButtonsToAdd = [...(config.modeBarButtonsToAdd || []), gd._lossvizCamera];
        await Plotly.react(gd, figure.data || [], layout, config);
        gd._lossvizDrawn = { figure: data.figure, key: drawnKey, data, narrow };
        root.lastChild.hidden = true;
      } catch (err) {
        showError(root, data.error, err);
      }
    }
    if (!gd._lossvizResize && gd._fullLayout) {
      // Follow the column's width (sidebar toggles, window resizes) without window listeners that would leak.
      gd._lossvizResize = new ResizeObserver(() => {
        // A chart in a hidden tab has no size: skip it; it is resized when the tab is shown.
        if (!gd.isConnected || !gd._fullLayout || gd.offsetWidth <= 0) return;
        const narrow = root.offsetWidth < NARROW_PX;
        if (gd._lossvizDrawn && gd._lossvizDrawn.narrow !== narrow) redraw(Plotly, root);
        else Plotly.Plots.resize(gd).catch(() => {});
      });
      gd._lossvizResize.observe(root);
    }
    if (!gd._lossvizScheme && window.matchMedia) {
      // The system switched between light and dark: Streamlit restyles the page; follow once it has.
      gd._lossvizScheme = window.matchMedia(DARK_QUERY);
      gd._lossvizOnScheme = () => setTimeout(() => gd.isConnected && redraw(Plotly, root), 50);
      gd._lossvizScheme.addEventListener("change", gd._lossvizOnScheme);
    }
  } finally {
    gd._lossvizBusy = false;
    showStale(root);
  }
}

// ---------------------------------------------------------------------------------------------------- follows
const sameState = (a, b) =>
  Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-9);

// Dimmed and aria-busy while the drawn figure belongs to another state than its channel's published one; aria-busy
// also while a newer figure waits to be drawn.
function showStale(root) {
  const gd = root.firstChild;
  const follows = gd._lossvizDrawn && gd._lossvizDrawn.data.follows;
  const now = follows && (window.__lossvizFollow || {})[follows.channel];
  const stale = Boolean(now) && !sameState(now, follows.state);
  root.classList.toggle(`${ROOT_CLASS}--stale`, stale);
  root.style.opacity = stale ? STALE_OPACITY : "";
  root.setAttribute("aria-busy", String(stale || Boolean(gd._lossvizPending) || Boolean(gd._lossvizBusy)));
}

// Draw the last figure again (the theme or the width class changed, not the data).
function redraw(Plotly, root) {
  const gd = root.firstChild;
  if (!gd._lossvizDrawn || gd._lossvizPending) return;
  gd._lossvizPending = gd._lossvizDrawn.data;
  gd._lossvizDrawn = { ...gd._lossvizDrawn, key: null };
  schedule(Plotly, root);
}

// Whether the chart is within VISIBLE_MARGIN of the viewport, kept up to date by an observer (reading the geometry
// here instead would force a layout of the whole page in the middle of Streamlit's render). Unknown counts as near.
function watchVisibility(root) {
  const gd = root.firstChild;
  if (gd._lossvizVisibility || typeof IntersectionObserver !== "function") return;
  gd._lossvizNear = true;
  gd._lossvizVisibility = new IntersectionObserver(
    (entries) => {
      gd._lossvizNear = entries[entries.length - 1].isIntersecting;
      if (gd._lossvizNear && gd._lossvizWake) gd._lossvizWake(); // scrolled into reach: draw what is pending now
    },
    { rootMargin: VISIBLE_MARGIN },
  );
  gd._lossvizVisibility.observe(root);
}

// Draw now if the chart is new or near the viewport; otherwise once it comes near, or after QUIET_MS without a
// newer update (each update restarts the wait, and drain() then draws only the newest figure).
function schedule(Plotly, root) {
  const gd = root.firstChild;
  clearTimeout(gd._lossvizTimer);
  if (!gd._fullLayout || gd._lossvizNear !== false) {
    gd._lossvizWake = null;
    drain(Plotly, root);
    return;
  }
  gd._lossvizWake = () => {
    clearTimeout(gd._lossvizTimer);
    gd._lossvizWake = null;
    drain(Plotly, root);
  };
  gd._lossvizTimer = setTimeout(gd._lossvizWake, QUIET_MS);
}

export default function plotlyChart({ data, parentElement }) {
  const root = buildOnce(parentElement);
  const gd = root.firstChild;
  root.style.minHeight = `${data.height}px`;
  root.setAttribute("aria-busy", "true"); // until this figure is drawn
  gd._lossvizPending = data;
  if (!gd._lossvizOnFollow) {
    gd._lossvizOnFollow = () => showStale(root);
    window.addEventListener(FOLLOW_EVENT, gd._lossvizOnFollow);
  }
  watchVisibility(root);
  loadPlotly(data.src, data.base || "/").then(
    (Plotly) => schedule(Plotly, root),
    (err) => showError(root, data.error, err),
  );
  // Streamlit may run this cleanup for a superseded update, not only on unmount: free the plot only once the
  // element has really left the page.
  return () =>
    setTimeout(() => {
      if (root.isConnected) return;
      clearTimeout(gd._lossvizTimer);
      gd._lossvizWake = null;
      if (gd._lossvizVisibility) gd._lossvizVisibility.disconnect();
      if (gd._lossvizResize) gd._lossvizResize.disconnect();
      if (gd._lossvizScheme) gd._lossvizScheme.removeEventListener("change", gd._lossvizOnScheme);
      window.removeEventListener(FOLLOW_EVENT, gd._lossvizOnFollow);
      gd._lossvizOnFollow = null;
      if (window.Plotly) window.Plotly.purge(gd);
    }, 0);
}

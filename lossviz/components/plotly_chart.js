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
// data = {figure: "<figure JSON>", config: {...}, uirevision: "...", height: 450, src: "component/.../plotly.min.js",
//         base: "/", error: "... {msg} ..."}

const ROOT_CLASS = "lossviz-plotly-chart";
const VISIBLE_MARGIN = "300px 0px"; // "near the viewport": drawn right away within this distance of it
const QUIET_MS = 1000; // an off-screen chart is brought up to date after this long without a new update

// The URL prefix Streamlit's own bundle was loaded from: right under a reverse proxy or `server.baseUrlPath`.
// Fallback: the server's `server.baseUrlPath`, sent by Python.
function streamlitBase(basePath) {
  const script = document.querySelector('script[src*="/static/js/index."]');
  return script ? script.src.slice(0, script.src.indexOf("static/js/index.")) : window.location.origin + basePath;
}

function loadPlotly(src, basePath) {
  if (!window.__lossvizPlotly) {
    window.__lossvizPlotly = new Promise((resolve, reject) => {
      if (window.Plotly && typeof window.Plotly.react === "function") {
        resolve(window.Plotly);
        return;
      }
      const script = document.createElement("script");
      script.src = new URL(src, streamlitBase(basePath)).href;
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
      const config = data.config || {};
      const drawnKey = JSON.stringify([data.height, data.uirevision, config]);
      if (gd._lossvizDrawn && gd._lossvizDrawn.figure === data.figure && gd._lossvizDrawn.key === drawnKey) continue;
      try {
        const figure = JSON.parse(data.figure);
        const layout = figure.layout || {};
        if (layout.uirevision === undefined) layout.uirevision = data.uirevision;
        layout.height = data.height;
        await Plotly.react(gd, figure.data || [], layout, config);
        gd._lossvizDrawn = { figure: data.figure, key: drawnKey };
        root.lastChild.hidden = true;
      } catch (err) {
        showError(root, data.error, err);
      }
    }
    if (!gd._lossvizResize && gd._fullLayout) {
      // Follow the column's width (sidebar toggles, window resizes) without window listeners that would leak.
      gd._lossvizResize = new ResizeObserver(() => {
        // A chart in a hidden tab has no size: skip it; it is resized when the tab is shown.
        if (gd.isConnected && gd._fullLayout && gd.offsetWidth > 0) Plotly.Plots.resize(gd).catch(() => {});
      });
      gd._lossvizResize.observe(root);
    }
  } finally {
    gd._lossvizBusy = false;
  }
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
  gd._lossvizReceivedAt = performance.now(); // for measuring data change -> plotly_afterplot
  gd._lossvizPending = data;
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
      if (window.Plotly) window.Plotly.purge(gd);
    }, 0);
}

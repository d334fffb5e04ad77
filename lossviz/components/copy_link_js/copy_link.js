// The copy-link button's module (lossviz/components/copy_link.py), served as a static file: the browser fetches it
// once per page load instead of with every rerun's two copy-link elements. It puts its style sheet into the document
// once (the component's styles are global anyway), then builds the button in each instance's element (idempotent).
const STYLE_ID = "lossviz-copy-link-style";
const CSS = `
.lossviz-copy-link { display: flex; flex-direction: column; gap: 0.25rem; }
.lossviz-copy-link__button {
  display: inline-flex; align-items: center; justify-content: center; gap: 0.4rem; width: 100%;
  min-height: 2.5rem; padding: 0.25rem 0.75rem; border-radius: 0.5rem; cursor: pointer; font: inherit;
  color: var(--st-text-color, #31333f); background: var(--st-background-color, #ffffff);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
}
.lossviz-copy-link__button:hover { border-color: var(--st-primary-color, #ff4b4b); }
.lossviz-copy-link__button:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b); outline-offset: 2px; }
.lossviz-copy-link__button[data-copied="true"] { border-color: var(--st-green-color, #21c354); }
.lossviz-copy-link__status { font-size: 0.85rem; min-height: 1em; }
/* After a copy the button itself says so; the status line then speaks only to screen readers (no second "copied"). */
.lossviz-copy-link__status[data-sr-only="true"] {
  position: absolute; width: 1px; height: 1px; min-height: 0; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap;
}
.lossviz-copy-link__field {
  width: 100%; box-sizing: border-box; font: inherit; font-size: 0.85rem; padding: 0.25rem 0.5rem;
  color: var(--st-text-color, #31333f); background: var(--st-secondary-background-color, #f0f2f6);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2)); border-radius: 0.25rem;
}
`;

function addStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

function build(parent) {
  let root = parent.querySelector(".lossviz-copy-link");
  if (root) return root;
  root = document.createElement("div");
  root.className = "lossviz-copy-link";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "lossviz-copy-link__button";
  const status = document.createElement("div");
  status.className = "lossviz-copy-link__status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const field = document.createElement("input");
  field.type = "text";
  field.readOnly = true;
  field.className = "lossviz-copy-link__field";
  field.hidden = true;
  root.append(button, status, field);
  parent.appendChild(root);
  button.addEventListener("click", async () => {
    const url = window.location.href;
    const d = root.__data || {};
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      field.hidden = true;
      button.dataset.copied = "true";
      button.textContent = d.copied;
      status.dataset.srOnly = "true";
      status.textContent = d.copied;
      clearTimeout(root.__timer);
      root.__timer = setTimeout(() => {
        button.dataset.copied = "false";
        button.textContent = (root.__data || d).label;
        status.textContent = "";
      }, 2500);
    } catch (err) {
      field.value = url;
      field.hidden = false;
      status.dataset.srOnly = "false";
      status.textContent = d.fallback;
      field.focus();
      field.select();
    }
  });
  return root;
}

export default function ({ data, parentElement }) {
  addStyle();
  const root = build(parentElement);
  root.__data = data;
  const button = root.querySelector("button");
  if (button.dataset.copied !== "true") button.textContent = data.label;
  button.setAttribute("aria-label", data.aria);
  button.title = data.aria;
  const field = root.querySelector("input");
  field.setAttribute("aria-label", data.field);
}

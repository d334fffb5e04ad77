"""The app shell: language switch (kept in the URL), the page list, one sidebar layout for every page."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from lossviz import i18n
from lossviz.i18n import t

ROOT = Path(__file__).resolve().parents[2]
# The page scripts live inside the package, not in a top-level pages/ folder beside app.py: Streamlit treats an app
# with such a folder as a legacy (v1) multipage app until st.navigation has run once in the process, and a deep link
# opened on a fresh server could get its raw file list instead of the shell.
PAGES_DIR = ROOT / "lossviz" / "pages"


@dataclass(frozen=True)
class PageInfo:
    """One page of the app: its file under ``lossviz/pages/``, URL path, navigation title key, icon and summary key."""

    file: str
    url_path: str
    title_key: str
    icon: str
    summary_key: str
    state_prefix: str = ""  # the page's widget and session-state keys start with "<prefix>_" (or "_<prefix>_")
    url_prefixes: tuple[str, ...] = ()  # URL key prefixes the page handles itself (old links it redirects)


PAGES = (
    PageInfo(
        "regression.py",
        "regression",
        "nav.regression",
        ":material/show_chart:",
        "home.summary.regression",
        state_prefix="reg",
        url_prefixes=("reg_cb_",),  # the C-BBL section moved to Box size: old links get a notice there
    ),
    PageInfo("iou.py", "iou", "nav.iou", ":material/select_all:", "home.summary.iou", "iou"),
    PageInfo(
        "classification.py",
        "classification",
        "nav.classification",
        ":material/balance:",
        "home.summary.classification",
        "cls",
    ),
    PageInfo("simulation.py", "simulation", "nav.simulation", ":material/timeline:", "home.summary.simulation", "sim"),
    PageInfo(
        "boxsize.py", "boxsize", "nav.boxsize", ":material/photo_size_select_small:", "home.summary.boxsize", "bs"
    ),
    PageInfo("libra.py", "libra", "nav.libra", ":material/layers:", "home.summary.libra", "lib"),
    PageInfo(
        "sensitivity.py", "sensitivity", "nav.sensitivity", ":material/insights:", "home.summary.sensitivity", "sens"
    ),
)


def _session_lang() -> str | None:
    """The language switch's value in this session (``lang`` is its widget key); None outside a script run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get("lang")


# A fragment rerun runs only the fragment (app.py and its set_lang are skipped): read the switch from the session.
i18n.set_fallback(_session_lang)


def language_switch() -> str:
    """The language selector in the sidebar, bound to the URL parameter ``lang``; sets the language in force."""
    from lossviz.components import controls

    # The URL holds the code (?lang=zh): Streamlit writes a selection's formatted value into the URL.
    lang = controls.radio(
        t("app.language", lang="en") + " / " + t("app.language", lang="zh"),
        "lang",
        list(i18n.LANGS),
        index=i18n.LANGS.index(i18n.DEFAULT_LANG),
        horizontal=True,
        captions=[i18n.LANG_NAMES[code] for code in i18n.LANGS],
    )
    return i18n.set_lang(lang)


PHONE_ACTIONS = "lossviz_phone_actions"  # the key of the main area's action row (CSS class st-key-<key>)

# Page-wide CSS, on every page. Display formulas (KaTeX) wider than a phone scroll inside their own box instead of
# pushing the whole page sideways. (Formulas are written to fit a phone, as aligned lines; the 2 px of padding hold
# what KaTeX paints past a formula's box, its ``.vlist-t2`` struts with ``margin-right: -2px``, so a formula that fits
# never scrolls.) The main area's row of page actions (Reset, Copy link) is for screens where
# Streamlit collapses the sidebar (its "md" breakpoint, 768 px and narrower); wider, the sidebar has them, and the
# row is not displayed (so it is not in the tab order either).
GLOBAL_CSS = f"""<style>
.katex-display {{ overflow-x: auto; overflow-y: hidden; max-width: 100%; padding: 0.1rem 0 0.3rem; }}
.katex-display > .katex {{ max-width: 100%; box-sizing: border-box; padding-right: 2px; }}
@media (min-width: 769px) {{ .st-key-{PHONE_ACTIONS} {{ display: none !important; }} }}
.st-key-{PHONE_ACTIONS} > div {{ flex: 1 1 0; min-width: 0; }}
</style>"""


HTML_LANG = {"en": "en", "zh": "zh-Hans"}  # BCP 47 tags of the app's languages
_HTML_LANG = '<script>document.documentElement.lang = "{lang}";</script>'


def upload_note(types: list[str] | None = None) -> None:
    """A caption under a file uploader saying in the page's language what Streamlit's own uploader texts say in
    English only (its "Upload" button, drag and drop, the size limit and the types: Streamlit 1.67 offers no way to
    translate them). Nothing in English, where Streamlit already says it."""
    if i18n.get_lang() == "en":
        return
    kinds = ", ".join(x.upper() for x in types) if types else t("common.upload_any_type")
    st.caption(t("common.upload_note", mb=st.get_option("server.maxUploadSize"), types=kinds))


def navigation():
    """Build the sidebar (language first) and return the selected ``st.Page`` to run.

    An empty container at the top of the main area collects this run's notices about bad URL parameters.
    """
    from lossviz.components import controls

    st.html(GLOBAL_CSS)  # style only: Streamlit puts it out of the layout flow
    controls.set_notice_area(st.container())
    with st.sidebar:
        language_switch()
    lang = i18n.get_lang()
    _note_requested_path()
    selected = st.navigation(_pages(lang) + _alias_pages(lang))
    target = _aliases().get(selected.url_path, selected.url_path)  # an alias shows its page in place
    _remember_or_restore(target or "")
    _start_visit(target or "")
    info = _BY_URL.get(target or "")
    controls.set_page_source(str(PAGES_DIR / (info.file if info else "home.py")))
    if info and info.url_prefixes:
        controls.declare_keys(prefixes=info.url_prefixes)
    reset_keys = tuple(sorted(controls.known_keys()[0] - controls.ALWAYS_KNOWN)) if info else ()
    with st.sidebar:
        page_actions(info, reset_keys=reset_keys)
        # The document's language (``<html lang>``, which Streamlit leaves at "en"): screen readers pick their
        # voice from it, browsers their fonts and translation offers. It sets the document root, not Streamlit's
        # DOM. A script is an element in the layout (style alone is not): last in the sidebar it moves nothing.
        st.html(_HTML_LANG.format(lang=HTML_LANG[lang]), unsafe_allow_javascript=True)
    with st.container(horizontal=True, gap="small", key=PHONE_ACTIONS):  # phones: the sidebar is collapsed there
        page_actions(info, suffix="_phone", reset_keys=reset_keys)
    return selected


_PRESENT = tuple(p for p in PAGES if (PAGES_DIR / p.file).exists())  # looked up once per process, not per rerun
_BY_URL = {p.url_path: p for p in PAGES}
_NAV = "_lossviz_nav"  # session state: {language: the st.Page objects}


def _pages(lang: str) -> list:
    """The ``st.Page`` objects in ``lang``, built once per session and language (each costs a path resolve and a
    stat). Kept per session, not per process: ``st.navigation`` marks the selected object as callable for this run."""
    built = st.session_state.setdefault(_NAV, {})
    if lang not in built:
        home = st.Page(
            str(PAGES_DIR / "home.py"), title=t("nav.home"), icon=":material/home:", default=True, url_path=""
        )  # served at "/"; an empty url_path reserves no name, so "/home" can be an alias of it (see below)
        built[lang] = [home] + [
            st.Page(str(PAGES_DIR / p.file), title=t(p.title_key), icon=p.icon, url_path=p.url_path) for p in _PRESENT
        ]
    return built[lang]


def page(url_path: str):
    """This session's ``st.Page`` of the page served at ``url_path`` (in the page's language), for ``st.page_link``.

    A link given a file path looks the page up in what ``st.navigation`` registered during this run, which a
    fragment's rerun does not have (Streamlit raises ``StreamlitPageNotFoundError`` there); the ``st.Page`` object
    carries its own identity. Raises ``KeyError`` for a path no page has."""
    (found,) = [p for p in _pages(i18n.get_lang()) if p.url_path == url_path]
    return found


# ----------------------------------------------------------------------------------------- Back and Forward
# Leaving page A for page B, Streamlit (1.67) drops A's widget parameters from the URL *before* it changes the path,
# and pushes that as a history entry of its own: history reads [/a?a_key=1, /a, /b], and Back from B lands on the
# bare /a, default settings. So each page's last query is remembered in the session and, on a Back or Forward
# (a history navigation) to a page whose URL carries none of its parameters, put back: the page shows the settings
# it had and Streamlit rewrites that history entry's URL to say so. A link opened or shared (not a history
# navigation), a URL with the page's parameters, and a sidebar click all keep their own parameters or defaults.
_QUERIES = "_lossviz_queries"  # session state: {url_path: {key: [values]}} of each page's last finished run


def _page_query() -> dict[str, list[str]]:
    from lossviz.components import controls

    return {k: st.query_params.get_all(k) for k in st.query_params if k not in controls.ALWAYS_KNOWN}


def _remember_query() -> None:
    """Note the current page's query (after its run: corrections and dropped keys included)."""
    visit = st.session_state.get(_VISIT)
    if visit:
        st.session_state.setdefault(_QUERIES, {})[visit["page"]] = _page_query()


def fragment(func: Callable | None = None, *, key: str | None = None):
    """``st.fragment`` for a page's section (``@shell.fragment`` or ``@shell.fragment(key=...)``): a run of it notes
    the page's URL, as a full run does (every fragment of a page must be one: ``tests/test_shell_back.py``).

    Back and Forward give a page the URL it had when it was left; a fragment's run skips the shell, so without this
    note a control moved inside a fragment (Classification's γ), or a URL-bound expander opened or closed there (the
    IoU page's table, Libra's sections), was forgotten, and Back brought the page back as an earlier run left it."""

    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def run(*args, **kwargs):
            try:
                return f(*args, **kwargs)
            finally:
                _remember_query()  # after the section's widgets: the URL as this run leaves it

        return st.fragment(run, key=key)

    return decorate(func) if func is not None else decorate


def _is_history_navigation() -> bool:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        return bool(get_script_run_ctx().is_history_navigation)
    except Exception:
        return False


def _remember_or_restore(url_path: str) -> None:
    """Before the page runs: a rerun of the same page notes its URL (a fragment's changes included); a Back or
    Forward to a page whose URL has none of its parameters gets the page's remembered ones back."""
    visit = st.session_state.get(_VISIT)
    if visit and visit["page"] == url_path:
        _remember_query()
        return
    remembered = st.session_state.get(_QUERIES, {}).get(url_path)
    if not remembered or _page_query() or not _is_history_navigation():
        return
    try:  # the page's widgets were unbound when it was left, so the URL takes their parameters again
        st.query_params.update(remembered)
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        # Streamlit seeds a new widget from the URL the run started with: seed it from the restored one.
        get_script_run_ctx().session_state._state.query_params._initial_query_params.update(remembered)
    except Exception:
        pass


# ----------------------------------------------------------------------------------------- other paths
# Streamlit serves the default page at "/" only: "/home" (its url_path), a title typed as a path ("/box-size",
# "/IoU-family") or a typo got Streamlit's "Page not found" dialog. A path that is not a page's becomes a hidden
# page of this session: an alias shows its page in place (the address stays as typed, so Back and Forward keep
# working; a redirect would push a second history entry that Back returns to and is redirected from again), and
# any other path gets our own notice with links to every page. The URL's parameters are kept either way.
_ALIASES = "_lossviz_aliases"  # session state: {requested path: the url_path it shows ("" home), or None: unknown}


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


_HOME_NAMES = ("home", "index", "main", "start")


def _alias_table() -> dict[str, str]:
    """{normalised name: url_path} of every page: its url_path, its file stem, its English title and the title's part
    before the colon ("IoU family", "Box size", "Libra R-CNN"); Home's url_path is ""."""
    table = {_norm(name): "" for name in (*_HOME_NAMES, i18n.t("nav.home", lang="en"))}
    for p in _PRESENT:
        title = i18n.t(p.title_key, lang="en")
        for name in (p.url_path, Path(p.file).stem, title, title.split(":")[0]):
            table.setdefault(_norm(name), p.url_path)
    return table


def alias_target(path: str) -> str | None:
    """The url_path that a typed path means ("" for Home), or None when it names no page."""
    return _alias_table().get(_norm(path)) if _norm(path) else None


def _requested_path() -> str | None:
    """The path of a URL opened directly (a typed or shared link) when it is not one of our pages' url_paths;
    None when the browser named a page it knows (navigation, reruns) or the path is a page's. Streamlit's page
    resolution state, read through its run context (if that moves, this returns None and Streamlit's own dialog
    is what a user sees)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        pm = get_script_run_ctx().pages_manager
        if pm.intended_page_script_hash:
            return None
        name = (pm.intended_page_name or "").strip("/")
    except Exception:
        return None
    if not name or name in _BY_URL or "/" in name:  # st.Page takes no "/" in a url_path: Streamlit's dialog stays
        return None
    return name


def _aliases() -> dict[str, str | None]:
    return st.session_state.setdefault(_ALIASES, {})


def _note_requested_path() -> None:
    name = _requested_path()
    if name is not None and name not in _aliases():
        _aliases()[name] = alias_target(name)


def _alias_pages(lang: str) -> list:
    """Hidden pages for the paths this session was opened at that are not our url_paths (see above)."""
    aliases = _aliases()
    if not aliases:
        return []
    built = st.session_state.setdefault(_NAV + "_alias", {})
    pages = []
    for name, target in aliases.items():
        if (lang, name) not in built:
            info = _BY_URL.get(target or "")
            if target is None:
                page = st.Page(_not_found(name), title=t("nav.not_found_title"), url_path=name, visibility="hidden")
            else:
                page = st.Page(
                    str(PAGES_DIR / (info.file if info else "home.py")),
                    title=t(info.title_key if info else "nav.home"),
                    url_path=name,
                    visibility="hidden",
                )
            built[(lang, name)] = page
        pages.append(built[(lang, name)])
    return pages


def _not_found(name: str):
    """The page of a path that names no page: what was asked for, and a link to every page."""

    def not_found() -> None:
        from lossviz.components import controls

        st.title(t("nav.not_found_title"))
        st.warning(t("nav.not_found", path=controls.short(name)), icon=":material/travel_explore:")
        st.page_link(str(PAGES_DIR / "home.py"), label=t("nav.home"), icon=":material/home:")
        for p in _PRESENT:
            st.page_link(str(PAGES_DIR / p.file), label=t(p.title_key), icon=p.icon)
        controls.declare_keys(*st.query_params)  # not this page's to judge: its links lead to the pages that are

    return not_found


def _reset(keys: tuple[str, ...], prefix: str) -> None:
    """Reset's callback: the URL keeps only ``lang``; the page's widgets and session state go back to defaults.

    A control whose default is known is *set* to it: deleting a widget's state alone leaves the browser showing
    (and sending back) the old value."""
    from lossviz.components import controls

    for key in list(st.query_params):
        if key not in controls.ALWAYS_KNOWN:
            controls._forget_url_value(key)
    owned = (f"{prefix}_", f"_{prefix}_") if prefix else ()
    defaults = controls.defaults()
    for key in list(st.session_state.keys()):
        if key in controls.ALWAYS_KNOWN or key == controls._DEFAULTS:
            continue
        if key in keys or (owned and str(key).startswith(owned)):
            if key in defaults:
                st.session_state[key] = defaults[key]
            else:
                del st.session_state[key]


def page_actions(info: PageInfo | None, suffix: str = "", reset_keys: tuple[str, ...] | None = None) -> None:
    """The "Reset to defaults" and "Copy link" buttons (both on every page; Home has nothing to reset): in the
    sidebar, and with ``suffix`` in widget keys, in the main area's row for phones. ``reset_keys``: the URL keys
    Reset clears (default: those the page knows now)."""
    from lossviz.components import controls
    from lossviz.components.copy_link import copy_link

    if info is not None:
        if reset_keys is None:
            reset_keys = tuple(sorted(controls.known_keys()[0] - controls.ALWAYS_KNOWN))
        st.button(
            t("common.reset"),
            key="lossviz_reset" + suffix,
            icon=":material/restart_alt:",
            help=t("common.reset_help"),
            on_click=_reset,
            args=(reset_keys, info.state_prefix),
            width="stretch",
        )
    copy_link(key="lossviz_copy_link" + suffix)


def run(page) -> None:
    """Run the selected page, then report and drop the URL parameters it does not know.

    A ``st.rerun()`` inside the page skips the check (the next run does it); a page that ends early with
    ``st.stop()`` must use ``controls.stop()`` instead, which checks first and notes the page's URL (nothing runs after
    a stop).
    """
    from lossviz.components import controls

    page.run()  # an exception (rerun, stop, error) skips the check
    controls.check_unknown_params()
    _remember_query()


# ----------------------------------------------------------------------------------------- "what this shows"
_VISIT = "_lossviz_visit"  # {"page": url_path, "n": visit number}: a visit is a stay on one page
_EXPLAINED = "_lossviz_explained"  # {page_key: the visit in which its explanation was first shown}


def _start_visit(url_path: str) -> None:
    visit = st.session_state.get(_VISIT)
    if not visit or visit["page"] != url_path:
        st.session_state[_VISIT] = {"page": url_path, "n": (visit["n"] + 1) if visit else 1}


def explanation(page_key: str, title: str | None = None, **kwargs):
    """The "what this shows" expander of a page (or of one section: ``page_key`` such as ``"cls_focal"``).

    Open on the user's first visit of that page in the session (and for the whole of that visit, so it does not
    snap shut on the next slider move), closed on later visits. Use as ``with shell.explanation("reg"): ...``.
    ``title`` defaults to ``t("common.explanation")``; other keyword arguments go to ``st.expander``.
    """
    visit = (st.session_state.get(_VISIT) or {"n": 0})["n"]
    seen = st.session_state.setdefault(_EXPLAINED, {})
    first = seen.setdefault(page_key, visit)
    kwargs.setdefault("icon", ":material/school:")
    return st.expander(title or t("common.explanation"), expanded=first == visit, **kwargs)

"""In a real browser: the home page renders, the language switch translates it and lands in the URL."""

import pytest
from conftest import wait_idle

from bench._live import streamlit_server
from lossviz.components import shell
from lossviz.i18n import t

pytestmark = pytest.mark.browser


def test_language_switch_goes_into_the_url_and_survives_reload(server_url, page):
    page.goto(server_url)
    wait_idle(page)
    page.get_by_role("heading", name=t("app.title", lang="en")).wait_for()
    page.locator("[data-testid=stSidebar] label").filter(has_text="zh").first.click()
    wait_idle(page)
    page.get_by_role("heading", name=t("app.title", lang="zh")).wait_for()
    assert "lang=zh" in page.url
    page.reload()
    wait_idle(page)
    page.get_by_role("heading", name=t("app.title", lang="zh")).wait_for()


def test_bad_language_in_the_url_shows_a_notice_not_a_traceback(server_url, page):
    page.goto(server_url + "/?lang=xx")
    wait_idle(page)
    page.get_by_text("lang=xx").first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0
    page.get_by_role("heading", name=t("app.title", lang="en")).wait_for()


@pytest.mark.parametrize(
    ("path", "heading_key"),
    [("regression", "reg.title"), ("iou", "iou.title"), ("classification", "cls.title")],
)
def test_deep_link_on_a_fresh_server_gets_the_app_shell(browser, path, heading_key):
    # Streamlit treats an app with a pages/ folder beside its main script as a legacy multipage app until
    # st.navigation has run once in the process; a teacher's link opened first on a freshly started server must still
    # get the shell (language switch, nav). The pages live in lossviz/pages/ so that this never happens.
    with streamlit_server() as url:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        try:
            page.goto(f"{url}/{path}?lang=zh")
            wait_idle(page)
            page.get_by_role("heading", name=t(heading_key, lang="zh")).first.wait_for()
            sidebar = page.locator("[data-testid=stSidebar]")
            sidebar.get_by_text("简体中文").wait_for()  # the language switch: the shell ran
            sidebar.get_by_text(t("nav.home", lang="zh")).first.wait_for()  # translated titles, not file names
            assert page.url.split("?")[0].endswith("/" + path)
            assert "lang=zh" in page.url
            assert page.locator("[data-testid=stException]").count() == 0
        finally:
            ctx.close()


def test_a_fragment_rerun_keeps_the_language(server_url, page):
    # A control inside a fragment reruns only the fragment (app.py, which sets the language, does not run): the
    # fragment must still speak the language of the switch, not fall back to English.
    # The C-BBL section (on the Box size page since it moved from Regression; the page shows one section at a time)
    # is a fragment with a slider.
    page.goto(f"{server_url}/boxsize?lang=zh&bs_section=dist")
    wait_idle(page)
    slider = page.locator("[data-testid=stSlider]").filter(has_text=t("reg.cbbl.t", lang="zh"))
    text_before = slider.inner_text()
    slider.locator("input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([label, before]) => [...document.querySelectorAll('[data-testid=stSlider]')]"
        ".some((s) => s.innerText.includes(label) && s.innerText !== before)",
        arg=[t("reg.cbbl.t", lang="zh"), text_before],
    )
    wait_idle(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_text(t("reg.cbbl.t", lang="zh")).first.wait_for()
    assert main.get_by_text(t("reg.cbbl.t", lang="en"), exact=True).count() == 0
    assert main.get_by_text(t("reg.cbbl.n", lang="en"), exact=True).count() == 0


# ------------------------------------------------------------------------------------------ phones (issue 14, item 5)
PHONE_PAGES = [
    "home",
    "regression",
    "iou",
    "classification",
    "simulation",
    "boxsize",
    "libra",
    "sensitivity",
]

_PHONE_CHECK = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const box = (el) => el && el.getBoundingClientRect();
  const overlap = (a, b) => a && b && a.width > 0 && b.width > 0 &&
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const clashes = [];
  for (const chart of document.querySelectorAll('.lossviz-plotly-chart')) {
    const modebar = box(chart.querySelector('.modebar'));
    const legend = box(chart.querySelector('.legend'));
    if (overlap(modebar, legend)) clashes.push(chart.querySelector('.gtitle')?.textContent || '?');
  }
  return {doc: document.documentElement.scrollWidth, inner: window.innerWidth,
          main: main ? main.scrollWidth - main.clientWidth : 0, clashes};
}"""


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_at_390_px_no_page_scrolls_sideways_and_no_toolbar_covers_a_legend(server_url, browser, path):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        pg = ctx.new_page()
        pg.goto(f"{server_url}/{path}")
        wait_idle(pg, timeout=120_000)
        charts = pg.locator(".lossviz-plotly-chart")
        for i in range(charts.count()):  # draw every chart (off-screen ones are drawn when they come near)
            charts.nth(i).scroll_into_view_if_needed()
            pg.wait_for_function(
                "(el) => el.getAttribute('aria-busy') === 'false'", arg=charts.nth(i).element_handle(), timeout=30_000
            )
            charts.nth(i).hover()  # the modebar shows on hover: measure it where the user sees it
        result = pg.evaluate(_PHONE_CHECK)
        assert result["doc"] <= result["inner"], result
        assert result["main"] <= 0, result
        assert result["clashes"] == [], result
        assert pg.locator("[data-testid=stException]").count() == 0
    finally:
        ctx.close()


# ------------------------------------------------------------------ page actions on a phone (issue 14, item 4)
ROW = ".st-key-lossviz_phone_actions"


def _visible(loc) -> int:
    return sum(loc.nth(i).is_visible() for i in range(loc.count()))


def test_at_390_px_reset_and_copy_link_work_from_the_main_area_without_opening_the_sidebar(server_url, browser):
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        permissions=["clipboard-read", "clipboard-write"],
    )  # fmt: skip
    try:
        pg = ctx.new_page()
        pg.goto(f"{server_url}/regression?reg_alpha=0.8&reg_gamma=2")
        wait_idle(pg, timeout=120_000)
        sidebar_reset = pg.locator("[data-testid=stSidebar]").get_by_role("button", name=t("common.reset"))
        box = sidebar_reset.bounding_box()  # the sidebar is collapsed on a phone: its buttons lie off the screen
        assert box is None or box["x"] + box["width"] <= 0 or box["x"] >= 390, box
        row = pg.locator(ROW)
        reset = row.get_by_role("button", name=t("common.reset"))
        copy = row.get_by_role("button", name=t("common.copy_link_aria"))
        assert reset.is_visible() and copy.is_visible()
        assert reset.bounding_box()["y"] < 844  # at the top: no scrolling to find them
        assert pg.locator(".st-key-reg_alpha input[type=range]").input_value() == "0.8"
        # Copy link from the keyboard: the clipboard holds the page's URL with its parameters.
        copy.focus()
        pg.keyboard.press("Enter")
        row.get_by_role("status").filter(has_text=t("common.link_copied")).wait_for()
        # said once on screen (the button); the status line speaks only to screen readers then
        said = [
            e
            for e in row.get_by_text(t("common.link_copied")).all()
            if (e.bounding_box() or {"height": 0})["height"] > 2
        ]
        assert len(said) == 1, len(said)
        copied = pg.evaluate("navigator.clipboard.readText()")
        assert "reg_alpha=0.8" in copied and copied == pg.url
        # Reset from the keyboard: the parameters leave the URL and the sliders go back to their defaults.
        reset.focus()
        pg.keyboard.press("Enter")
        pg.wait_for_function("() => !location.search.includes('reg_alpha')")
        wait_idle(pg)
        pg.wait_for_function("() => document.querySelector('.st-key-reg_alpha input[type=range]')?.value === '0.5'")
        assert "reg_gamma" not in pg.url
        assert pg.locator("[data-testid=stException]").count() == 0
    finally:
        ctx.close()


def test_at_1440_px_the_page_actions_are_shown_once_in_the_sidebar(server_url, browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        pg = ctx.new_page()
        pg.goto(f"{server_url}/regression?reg_alpha=0.8")
        wait_idle(pg, timeout=120_000)
        pg.locator("[data-testid=stSidebar]").get_by_role("button", name=t("common.reset")).wait_for()
        pg.locator("[data-testid=stSidebar]").get_by_role("button", name=t("common.copy_link_aria")).wait_for()
        assert _visible(pg.get_by_role("button", name=t("common.reset"))) == 1
        assert _visible(pg.get_by_role("button", name=t("common.copy_link_aria"))) == 1
        assert pg.locator("[data-testid=stSidebar]").get_by_role("button", name=t("common.reset")).is_visible()
        assert not pg.locator(ROW).is_visible()
        # Not reachable by Tab either: no focusable element of the hidden row takes focus.
        focusable = pg.evaluate(
            f"() => [...document.querySelectorAll('{ROW} button')].filter((b) => b.offsetParent !== null).length"
        )
        assert focusable == 0
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/home?lang=zh", t("app.title", lang="zh")),  # the default page's own name: Streamlit serves it at "/" only
        ("/Box-Size?lang=zh&bs_section=nwd", t("bs.title", lang="zh")),  # a title typed as a path
        ("/iou-family?lang=zh", t("iou.title", lang="zh")),
    ],
)
def test_an_alias_of_a_page_opens_it_with_its_parameters_and_no_dialog(server_url, page, path, heading):
    page.goto(server_url + path)
    wait_idle(page)
    page.get_by_role("heading", name=heading).first.wait_for()
    assert page.locator("[role=dialog]").count() == 0
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.url.endswith(path)  # the parameters are kept (and the address stays as typed)
    page.locator("[data-testid=stSidebar]").get_by_text("简体中文").wait_for()


def test_an_unknown_path_gets_our_notice_with_links_to_every_page_not_a_dialog(server_url, page):
    page.goto(server_url + "/nope?lang=zh")
    wait_idle(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_text(t("nav.not_found", lang="zh", path="nope").replace("`", "")[:10]).first.wait_for()
    assert page.locator("[role=dialog]").count() == 0
    assert main.get_by_role("link").count() >= 1 + len(shell._PRESENT)
    main.get_by_role("link", name=t("nav.regression", lang="zh")).click()
    page.get_by_role("heading", name=t("reg.title", lang="zh")).first.wait_for()
    assert "/regression" in page.url and "lang=zh" in page.url


def _first_slider_text(page) -> str:
    return page.locator("[data-testid=stMain] [data-testid=stSlider]").first.inner_text()


def _move_a_slider_leave_and_come_back(page, url: str, lang: str, prefix: str, title_key: str) -> tuple[str, str]:
    """Move the page's first slider by keyboard, go to IoU via the sidebar, press Back: (URL, slider text) as set."""
    page.goto(url)
    wait_idle(page)
    default = _first_slider_text(page)
    page.locator("[data-testid=stMain] [data-testid=stSlider] input[type=range]").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"location.search.includes('{prefix}')")  # the moved slider is in the URL
    wait_idle(page)
    page.wait_for_timeout(500)
    wait_idle(page)
    set_url, set_text = page.url, _first_slider_text(page)
    assert set_text != default
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=t("nav.iou", lang=lang)).click()
    page.get_by_role("heading", name=t("iou.title", lang=lang)).first.wait_for()
    wait_idle(page)
    page.go_back()
    page.get_by_role("heading", name=t(title_key, lang=lang)).first.wait_for()
    page.wait_for_function(f"location.search.includes('{prefix}')", timeout=30_000)
    wait_idle(page)
    return set_url, set_text


def test_back_and_forward_return_to_the_settings_and_url_one_had(server_url, page):
    # A fresh user set a control on Regression, went to IoU via the sidebar and pressed Back: Regression came back
    # with no URL parameters and default settings (Streamlit pushes a bare /regression entry on the way out).
    set_url, set_text = _move_a_slider_leave_and_come_back(
        page, server_url + "/regression?lang=zh", "zh", "reg_", "reg.title"
    )
    assert _first_slider_text(page) == set_text
    assert page.url == set_url
    for _ in range(3):  # Forward to IoU (past Streamlit's extra entry, which now has the settings too)
        if "/iou" in page.url:
            break
        page.go_forward()
        wait_idle(page)
    page.get_by_role("heading", name=t("iou.title", lang="zh")).first.wait_for()
    page.go_back()
    wait_idle(page)
    assert _first_slider_text(page) == set_text and page.url == set_url


def test_back_restores_a_control_moved_inside_a_fragment(server_url, page):
    # A fresh user moved Classification's γ (a slider in a fragment: its rerun skips the shell), went to IoU via the
    # sidebar and pressed Back: γ was at its default (the moved value had never been noted, and the shell's own
    # controls noted the next page's bare URL over it).
    set_url, set_text = _move_a_slider_leave_and_come_back(
        page, server_url + "/classification", "en", "cls_gamma", "cls.title"
    )
    assert _first_slider_text(page) == set_text
    assert page.url == set_url


def test_in_chinese_the_document_language_placeholders_and_uploader_help_are_chinese(server_url, page):
    # Streamlit leaves <html lang="en">, shows "Choose an option" in every select, and its uploader says "Upload",
    # "Drag and drop" and "Limit 100MB per file" in English only (1.67 offers no way to translate them): our own
    # caption under the uploader says the same in Chinese.
    page.goto(server_url + "/sensitivity?lang=zh")
    wait_idle(page)
    page.wait_for_function("document.documentElement.lang === 'zh-Hans'")  # the script runs once it is shown
    main = page.locator("[data-testid=stMain]")
    main.locator("input[placeholder]").first.wait_for()
    placeholders = main.locator("input[placeholder]").evaluate_all("els => els.map((e) => e.placeholder)")
    assert placeholders and t("common.choose", lang="en") not in placeholders, placeholders
    assert t("common.choose", lang="zh") in placeholders
    note = t("common.upload_note", lang="zh", mb=100, types="JSON")
    main.get_by_text(note).wait_for()
    page.goto(server_url + "/sensitivity?lang=en")
    wait_idle(page)
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert main.get_by_text(t("common.upload_note", lang="en", mb=100, types="JSON")).count() == 0


def test_in_chinese_the_chart_toolbar_speaks_chinese(server_url, page):
    # A fresh user found the toolbar's tooltips ("Zoom", "Pan", "Reset axes") in English on a Chinese page.
    page.goto(server_url + "/regression?lang=zh")
    wait_idle(page)
    chart = page.locator(".lossviz-plotly-chart").first
    chart.wait_for()
    chart.hover()
    buttons = chart.locator(".modebar-btn")
    buttons.first.wait_for(state="attached")
    titles = {buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())}
    assert {"缩放", "平移", "重置坐标轴", t("common.download_png", lang="zh")} <= titles, titles


def test_back_restores_a_url_bound_expander_toggled_inside_a_fragment(server_url, page):
    """QA (issue 15 review): on IoU, the loss table (a URL-bound expander inside the box pane's fragment) closed,
    a coordinate typed, the table opened again, then Libra and Back: the table came back closed. A fragment's run
    skips the shell, and only controls noted the page's URL; every page fragment (``shell.fragment``) notes it now."""
    page.goto(server_url + "/iou")
    wait_idle(page)
    table = page.locator("[data-testid=stMain] [data-testid=stTable]")
    table.first.wait_for()
    summary = page.locator("[data-testid=stExpander] summary").filter(has_text=t("iou.table.title"))
    summary.click()
    page.wait_for_function("location.search.includes('iou_table_open=false')")
    wait_idle(page)
    page.locator("[data-testid=stExpander] summary").filter(has_text=t("iou.coords")).click()
    y2 = page.locator(".st-key-iou_py2 input")
    y2.fill("60")
    y2.press("Enter")
    page.wait_for_function("location.search.includes('iou_py2=60')")
    wait_idle(page)
    summary.click()  # open the table again: its parameter leaves the URL (open is the default)
    page.wait_for_function("!location.search.includes('iou_table_open')")
    table.first.wait_for()
    wait_idle(page)
    page.wait_for_timeout(300)
    set_url = page.url
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=t("nav.libra")).click()
    page.get_by_role("heading", name=t("libra.title")).first.wait_for()
    wait_idle(page)
    page.go_back()
    page.get_by_role("heading", name=t("iou.title")).first.wait_for()
    page.wait_for_function("location.search.includes('iou_py2=60')", timeout=30_000)
    wait_idle(page)
    table.first.wait_for(timeout=30_000)
    assert "iou_table_open" not in page.url and page.url == set_url

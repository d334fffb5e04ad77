"""deploy/: the shipped haproxy config, Compose file and Kubernetes manifests, and the sticky-replica pattern run
for real: lossviz replicas (``streamlit run app.py``) behind Debian's haproxy, one killed mid-run."""

from __future__ import annotations

import asyncio
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml

from bench._live import wait_idle
from bench.cluster import COOKIE, HAPROXY, Cluster, render_haproxy
from bench.loadgen import TARGETS, drive, run_async

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HEALTH = "/_stcore/health"


def _haproxy() -> str:
    if not Path(HAPROXY).exists():
        pytest.fail(f"haproxy not found at {HAPROXY}: `make test` installs Debian's haproxy package")
    return HAPROXY


def _render_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("render_haproxy", DEPLOY / "render_haproxy.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------------------------------------ static checks


def test_shipped_haproxy_cfg_is_the_rendered_template_and_valid(tmp_path):
    """deploy/haproxy.cfg is exactly the template the cluster test runs, rendered for Compose; haproxy accepts both."""
    assert (DEPLOY / "haproxy.cfg").read_text() == _render_module().render()
    tested = tmp_path / "tested.cfg"
    tested.write_text(render_haproxy("127.0.0.1:18080", ["127.0.0.1:18501", "127.0.0.1:18502"]))
    for cfg in (DEPLOY / "haproxy.cfg", tested):
        r = subprocess.run([_haproxy(), "-c", "-f", str(cfg)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        text = cfg.read_text()
        assert f"option httpchk GET {HEALTH}" in text
        assert f"cookie {COOKIE} insert" in text
        assert "option redispatch" in text
        assert "timeout tunnel 1h" in text  # an open websocket is not cut after the default 50 s idle


def test_compose_runs_replicas_of_the_image_behind_the_sticky_proxy():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    app, proxy = compose["services"]["app"], compose["services"]["proxy"]
    assert app["build"]["context"] == ".."
    assert (DEPLOY / app["build"]["context"] / "Dockerfile").exists()
    assert app["deploy"]["replicas"] >= 2
    assert app["deploy"]["replicas"] <= _render_module().COMPOSE_REPLICAS  # haproxy has a slot for each
    assert "8501" in [str(p) for p in app["expose"]]
    assert proxy["image"].startswith("haproxy:")
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in proxy["volumes"]
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert "server-template app" in (DEPLOY / "haproxy.cfg").read_text()
    assert "bind :8080" in (DEPLOY / "haproxy.cfg").read_text() and "8080:8080" in proxy["ports"]


def test_k8s_deployment_probes_service_and_ingress_affinity():
    dep = yaml.safe_load((DEPLOY / "k8s" / "deployment.yaml").read_text())
    svc = yaml.safe_load((DEPLOY / "k8s" / "service.yaml").read_text())
    ing = yaml.safe_load((DEPLOY / "k8s" / "ingress.yaml").read_text())
    assert dep["kind"] == "Deployment" and dep["spec"]["replicas"] >= 2
    labels = dep["spec"]["template"]["metadata"]["labels"]
    assert dep["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    assert container["image"].split("/")[-1].startswith("lossviz:")
    assert container["ports"][0]["containerPort"] == 8501
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == HEALTH, probe
    assert dep["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    assert svc["kind"] == "Service" and svc["spec"]["selector"].items() <= labels.items()
    assert svc["spec"]["ports"][0]["targetPort"] == "http"
    assert ing["kind"] == "Ingress" and ing["spec"]["ingressClassName"] == "nginx"
    notes = ing["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"] == COOKIE
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"]


# ------------------------------------------------------------------------------------------------ live


@pytest.fixture(scope="module")
def cluster():
    _haproxy()
    with Cluster(3) as c:
        for s in c.servers:  # a cold replica imports torch and the page on its first run: warm each one directly
            run_async(drive(s.url, TARGETS["regression"], 1, 1.0, think=(0.2, 0.2), patience=60))
        yield c


def test_replica_killed_mid_run_sessions_reconnect_and_others_keep_serving(cluster):
    """Sessions through haproxy spread over the replicas; the busiest one is killed; its sessions reconnect to the
    others through the proxy (a new cookie), everyone keeps getting reruns, and nobody sees a traceback."""
    target = TARGETS["regression"]
    killed = {}

    async def kill_busiest(tally):
        while len(tally.cookies) < 6:  # every session has loaded its page
            await asyncio.sleep(0.2)
        await asyncio.sleep(3.0)
        counts = {}
        for c in tally.cookies:
            counts[c] = counts.get(c, 0) + 1
        cookie = max(counts, key=counts.get)
        victim = cluster.replica(cookie)
        victim.kill()
        killed.update(cookie=cookie, at=time.monotonic(), sessions=counts[cookie], before=len(tally.cookies))

    tally = run_async(drive(cluster.url, target, 6, 24.0, think=(0.5, 1.0), patience=20, during=kill_busiest))
    first = tally.cookies[: killed["before"]]
    assert len(set(first)) >= 2, f"the proxy did not spread the sessions: {first}"
    assert tally.errors["exception"] == 0, tally.exceptions
    assert tally.errors["disconnect"] >= killed["sessions"]  # each session on the killed replica noticed
    assert set(tally.errors) <= {"disconnect", "connect", "exception", "timeout"}
    again = tally.cookies[killed["before"] :]
    assert len(again) >= killed["sessions"], "the killed replica's sessions did not reconnect"
    assert killed["cookie"] not in again  # haproxy sent them to live replicas and re-stamped the cookie
    after = [t for t in tally.done_at if t > killed["at"] + 1.0]
    assert len(after) >= 6, "the remaining replicas stopped serving"


def test_browser_gets_its_view_back_from_the_url_after_its_replica_dies(cluster, browser):
    """Chromium on /regression?reg_alpha=1.25 through haproxy; its replica is killed; it reconnects to another one
    (Streamlit's own reconnection) and shows α = 1.25 again; a reload gives the same view from the URL alone."""
    alive = [s for s in cluster.servers if s.alive()]
    assert len(alive) >= 2, "the cluster needs two live replicas"
    url = f"{cluster.url}/regression?{urllib.parse.urlencode({'reg_alpha': '1.25'})}"
    # α's thumb shows 1.25 (no other default is 1.25)
    shows = (
        "() => [...document.querySelectorAll('[data-testid=stSliderThumbValue]')].some(e => e.textContent === '1.25')"
    )
    # the suite's one Chromium (a second sync_playwright() in the same process is refused once one runs)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url)
        wait_idle(page, timeout=60_000)
        page.wait_for_function(shows, timeout=30_000)
        cookie = {c["name"]: c["value"] for c in page.context.cookies()}[COOKIE]
        victim = cluster.replica(f"{COOKIE}={cookie}")
        victim.kill()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = {c["name"]: c["value"] for c in page.context.cookies()}.get(COOKIE)
            if now and now != cookie:
                break
            page.wait_for_timeout(500)
        assert now != cookie, "the browser did not reconnect to another replica"
        wait_idle(page, timeout=60_000)
        page.wait_for_function(shows, timeout=30_000)
        assert page.locator("[data-testid=stException]").count() == 0
        page.reload()
        wait_idle(page, timeout=60_000)
        page.wait_for_function(shows, timeout=30_000)
        assert page.locator("[data-testid=stException]").count() == 0
    finally:
        context.close()


def test_readme_documents_the_deployment_that_ships():
    """The README's deployment commands name files that exist, and `make test` installs haproxy as it does chromium."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in ("deploy/compose.yaml", "deploy/haproxy.cfg.in", "deploy/render_haproxy.py", "deploy/k8s/"):
        assert path in readme, path
        assert (ROOT / path).exists(), path
    assert "python -m bench.loadgen" in readme and (ROOT / "bench" / "loadgen.py").exists()
    makefile = (ROOT / "Makefile").read_text()
    assert "apt-get install -y -qq haproxy" in makefile
    test_line = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert "haproxy" in test_line.split()

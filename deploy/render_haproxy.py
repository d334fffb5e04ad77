"""Render deploy/haproxy.cfg.in: the Compose config (checked in as deploy/haproxy.cfg) or one for explicit servers.

python deploy/render_haproxy.py > deploy/haproxy.cfg          # Compose: `app` replicas found through Docker's DNS
python deploy/render_haproxy.py --bind 127.0.0.1:8080 --server 127.0.0.1:8501 --server 127.0.0.1:8502
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("haproxy.cfg.in")
COMPOSE_REPLICAS = 3  # server slots; Compose may run fewer (empty slots stay down) or scale up to this many

# In Compose every replica of service `app` answers to the DNS name `app`: a server-template fills the slots from it.
COMPOSE_RESOLVERS = "\nresolvers docker\n    nameserver dns 127.0.0.11:53\n    hold valid 5s\n"
COMPOSE_SERVERS = f"    server-template app {COMPOSE_REPLICAS} app:8501 resolvers docker init-addr none\n"


def render(bind: str = ":8080", servers: list[str] | None = None) -> str:
    """The config: ``servers`` as ``host:port`` (named app1, app2, ...), or Compose's DNS template when None."""
    if servers is None:
        resolvers, lines = COMPOSE_RESOLVERS, COMPOSE_SERVERS
    else:
        resolvers = ""
        lines = "".join(f"    server app{i} {s} cookie app{i}\n" for i, s in enumerate(servers, 1))
    return TEMPLATE.read_text().format(bind=bind, servers=lines.rstrip("\n"), resolvers=resolvers.rstrip("\n"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bind", default=":8080")
    p.add_argument("--server", action="append", help="host:port of a replica (repeat); default: Compose's `app`")
    a = p.parse_args(argv)
    sys.stdout.write(render(a.bind, a.server))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

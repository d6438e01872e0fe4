"""/healthz and /metrics on a port of their own (long polling; webhook mode serves them beside the webhook).

The whole path, ``sesame-advisor run`` polling with ``SESAME_METRICS_PORT``, is scraped in
``test_end_to_end.py``; here, what the server does at its edges.
"""

import socket

import httpx
import pytest

from bot.config import MetricsServer
from bot.metrics import Metrics
from bot.monitoring import serving


async def test_serves_both_routes_while_the_block_runs_and_frees_the_port_after(bot):
    metrics = Metrics()
    metrics.reminders.labels("sent").inc(2)
    async with serving(bot.application, metrics, MetricsServer("127.0.0.1", 0)) as port:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.get("/healthz")).text == "ok"
            scraped = await http.get("/metrics")
            assert scraped.headers["content-type"].startswith("text/plain")
            assert 'sesame_reminders_total{outcome="sent"} 2.0' in scraped.text
            assert (await http.post("/metrics")).status_code == 405
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


async def test_a_port_in_use_fails_at_once_and_no_address_serves_nothing(bot):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            async with serving(bot.application, Metrics(), MetricsServer("127.0.0.1", taken.getsockname()[1])):
                pass
    async with serving(bot.application, Metrics(), None) as port:
        assert port is None

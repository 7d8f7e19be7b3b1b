"""Record-service benchmark: publish latency (20-variant report) and read throughput (20 clients).

    .venv/bin/python -m benchmarks.service_bench [--publishes 40] [--reads-per-client 25] [--clients 20]
                                                 [--backends sqlite,postgres] [--json out.json]

Run it from the repository root (``-m``, or ``PYTHONPATH=.``): it imports the test helpers as
``tests.support.*`` (synthetic findings, a temporary PostgreSQL).

Runs a real uvicorn server on 127.0.0.1 for each backend (SQLite WAL file; PostgreSQL 15 started from
Debian's binaries in a temporary directory), registers fake 999-range patients, then:
  publish: sequential POST /fhir of distinct 20-variant Bundles (each with a PDF), latency p50/p95;
  read:    N clients in threads, each GET /fhir/DiagnosticReport/{id} in a loop; total reads / wall time.
Every request is also audited (HMAC-chained, with signed checkpoints every 100 events), as in production.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from clinwgs.fhir import build_report_bundle
from clinwgs.service.main import start_background
from clinwgs.service.settings import Settings
from tests.support.pgtemp import postgres_server
from tests.support.synthetic import example_findings

PDF = b"%PDF-1.4\n" + b"0" * 60_000  # a report-sized attachment (~60 kB)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "postgres":
        with postgres_server() as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'records.sqlite3'}"


def bench_backend(backend: str, publishes: int, clients: int, reads_per_client: int) -> dict[str, Any]:
    with database(backend) as url:
        samples = [f"SBENCH{i:05d}" for i in range(publishes)]
        data_dir = Path(tempfile.mkdtemp(prefix="clinwgs-bench-"))  # audit key checkpoints live here
        settings = Settings(
            environment="test", database_url=url, data_dir=data_dir, audit_key=secrets.token_hex(32)
        )
        live = start_background(port=0, settings=settings, seed_sample_ids=samples)
        try:
            pipeline = {"Authorization": f"Bearer {live.tokens['pipeline']}"}
            bundles = [build_report_bundle(example_findings(s, 20), PDF, "ab" * 32) for s in samples]
            latencies, report_ids = [], []
            with httpx.Client(base_url=live.url, timeout=60) as client:
                client.get("/fhir/DiagnosticReport", headers=pipeline)  # warm-up (connection, caches)
                for bundle in bundles:
                    start = time.perf_counter()
                    response = client.post("/fhir", json=bundle, headers=pipeline)
                    latencies.append(time.perf_counter() - start)
                    assert response.status_code == 201, response.text
                    report_ids.append(response.json()["report_id"])
            reader = {"Authorization": f"Bearer {live.tokens['dr.checker']}"}
            barrier = threading.Barrier(clients)

            def read_loop(index: int) -> int:
                with httpx.Client(base_url=live.url, timeout=60) as client:
                    barrier.wait()
                    for k in range(reads_per_client):
                        rid = report_ids[(index + k) % len(report_ids)]
                        assert client.get(f"/fhir/DiagnosticReport/{rid}", headers=reader).status_code == 200
                return reads_per_client

            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=clients) as pool:
                total = sum(pool.map(read_loop, range(clients)))
            wall = time.perf_counter() - start
        finally:
            live.stop()
            shutil.rmtree(data_dir, ignore_errors=True)
    return {
        "backend": backend,
        "publishes": publishes,
        "publish_p50_ms": round(1000 * statistics.median(latencies), 1),
        "publish_p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "bundle_kb": round(len(json.dumps(bundles[0])) / 1024, 1),
        "read_clients": clients,
        "reads": total,
        "read_wall_s": round(wall, 2),
        "reads_per_s": round(total / wall, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publishes", type=int, default=40)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--reads-per-client", type=int, default=25)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = [
        bench_backend(b, args.publishes, args.clients, args.reads_per_client)
        for b in args.backends.split(",")
    ]
    for r in results:
        print(
            f"{r['backend']:>9}: publish p50 {r['publish_p50_ms']} ms, p95 {r['publish_p95_ms']} ms "
            f"({r['publishes']} x 20-variant bundle, {r['bundle_kb']} kB); read {r['reads_per_s']} req/s "
            f"({r['reads']} reads, {r['read_clients']} clients, {r['read_wall_s']} s)"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

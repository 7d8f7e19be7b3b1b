"""``clinwgs serve`` as a real process: demo seeding, token creation, production refusing default secrets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.service.service_support import dead_url

CLINWGS = str(Path(sys.executable).parent / "clinwgs")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINWGS_") and k != "DATABASE_URL"}
    return {**env, "CLINWGS_DATA_DIR": str(tmp_path / "data"), **extra}


def test_serve_seeds_demo_patients_and_answers(tmp_path: Path) -> None:
    url = dead_url()
    port = url.rsplit(":", 1)[1]
    proc = subprocess.Popen(
        [CLINWGS, "serve", "--port", port, "--seed-demo", "SCLI00001"],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("{"), proc.stderr.read() if proc.stderr else line
        tokens = json.loads(line)["demo_tokens"]
        assert set(tokens) == {"pipeline", "dr.checker", "dr.authoriser", "auditor"}
        answer = None
        for _ in range(600):  # up to a minute on a loaded machine
            try:
                answer = httpx.get(
                    f"{url}/fhir/DiagnosticReport",
                    headers={"Authorization": f"Bearer {tokens['dr.checker']}"},
                )
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None, "clinwgs serve never answered"
        assert answer.status_code == 200 and answer.json()["total"] == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert (tmp_path / "data" / "records.sqlite3").exists()
    created = subprocess.run(
        [CLINWGS, "serve", "create-token", "--user", "dr.new", "--role", "clinician", "--ods", "RDEMO1"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0 and len(created.stdout.strip()) >= 40


def test_production_refuses_the_default_secret(tmp_path: Path) -> None:
    run = subprocess.run(
        [CLINWGS, "serve", "--port", "1"],
        env=_env(tmp_path, CLINWGS_ENVIRONMENT="production"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "CLINWGS_TOKEN_PEPPER" in run.stderr

"""Run the record service in-process: ``start_background`` for the demo and the tests, ``settings_for``
for the command line (``clinwgs serve``, whose options live in ``clinwgs.cli.serve``)."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from clinwgs.core.errors import ClinwgsError
from clinwgs.service.app import create_app
from clinwgs.service.db import Database
from clinwgs.service.seed import seed_demo
from clinwgs.service.settings import Settings

DEFAULT_PORT = 8780


@dataclass
class BackgroundService:
    """A running service in a daemon thread: ``url``, demo ``tokens`` (when seeded) and ``stop()``."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread
    db: Database
    tokens: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.db.engine.dispose()


def settings_for(database_url: str | None, data_dir: str | None) -> Settings:
    """Settings from the environment, with a database URL and data directory given on the command line."""
    overrides: dict[str, object] = {}
    if database_url:
        overrides["database_url"] = database_url
    if data_dir:
        overrides["data_dir"] = Path(data_dir)
    return Settings(**overrides)  # type: ignore[arg-type]


def start_background(
    database_url: str | None = None,
    port: int = DEFAULT_PORT,
    *,
    host: str = "127.0.0.1",
    seed_sample_ids: list[str] | None = None,
    settings: Settings | None = None,
    timeout_s: float = 30.0,
) -> BackgroundService:
    """Start the service on ``host:port`` in a thread and wait until it accepts connections."""
    settings = settings or settings_for(database_url, None)
    app = create_app(settings)
    db: Database = app.state.db
    tokens = seed_demo(db, settings.token_pepper, seed_sample_ids) if seed_sample_ids is not None else {}
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, limit_concurrency=200, backlog=512
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="clinwgs-record-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ClinwgsError(f"the record service did not start on {host}:{port} (port in use?)")
        time.sleep(0.05)
    return BackgroundService(
        url=f"http://{host}:{server.servers[0].sockets[0].getsockname()[1]}",
        server=server,
        thread=thread,
        db=db,
        tokens=tokens,
    )


def start_demo_service(
    sample_ids: list[str], data_dir: Path, port: int = DEFAULT_PORT, host: str = "127.0.0.1"
) -> BackgroundService:
    """For ``clinwgs demo``: the service on ``host:port`` (SQLite under ``data_dir``) with a fake
    999-range patient registered per sample ID; exports CLINWGS_SERVICE_TOKEN (pipeline) for the
    publish rule, whose default URL is this port. Call ``.stop()`` when the workflow has finished."""
    settings = Settings(environment="dev", data_dir=data_dir)
    handle = start_background(port=port, host=host, settings=settings, seed_sample_ids=sample_ids)
    os.environ["CLINWGS_SERVICE_TOKEN"] = handle.tokens["pipeline"]
    return handle


def demo_links(handle: BackgroundService, results: Path, sample_ids: list[str]) -> list[str]:
    """One line per sample: its report page, or why it was not published (from the publish receipt)."""
    lines = []
    for sample in sample_ids:
        receipt_path = results / sample / "publish" / "receipt.json"
        receipt = json.loads(receipt_path.read_text()) if receipt_path.is_file() else {}
        if receipt.get("published"):
            lines.append(f"  {sample}: {handle.url}/ui/reports/{receipt['report_id']}")
        else:
            lines.append(f"  {sample}: not published ({receipt.get('error', 'no receipt')})")
    lines.append(
        f"  sign in at {handle.url}/ui/login (then the worklist, {handle.url}/ui/) with a clinician token: "
        + ", ".join(f"{user}={token}" for user, token in handle.tokens.items() if user.startswith("dr."))
    )
    return lines

"""``clinwgs serve``: run the record service; ``start_background`` for the demo and the tests.

clinwgs serve [--host 127.0.0.1] [--port 8780] [--database-url URL] [--data-dir DIR]
              [--seed-demo SAMPLE_ID ...]
clinwgs serve token create --user NAME --role pipeline|clinician|auditor --ods CODE [--days N]
clinwgs serve token revoke --user NAME | --id N | --token-stdin
clinwgs serve token list
(each with [--database-url URL] [--data-dir DIR]; ``create-token`` is the older spelling of ``token create``)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import uvicorn

from clinwgs.core.errors import ClinwgsError
from clinwgs.ops.turnaround import aware_utc
from clinwgs.service.app import create_app
from clinwgs.service.auth import ROLES, create_token, list_tokens, revoke_tokens
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


def _settings(database_url: str | None, data_dir: str | None) -> Settings:
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
    settings = settings or _settings(database_url, None)
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


def _token_parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"clinwgs serve token {command}")
    parser.add_argument("--database-url")
    parser.add_argument("--data-dir")
    return parser


def _create_token_cli(argv: list[str]) -> int:
    parser = _token_parser("create")
    parser.add_argument("--user", required=True)
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--ods", required=True, help="ODS code of the user's organisation")
    parser.add_argument("--days", type=int, help="days until it expires (default CLINWGS_TOKEN_TTL_DAYS, 90)")
    args = parser.parse_args(argv)
    settings = _settings(args.database_url, args.data_dir)
    days = args.days if args.days is not None else settings.token_ttl_days
    if not 1 <= days <= 3650:
        raise ClinwgsError(f"--days {days}: a token lives from 1 to 3650 days")
    app = create_app(settings)
    with app.state.db.write() as session:
        token = create_token(
            session,
            user=args.user,
            role=args.role,
            ods_code=args.ods,
            pepper=settings.token_pepper,
            ttl_days=days,
        )
    print(token)
    return 0


def _revoke_token_cli(argv: list[str]) -> int:
    parser = _token_parser("revoke")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--user", help="revoke every live token of this user")
    which.add_argument(
        "--id", type=int, help="revoke the token with this id (see `clinwgs serve token list`)"
    )
    which.add_argument(
        "--token-stdin", action="store_true", help="revoke the token read from standard input (not argv)"
    )
    args = parser.parse_args(argv)
    settings = _settings(args.database_url, args.data_dir)
    token = sys.stdin.readline().strip() if args.token_stdin else None
    if args.token_stdin and not token:
        raise ClinwgsError("--token-stdin: no token on standard input")
    app = create_app(settings)
    with app.state.db.write() as session:
        count = revoke_tokens(
            session, pepper=settings.token_pepper, token=token, user=args.user, token_id=args.id
        )
    print(f"revoked {count} token(s)")
    return 0 if count else 1


def _list_tokens_cli(argv: list[str]) -> int:
    args = _token_parser("list").parse_args(argv)
    settings = _settings(args.database_url, args.data_dir)
    app = create_app(settings)
    now = datetime.now(UTC)
    with app.state.db.read() as session:
        rows = list_tokens(session)
    print("id\tuser\trole\tods\tcreated\texpires\tstate")
    for row in rows:
        expires = aware_utc(row.expires_at)
        state = "revoked" if row.revoked_at else ("expired" if expires <= now else "live")
        created = aware_utc(row.created_at).date().isoformat()
        print(f"{row.id}\t{row.user_name}\t{row.role}\t{row.ods_code}\t{created}\t{expires.date()}\t{state}")
    return 0


TOKEN_COMMANDS = {"create": _create_token_cli, "revoke": _revoke_token_cli, "list": _list_tokens_cli}


def _token_cli(argv: list[str]) -> int:
    if not argv or argv[0] not in TOKEN_COMMANDS:
        raise ClinwgsError("usage: clinwgs serve token create|revoke|list [options] (--help on each)")
    return TOKEN_COMMANDS[argv[0]](argv[1:])


def cli_main(argv: list[str]) -> int:
    if argv[:1] == ["create-token"]:  # the older spelling of `token create`
        return _create_token_cli(argv[1:])
    if argv[:1] == ["token"]:
        return _token_cli(argv[1:])
    parser = argparse.ArgumentParser(prog="clinwgs serve", description="run the patient record service")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLINWGS_PORT", DEFAULT_PORT)))
    parser.add_argument("--database-url", help="default: $DATABASE_URL, else SQLite under --data-dir")
    parser.add_argument(
        "--data-dir", help="where the SQLite database lives (default $XDG_DATA_HOME/clinwgs/service)"
    )
    parser.add_argument(
        "--seed-demo",
        nargs="*",
        metavar="SAMPLE_ID",
        help="register fake 999-range test patients for these sample IDs and print demo tokens",
    )
    args = parser.parse_args(argv)
    settings = _settings(args.database_url, args.data_dir)
    if args.seed_demo is not None and settings.environment == "production":
        raise ClinwgsError("--seed-demo is refused when CLINWGS_ENVIRONMENT=production")
    app = create_app(settings)
    if args.seed_demo is not None:
        tokens = seed_demo(app.state.db, settings.token_pepper, args.seed_demo)
        print(json.dumps({"demo_tokens": tokens}), flush=True)  # one line: easy for scripts to read
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0

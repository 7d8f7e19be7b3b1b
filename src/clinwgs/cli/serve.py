"""``clinwgs serve``: run the patient record service, and manage its API tokens.

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
from datetime import UTC, datetime

import uvicorn

from clinwgs.core.errors import ClinwgsError
from clinwgs.ops.turnaround import aware_utc
from clinwgs.service.app import create_app
from clinwgs.service.auth import ROLES, create_token, list_tokens, revoke_tokens
from clinwgs.service.main import DEFAULT_PORT, settings_for
from clinwgs.service.seed import seed_demo


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
    settings = settings_for(args.database_url, args.data_dir)
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
    settings = settings_for(args.database_url, args.data_dir)
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
    settings = settings_for(args.database_url, args.data_dir)
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


def main(argv: list[str]) -> int:
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
    settings = settings_for(args.database_url, args.data_dir)
    if args.seed_demo is not None and settings.environment == "production":
        raise ClinwgsError("--seed-demo is refused when CLINWGS_ENVIRONMENT=production")
    app = create_app(settings)
    if args.seed_demo is not None:
        tokens = seed_demo(app.state.db, settings.token_pepper, args.seed_demo)
        print(json.dumps({"demo_tokens": tokens}), flush=True)  # one line: easy for scripts to read
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0

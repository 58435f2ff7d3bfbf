"""With DEBUG on and no DATABASE_URL, Harbour starts its own PostgreSQL and migrates it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_embedded_database_starts_and_migrates(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DEBUG": "true", "EMBEDDED_DB_DIR": str(tmp_path / "pg")})

    def run(*args):
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    try:
        migrate = run("manage.py", "migrate", "--no-input")
        assert migrate.returncode == 0, migrate.stderr
        probe = run(
            "manage.py",
            "shell",
            "-c",
            "from django.db import connection as c; from django.contrib.auth.models import Group;"
            "cur = c.cursor(); cur.execute(\"select count(*) from pg_available_extensions where name='pg_trgm'\");"
            "print(c.vendor, c.settings_dict['NAME'], cur.fetchone()[0], Group.objects.count())",
        )
        assert probe.returncode == 0, probe.stderr
        assert probe.stdout.strip().splitlines()[-1].split() == ["postgresql", "harbour", "1", "8"]
    finally:
        stopped = run("-m", "config.embedded_db", "stop")
        assert stopped.stdout.strip() == "stopped", stopped.stderr

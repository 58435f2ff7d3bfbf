"""Development-only secrets, generated once into .data/ (git-ignored).

With DEBUG on and no SECRET_KEY or FIELD_ENCRYPTION_KEYS in the environment, settings.py
takes them from here so `make run` works on a fresh clone without any secret being
committed. Production never reaches this module: a missing secret stops start-up.
"""

import json
import secrets
from pathlib import Path


def load(path: Path) -> dict[str, str]:
    if path.exists():
        return json.loads(path.read_text())
    from cryptography.fernet import Fernet

    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values

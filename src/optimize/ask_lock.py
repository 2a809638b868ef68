"""A lock the processes sharing an Optuna study take around each ask (optuna_bridge.py).

Why: an ask counts the study's trials and adds one while the study is not full. Two processes
asking at once both found room for one more trial and both added one. The study overran; and the
ranking that then withdrew a trial past the end could withdraw both processes' trials, each because
of the other's, leaving the study one short (a walk-forward fold then waited for a trial nobody
would ask). Asks taken one at a time count exactly, so nothing is withdrawn for rank.

PostgreSQL: a session advisory lock on the lock's own connection (released if the process
dies). SQLite: an exclusive flock on a file beside the database. Other storages are refused.
"""
import fcntl
import hashlib

import sqlalchemy
from sqlalchemy.pool import NullPool


class NoLock:
    """A study in this process's memory: nobody else asks."""

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False

    def close(self):
        pass


class PostgresLock(NoLock):
    def __init__(self, url, study):
        self.key = int.from_bytes(hashlib.sha256(f"lockstep ask {study}".encode()).digest()[:8], "big", signed=True)
        self.engine = sqlalchemy.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.conn = self.engine.connect()

    def __enter__(self):
        self.conn.execute(sqlalchemy.text("SELECT pg_advisory_lock(:k)"), {"k": self.key})
        return self

    def __exit__(self, *_exc):
        self.conn.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        return False

    def close(self):
        self.conn.close()
        self.engine.dispose()


class FileLock(NoLock):
    def __init__(self, path):
        self.file = open(path, "a")

    def __enter__(self):
        fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *_exc):
        fcntl.flock(self.file, fcntl.LOCK_UN)
        return False

    def close(self):
        self.file.close()


def ask_lock(storage, study):
    """The lock for `study` on `storage` (an Optuna storage URL, or None for a study in memory)."""
    if storage is None:
        return NoLock()
    url = sqlalchemy.engine.make_url(storage)
    backend = url.get_backend_name()
    if backend == "postgresql":
        return PostgresLock(storage, study)
    if backend == "sqlite":
        return FileLock(f"{url.database}.ask-lock") if url.database not in (None, "", ":memory:") else NoLock()
    raise ValueError(f"a shared study needs a postgresql:// or sqlite:/// storage (its asks are taken one at a time through it), not {backend}://")

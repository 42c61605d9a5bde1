"""A PgBouncer of a test's own, in transaction mode with the settings of
deploy/pgbouncer.ini (what production includes), in front of the suite's PostgreSQL: a
test can restart it under running servers.

CI installs PgBouncer (.ci/run); elsewhere a test using it skips when it is missing.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.storage import free_port

ROOT = Path(__file__).resolve().parents[1]
POOL_SETTINGS = ROOT / "deploy" / "pgbouncer.ini"


def pgbouncer_binary() -> str | None:
    return shutil.which("pgbouncer") or next(
        (path for path in ("/usr/sbin/pgbouncer",) if os.access(path, os.X_OK)), None
    )


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PgBouncer:
    """``with PgBouncer(host, port) as pooler:`` listens on ``pooler.port``; ``restart()``
    stops it (every client and server connection drops) and starts it again."""

    def __init__(self, server_host: str, server_port: int):
        self.binary = pgbouncer_binary()
        if self.binary is None:
            raise FileNotFoundError("pgbouncer")
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="bigpicture-pgbouncer-"))
        self.config = self.folder / "pgbouncer.ini"
        users = self.folder / "userlist.txt"
        users.write_text('"postgres" ""\n')
        self.config.write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host={server_host or '127.0.0.1'} port={server_port or 5432}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {users}",
                    f"logfile = {self.folder / 'pgbouncer.log'}",
                    f"%include {POOL_SETTINGS}",
                    "",
                ]
            )
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def start(self) -> None:
        command = [self.binary, str(self.config)]
        if os.geteuid() == 0:  # PgBouncer will not run as root
            shutil.chown(self.folder, "postgres")
            for path in self.folder.iterdir():
                shutil.chown(path, "postgres")
            command[1:1] = ["-u", "postgres"]
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while not _answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PgBouncer did not start: {self.log()[-2000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        # SIGTERM is PgBouncer's immediate shutdown: every connection drops, as in a crash
        # or a restart (SIGINT would wait for the clients to leave).
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        path = self.folder / "pgbouncer.log"
        return path.read_text() if path.exists() else ""

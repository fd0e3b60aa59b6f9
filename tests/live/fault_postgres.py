"""A PostgreSQL cluster of the test's own, which the test may stop and start under a running app.

Not the suite's cluster (`make test-postgres` shares one between every test): this one is started
for one test module on a free loopback port, in a directory of its own, and removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.live.harness import ROOT, free_port

SCRIPT = str(ROOT / "scripts" / "pg-test-cluster")


def postgres_installed() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))


@dataclass
class Cluster:
    directory: str
    port: int
    url: str

    def _run(self, action: str) -> None:
        subprocess.run([SCRIPT, action, self.directory, str(self.port)], check=True, capture_output=True)

    def pause(self) -> None:
        """Stop the server (pg_ctl stop -m fast: every connection is cut), keeping its data."""
        self._run("pause")

    def resume(self) -> None:
        """Start it again on the same port and data; returns once it accepts connections."""
        self._run("resume")

    def remove(self) -> None:
        self._run("stop")
        shutil.rmtree(self.directory, ignore_errors=True)


def start_cluster(name: str) -> Cluster:
    port = free_port()
    directory = f"/tmp/casetracker-{name}-pg-{os.getuid()}-{os.getpid()}"
    url = subprocess.run(
        [SCRIPT, "start", directory, str(port)], check=True, capture_output=True, text=True
    ).stdout.strip()
    return Cluster(directory, port, url)

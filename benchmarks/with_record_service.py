"""Run one command while the demo's record service listens (the machinery of `clinwgs demo`, reused).

    usage: python benchmarks/with_record_service.py LABDIR PORT DATA_DIR SAMPLE_ID COMMAND...

Empties DATA_DIR (refusing a database with any patient outside the 999 test range), starts the service on
127.0.0.1:PORT with a fictitious 999-range patient for SAMPLE_ID (clinwgs.service.main.start_demo_service,
which exports CLINWGS_SERVICE_TOKEN for the publish rule), runs COMMAND in LABDIR, stops the service and
exits with COMMAND's status. Used by benchmarks/genome_scale.sh.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from clinwgs.ops.demo import reset_demo_service
from clinwgs.service.main import start_demo_service


def main(argv: list[str]) -> int:
    lab, port, data, sample, *command = argv
    reset_demo_service(Path(data))
    service = start_demo_service([sample], Path(data), port=int(port))
    try:
        return subprocess.run(command, cwd=lab, check=False).returncode
    finally:
        service.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

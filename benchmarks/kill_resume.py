"""Kill-and-resume benchmark: SIGKILL the tiny workflow run at N seeded random points, resume each, compare.

    .venv/bin/python benchmarks/kill_resume.py --points 20 --seed 5 [--scratch DIR] [--json OUT]

Prints one line per trial and "N kills, M identical resumes" (recorded in docs/BENCHMARKS.md). Logic in
tests.support.crashtest (shared with tests/integration/test_kill_resume.py).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import asdict
from pathlib import Path

from tests.support.crashtest import loop, prepare_workdir

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--scratch", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="kill_resume_"))
    wf = prepare_workdir(
        REPO,
        REPO / "tests" / "data" / "kill_resume",
        REPO / "tests" / "data" / "brca1_slice" / "brca1_slice.fa",
        scratch / "pristine",
    )
    run_s, trials = loop(wf, scratch, args.points, args.seed)
    print(f"uninterrupted run: {run_s:.1f} s")
    for t in trials:
        state = "identical" if t.identical else f"DIFFERENT {t.differences[:3]}"
        print(f"kill at {t.kill_after_s:6.2f} s: killed={t.killed} resume_rc={t.resume_rc} {state}")
    kills = sum(t.killed for t in trials)
    same = sum(t.identical for t in trials)
    print(f"{kills} kills, {same} identical resumes (seed {args.seed}, {args.points} points)")
    if args.json:
        args.json.write_text(json.dumps({"run_s": run_s, "trials": [asdict(t) for t in trials]}, indent=2))
    return 0 if kills == same == args.points else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m clinwgs.cli``: the same entry point as the ``clinwgs`` command."""

from clinwgs.cli import main

raise SystemExit(main())

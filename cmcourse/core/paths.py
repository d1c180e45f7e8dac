"""Where the course's data lives (the repository, installed in editable mode)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("CM101_ROOT", Path(__file__).resolve().parents[2]))
CASESTUDIES = ROOT / "casestudies"
NADIA_CASE = CASESTUDIES / "nadia" / "case.yaml"


def nadia_case():
    """Nadia's case replayed through cmsim from its form files."""
    from cmsim.replay import replay

    return replay(NADIA_CASE)

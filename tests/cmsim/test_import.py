"""cmsim is domain logic only: importing it pulls in no widget or plotting library."""

from __future__ import annotations

import subprocess
import sys


def test_import_cmsim_does_not_import_widgets_or_matplotlib():
    code = (
        "import sys, cmsim, cmsim.case, cmsim.checklist, cmsim.timeline, cmsim.privacy, "
        "cmsim.replay, cmsim.cli\n"
        "bad = [m for m in ('ipywidgets', 'matplotlib', 'IPython') if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

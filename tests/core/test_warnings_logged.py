"""A library's warning never reaches the trainee's page: it goes to the trainer's log."""

from __future__ import annotations

import subprocess
import sys


def test_a_warning_in_a_callback_goes_to_the_log_not_to_stderr(tmp_path):
    code = (
        "import warnings\n"
        "from cmcourse.core.safety import setup_logging\n"
        "setup_logging()\n"
        "warnings.warn('Consider using IPython.display.IFrame instead', UserWarning)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"CM101_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert done.stderr == ""
    assert "Consider using IPython.display.IFrame" in (tmp_path / "logs" / "cm101.log").read_text()

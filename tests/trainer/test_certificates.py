"""The trainer looks a certificate up by its code and sets what certificates carry."""

from __future__ import annotations

from cmcourse.core.certificate import CertificateSettings
from cmcourse.core.results import Certificate, Summary
from cmcourse.core.store import ProgressStore
from cmcourse.trainer.certificates import find_certificate, found_html, read_settings
from cmcourse.trainer.roster import read_progress

CODE = "CM-7K2Q-9XRT"


def test_a_code_is_found_with_whose_it_is_and_a_wrong_one_is_said_plainly(tmp_path):
    store = ProgressStore("trainee-a", tmp_path)
    store.set_name("Amina Yusuf")
    store.submit(Summary(points=3, out_of=66, first_points=1))  # attempt 1: no certificate
    cert = Certificate(code=CODE, kind="achievement", organisation="CPWG", pass_mark=70)
    store.submit(Summary(points=66, out_of=66, first_points=50, certificate=cert))
    store.close()
    found = find_certificate(CODE, read_progress(tmp_path))
    assert found.name == "Amina Yusuf" and found.submission.attempt == 2
    html = found_html("cm 7k2q 9xrt", tmp_path)
    assert f"{CODE} is genuine" in html and "Certificate of achievement, issued by CPWG" in html
    assert "50 of 66 points on first tries" in html and "Pass mark: 70%" in html
    assert "No certificate with the code CM-0000-0000" in found_html("CM-0000-0000", tmp_path)
    assert "That is not a verification code" in found_html("Amina", tmp_path)


def test_certificate_settings_as_typed_or_what_is_wrong():
    assert read_settings(" CPWG ", " 70 % ") == CertificateSettings(
        organisation="CPWG", pass_mark=70
    )
    assert read_settings("", "") == CertificateSettings()
    for bad in ("seventy", "0", "101", "7.5", "-5"):
        assert "whole percentage from 1 to 100" in read_settings("", bad)
    assert "at most 120 characters" in read_settings("x" * 121, "")

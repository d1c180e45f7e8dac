"""When a certificate is issued and what it says; its verification code as a person types it;
the trainer's settings (organisation, pass mark) kept in the data folder."""

from __future__ import annotations

import datetime as dt

import pytest

from cmcourse.core.certificate import (
    CertificateSettings,
    certificate_html,
    issue,
    load_settings,
    new_code,
    read_code,
    save_settings,
)
from cmcourse.core.outline import load_outline
from cmcourse.core.progress import Left
from cmcourse.core.results import Summary

DONE = Left([])
NOT_DONE = Left([(load_outline().page("1.2"), 2)])


def results(first: float, final: float = 66) -> Summary:
    return Summary(points=final, out_of=66, first_points=first)


def test_no_certificate_until_the_course_is_completed_whatever_the_score():
    assert issue(results(66), NOT_DONE, CertificateSettings()) is None
    assert issue(results(0, 0), DONE, CertificateSettings()).kind == "completion"


def test_a_pass_mark_on_first_tries_turns_it_into_a_certificate_of_achievement():
    settings = CertificateSettings(organisation="UNICEF Field Office", pass_mark=70)
    passed = issue(results(first=47), DONE, settings)  # 71%
    assert passed.kind == "achievement" and passed.title == "Certificate of achievement"
    assert passed.organisation == "UNICEF Field Office" and passed.pass_mark == 70
    # 66 of 66 at the end after retries, 45 (68%) on first tries: completion, not achievement.
    assert issue(results(first=45), DONE, settings).kind == "completion"


def test_the_certificate_shows_both_scores_the_organisation_and_the_code():
    summary = results(first=47)
    summary.certificate = issue(
        summary, DONE, CertificateSettings(organisation="CPWG", pass_mark=70)
    )
    html = certificate_html("Amina Yusuf", summary, dt.date(2026, 12, 2))
    assert "<h1>Certificate of achievement</h1>" in html and "issued by <strong>CPWG" in html
    assert "47 of 66 points on first tries, 66 of 66 points in the end" in html
    assert "pass mark of 70% on first tries" in html and summary.certificate.code in html


def test_codes_are_read_however_they_are_typed_and_nonsense_is_not_a_code():
    code = new_code()
    assert read_code(code) == code and read_code(code.lower().replace("-", " ")) == code
    assert read_code(" cm-7k2q-9xrt ") == "CM-7K2Q-9XRT"
    assert read_code("CM-7K2Q-9XRO") == "CM-7K2Q-9XR0"  # an O read as a zero
    assert read_code("7K2Q9XRT") == "CM-7K2Q-9XRT"
    for typed in ("", "CM-7K2Q", "CM-7K2Q-9XRT-1", "hello world!"):
        assert read_code(typed) is None
    assert len({new_code() for _ in range(200)}) == 200


def test_settings_are_kept_and_a_damaged_file_means_none_not_an_error(tmp_path):
    assert load_settings(tmp_path) == CertificateSettings()
    save_settings(CertificateSettings(organisation="  CPWG  ", pass_mark=80), tmp_path)
    assert load_settings(tmp_path) == CertificateSettings(organisation="CPWG", pass_mark=80)
    (tmp_path / "certificate.json").write_text("{not json")
    assert load_settings(tmp_path) == CertificateSettings()
    with pytest.raises(ValueError):
        CertificateSettings(pass_mark=0)

"""Staffing follows the SOP: 25 cases per caseworker, 5-6 caseworkers per supervisor."""

from __future__ import annotations

import pytest

from cmsim.sop import SOP
from cmsim.supervision.staffing import staffing_for, team_findings


def test_a_caseload_gives_the_team_it_needs():
    s = staffing_for(130)
    assert (s.caseworkers, s.supervisors) == (6, 1)
    assert staffing_for(151).caseworkers == 7 and staffing_for(151).supervisors == 2
    assert s.caseload_reviews_per_month == 13  # 6 caseloads every 2 weeks: 6 x 30/14, not 18
    assert any("at most 25 cases each" in line for line in s.lines())


def test_an_sop_with_a_lower_caseload_limit_needs_more_caseworkers():
    sop = SOP.model_validate({"supervision": {"caseload_limit": 15}})
    assert staffing_for(130, sop).caseworkers == 9


def test_a_team_within_the_sop_has_no_findings_and_breaches_are_named():
    assert team_findings(100, 4, 1) == []
    (over,) = team_findings(130, 4, 1)
    assert "32.5 cases per caseworker" in over and "2 more caseworkers needed" in over
    (ratio,) = team_findings(100, 8, 1)
    assert "8.0 caseworkers per supervisor" in ratio and "1 more supervisor needed" in ratio
    assert "no caseworker" in team_findings(10, 0, 1)[0]


def test_a_negative_caseload_is_refused():
    with pytest.raises(ValueError, match="negative"):
        staffing_for(-1)

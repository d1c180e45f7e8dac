"""Data protection: codes that do not identify, a register kept apart, need-to-know sharing."""

from __future__ import annotations

import json
import random

import pytest
from builders import CW, consent, day, implementing_case, referral

from cmcourse.core.paths import nadia_case
from cmsim import FileProblem, RuleViolation
from cmsim.forms import Withholding
from cmsim.privacy import (
    CodeRegister,
    export_for_reporting,
    identifying_mentions,
    referral_package,
)


def test_case_codes_say_nothing_about_the_child_and_are_unique():
    register = CodeRegister(rng=random.Random(1))
    codes = {register.new_code("Nadia Mohammed Salih", 2022) for _ in range(200)}
    assert len(codes) == 200
    assert all(c.startswith("CM-2022-") and "NADIA" not in c.upper() for c in codes)


def test_the_register_is_kept_apart_from_the_case_files(tmp_path):
    register = CodeRegister(rng=random.Random(2))
    code = register.new_code("Amal", 2022)
    with pytest.raises(FileProblem, match="kept apart"):
        register.save(tmp_path / "cases" / "register.json", case_files_dir=tmp_path / "cases")
    register.save(tmp_path / "private" / "register.json", case_files_dir=tmp_path / "cases")
    assert CodeRegister.load(tmp_path / "private" / "register.json").name_of(code) == "Amal"


def test_a_referral_package_needs_consent_for_the_service():
    case = implementing_case()
    with pytest.raises(RuleViolation, match="Legal support"):
        referral_package(case.file, referral(services=["Legal support"]))


def test_a_referral_package_leaves_out_what_the_service_does_not_need():
    case = implementing_case()
    package = referral_package(case.file, referral())
    assert package.person.first_name == "Amal"
    assert package.person.address is None and package.person.contact is None
    assert any("address" in reason for reason in package.left_out)
    cash = referral(
        services=["Cash assistance"], contact_route="Contact the person being referred directly"
    )
    assert referral_package(case.file, cash).person.address == "Block 4"


def test_a_referral_package_respects_what_the_child_asked_to_withhold():
    case = implementing_case()
    case.record_consent(
        consent(
            date_signed=day(2),
            withhold=[
                Withholding(from_whom="Clinic", information="her phone number and home address")
            ],
        ),
        CW,
    )
    package = referral_package(
        case.file,
        referral(
            contact_route="Contact the person being referred directly",
            services=["Specialized MHPSS services"],
        ),
    )
    assert package.person.contact is None
    assert any("withheld from Clinic" in r for r in package.left_out)


def test_nadia_referral_package_keeps_her_father_because_she_agreed_to_his_contact():
    case = nadia_case()
    package = referral_package(case.file, case.file.referrals[0])
    assert package.caregiver and package.caregiver.relationship == "Father"
    assert package.case_code == "CM-2022-0417"


def test_the_reporting_export_has_no_names_contacts_or_narratives():
    case = nadia_case()
    text = json.dumps(export_for_reporting(case.file))
    for secret in (
        "Nadia",
        "Salih",
        "Nora",
        "123465",
        "4565477",
        "01/11/2007",
        "2007",
        "nightmares",
        "Samera",
    ):
        assert secret not in text
    assert "Child marriage" in text and "12-14" in text


def _register() -> tuple[CodeRegister, list[str]]:
    register = CodeRegister(rng=random.Random(3))
    codes = [register.new_code("Nadia Mohammed Salih", 2022), register.new_code("Omar", 2023)]
    return register, codes


def test_a_register_name_in_a_group_note_is_flagged_with_the_code_to_use_instead():
    register, (code, _omar) = _register()
    found = identifying_mentions("We discussed nadia's school and Nadia Mohammed Salih.", register)
    assert [(m.kind, m.text) for m in found] == [
        ("name", "nadia"),
        ("name", "Nadia Mohammed Salih"),
    ]
    assert all(m.codes == (code,) for m in found)
    assert code in found[0].advice() and "“nadia”" in found[0].advice()


def test_a_family_name_alone_is_flagged_but_a_longer_word_containing_a_name_is_not():
    register, _codes = _register()
    assert [m.text for m in identifying_mentions("the Salih family", register)] == ["Salih"]
    assert identifying_mentions("Omari and Nadiaville are not on the register", register) == []


def test_case_codes_dates_and_counts_are_what_a_group_record_should_use_and_are_not_flagged():
    register, codes = _register()
    text = (
        f"Cases {' '.join(codes)} and CM-2022-0417 reviewed on 05.09.2022 and 15/06/2024; "
        "25 open cases."
    )
    assert identifying_mentions(text, register) == []


def test_phone_numbers_emails_birth_dates_and_id_numbers_are_flagged():
    text = (
        "Call 0791 234 567 or +962 79 123 4567, write to mother@example.org; "
        "born 01/11/2007, UNHCR 123-45C67890."
    )
    found = identifying_mentions(text, CodeRegister())
    assert [(m.kind, m.text) for m in found] == [
        ("phone number", "0791 234 567"),
        ("phone number", "+962 79 123 4567"),
        ("e-mail address", "mother@example.org"),
        ("date of birth", "born 01/11/2007"),
        ("ID number", "UNHCR 123-45C67890"),
    ]
    assert "case by its code" in found[0].advice()


def test_the_childs_consent_does_not_share_her_fathers_information_for_his_referral():
    """Nadia ticked Livelihoods, for her own information; her father's livelihoods referral
    shares his, so it needs his consent: the refusal says what to do."""
    case = nadia_case()
    father = case.file.registration.father
    livelihoods = referral(
        date=case.file.referrals[0].date,
        services=["Livelihoods"],
        reason="The family has lost its income since Nadia works fewer hours",
        person={"first_name": father.first_name, "last_name": father.last_name, "sex": "Male"},
    )
    with pytest.raises(RuleViolation) as refused:
        referral_package(case.file, livelihoods)
    message = str(refused.value)
    assert "Mohammed Karim is referred" in message
    assert "consent form with Mohammed Karim as the person giving consent" in message
    assert "Livelihoods" in message
    # The same referral for Nadia herself is covered by her own consent.
    for_nadia = livelihoods.model_copy(update={"person": case.file.referrals[0].person})
    assert referral_package(case.file, for_nadia).services == ["Livelihoods"]


def test_the_person_referred_gives_consent_on_their_own_form():
    case = implementing_case()
    aunt = referral(services=["Cash assistance"], person={"first_name": "Huda", "sex": "Female"})
    with pytest.raises(RuleViolation, match="Huda is referred"):
        referral_package(case.file, aunt)
    case.record_consent(
        consent(
            obtained_from="Caregiver",
            person_name="Huda Saleh",
            relationship_to_child="Aunt",
            services=["Cash assistance"],
            date_signed=day(2),
        ),
        CW,
    )
    assert referral_package(case.file, aunt).person.first_name == "Huda"


def test_a_father_named_only_by_the_name_his_daughter_carries_is_not_taken_for_her():
    case = nadia_case()
    livelihoods = referral(
        date=case.file.referrals[0].date,
        services=["Livelihoods"],
        person={"first_name": "Mohammed", "sex": "Male"},  # Nadia Mohammed Salih's father
    )
    with pytest.raises(RuleViolation, match="Mohammed is referred"):
        referral_package(case.file, livelihoods)

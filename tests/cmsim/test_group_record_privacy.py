"""A group record's identifying details (cmsim.privacy): each number called what it is (an ID
number is not a phone number), case codes left alone, a detail removed or kept with a reason
of real words, and a header that claims "case code only" only when that holds."""

from __future__ import annotations

import pytest

from cmsim import CmsimError
from cmsim.privacy import (
    REMOVED,
    CodeRegister,
    findings,
    identifying_mentions,
    keep,
    reason_problem,
    remove_mention,
    review,
)


@pytest.fixture
def register() -> CodeRegister:
    register = CodeRegister()
    register._names = {"CM-2022-0417": "Nadia Mohammed Salih", "CM-2023-0088": "Omar"}
    return register


def kinds(text: str, register: CodeRegister) -> list[tuple[str, str]]:
    return [(m.kind, m.text) for m in identifying_mentions(text, register)]


@pytest.mark.parametrize(
    "text, found",
    [
        ("+256 772 123456", ("phone number", "+256 772 123456")),
        ("0772123456", ("phone number", "0772123456")),
        ("0772 123 456", ("phone number", "0772 123 456")),
        ("+962 79 123 4567", ("phone number", "+962 79 123 4567")),
        ("call her on 772123456", ("phone number", "772123456")),
        ("mobile: 772-123-456", ("phone number", "772-123-456")),
    ],
)
def test_phone_numbers_are_called_phone_numbers(text, found, register):
    assert kinds(text, register) == [found]
    assert identifying_mentions(text, register)[0].what == "a phone number"


@pytest.mark.parametrize(
    "text, found",
    [
        ("ID 12345678", "ID 12345678"),
        ("ID 123456789", "ID 123456789"),  # nine digits after "ID": was called a phone number
        ("her ID no. 0772123456 is lost", "ID no. 0772123456"),  # a leading 0 after "ID"
        ("National ID number: 19900101-12345", "National ID number: 19900101-12345"),
        ("NIN CM90010102ABCD", "NIN CM90010102ABCD"),  # a Ugandan NIN starts with CM too
        ("UNHCR 123-45C67890", "UNHCR 123-45C67890"),
        ("passport A1234567", "passport A1234567"),
        ("registration number 4471 2290", "registration number 4471 2290"),
        ("birth certificate no 2019/4471", "birth certificate no 2019/4471"),
    ],
)
def test_id_numbers_are_called_id_numbers_not_phone_numbers(text, found, register):
    mentions = identifying_mentions(text, register)
    assert [(m.kind, m.text) for m in mentions] == [("ID number", found)]
    assert mentions[0].what == "an ID number"


def test_a_code_of_letters_and_many_digits_looks_like_an_id_and_a_long_number_may_be_either(
    register,
):
    (code,) = identifying_mentions("her card reads CM90010102ABCD", register)
    assert (code.kind, code.what) == ("ID number", "what looks like an ID number")
    (number,) = identifying_mentions("the number 12345678 on the form", register)
    assert number.kind == "number" and "phone or ID number" in number.what


@pytest.mark.parametrize(
    "text",
    [
        "CM-2022-0417 and cm-2023-0088 were reviewed",
        "case ID CM-2022-0417 is stagnating",  # a case code after "ID" is still a case code
        "CM-2024-7KQ3M opened",  # a fresh code of the register's form
        "25 open cases, 3 high risk, 1,500,000 UGX for cash support",
        "met on 12/06/2024, 05.09.2022 and 2024-06-12; the 2023-2024 plan",
        "counts per worker: 12 15 20 31",
        "ID card is missing",  # no number: nothing to remove
    ],
)
def test_case_codes_dates_counts_and_amounts_are_not_flagged(text, register):
    assert kinds(text, register) == []


def test_remove_writes_the_case_code_for_a_name_and_keeps_the_label_of_a_number(register):
    text = "Nadia (ID 12345678) said Nadia's phone is +256 772 123456."
    removed = remove_mention(text, "name", "nadia", register)
    assert removed == "CM-2022-0417 (ID 12345678) said CM-2022-0417's phone is +256 772 123456."
    removed = remove_mention(removed, "ID number", "ID 12345678", register)
    assert removed == f"CM-2022-0417 (ID {REMOVED}) said CM-2022-0417's phone is +256 772 123456."
    removed = remove_mention(removed, "phone number", "+256 772 123456", register)
    assert removed.endswith(f"phone is {REMOVED}.")
    assert identifying_mentions(removed, register) == []


def test_a_name_shared_by_two_children_is_removed_without_choosing_a_code():
    register = CodeRegister()
    register._names = {"CM-2022-0001": "Amina Salih", "CM-2022-0002": "Omar Salih"}
    assert remove_mention("the Salih family", "name", "Salih", register) == (
        f"the {REMOVED} family"
    )


@pytest.mark.parametrize(
    "reason",
    ["", "ok", "keep", "asdf asdf asdf", "qwer tyui zxcv", "xxx yyy zzz", "1234 5678 9012"],
)
def test_a_reason_that_is_not_words_is_refused_saying_what_to_write(reason, register):
    problem = reason_problem(reason, register)
    assert "in a few words" in problem


def test_a_reason_in_words_of_any_script_is_accepted_but_not_one_that_identifies(register):
    assert reason_problem("The caseworker must call the family back today", register) == ""
    assert reason_problem("يحتاج المكتب الرقم اليوم", register) == ""
    assert "itself" in reason_problem("Nadia needs it for the card today", register)
    assert "itself" in reason_problem("they only answer on 0772123456 now", register)


def test_a_review_is_ready_once_every_detail_is_removed_or_kept_and_says_so(register):
    places = [
        ("admin", "Administrative notes", "Phone 0772123456, ID 12345678, phone 0772123456."),
        ("closing", "Closing notes", "Nothing identifying, CM-2023-0088 closed."),
    ]
    found = findings(places, register)
    assert [(f.place, f.mention.kind, f.count) for f in found] == [
        ("admin", "phone number", 2),
        ("admin", "ID number", 1),
    ]
    first = review(found, [])
    assert not first.ready and len(first.open) == 2
    assert "not yet resolved" in first.note() and "case code only" not in first.note()
    with pytest.raises(CmsimError, match="in a few words"):
        keep(found[1], "ok", register)
    kept = keep(found[1], "  The registration office   needs it today ", register)
    assert kept.reason == "The registration office needs it today"
    assert kept.what == "an ID number"
    second = review(found, [kept])
    assert [f.mention.kind for f in second.open] == ["phone number"]
    # The phone number removed: ready, and the header says what was kept and why.
    text = remove_mention(places[0][2], "phone number", "0772123456", register)
    third = review(findings([("admin", "Administrative notes", text)], register), [kept])
    assert third.ready and third.kept == [kept]
    assert third.note() == (
        "A group record that keeps identifying details on purpose, so its cases are not named "
        "by their case code only. Kept: an ID number in Administrative notes, because: The "
        "registration office needs it today."
    )
    # The ID number removed too: the kept choice no longer applies, and the claim is true.
    text = remove_mention(text, "ID number", "ID 12345678", register)
    clean = review(findings([("admin", "Administrative notes", text)], register), [kept])
    assert clean.ready and clean.kept == []
    assert clean.note().startswith("A group record: cases are named by their case code only")


def test_without_the_register_the_header_does_not_claim_names_were_checked(register):
    found = findings([("admin", "Notes", "CM-2022-0417 is stagnating.")], CodeRegister())
    note = review(found, [], names_checked=False).note()
    assert "Names could not be checked" in note and "case code only" not in note

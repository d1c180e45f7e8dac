"""Names in every script: accepted as people write them, refused when they hide characters."""

import unicodedata

import pytest

from cmcourse.core.names import BadName, check_name


@pytest.mark.parametrize(
    "name",
    [
        "مُحَمَّد عَلِي",  # Arabic with harakat (combining marks)
        "زهرا محمدی‌نژاد",  # Persian with a zero-width non-joiner
        "सीता देवी",  # Devanagari vowel signs
        "ሰላም ተስፋዬ",  # Ethiopic (Tigrinya, Amharic)
        "Jose\u0301 Mun\u0303oz",  # decomposed accents
        "N'Golo (team 2)",
        "Nguyễn Thị Hoa",
    ],
)
def test_names_in_every_script_are_accepted_as_written(name):
    checked = check_name(name)
    assert checked.text == unicodedata.normalize("NFC", name)
    assert checked.warning is None


def test_a_decomposed_and_a_composed_name_are_the_same_name():
    assert check_name("Jose\u0301").key == check_name("José").key == check_name("JOSÉ").key
    assert check_name("  Amina   Yusuf ").text == "Amina Yusuf"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("\u202eAmina", "invisible control character"),  # shows the name backwards
        ("Amina\u2066 Yusuf", "invisible control character"),
        ("Ami\u200bna", "invisible control character"),  # zero-width space
        ("Amina\x00", "invisible control character"),
        ("Amina 😀", "cannot be part of a name"),
        ("<script>", "cannot be part of a name"),
        ("", "type your name"),
        ("x" * 61, "at most 60"),
        ("12345", "at least one letter"),
    ],
)
def test_hidden_and_absurd_characters_are_refused_in_plain_words(name, says):
    with pytest.raises(BadName, match=says):
        check_name(name)


def test_a_name_mixing_look_alike_alphabets_is_flagged_for_confirmation():
    cyrillic_a = "\u0410mina Yusuf"  # looks exactly like "Amina Yusuf"
    warning = check_name(cyrillic_a).warning
    assert warning and "Cyrillic and Latin" in warning
    assert check_name("Amina Yusuf").warning is None
    assert check_name("Amina أمينة").warning is None  # two alphabets, but nothing alike

"""Trainees' names as people write them, in any script: checked, normalised, compared.

A name is kept in Unicode NFC (a decomposed "é" and a composed one are the same name) and may
hold the letters and marks of every script (Arabic with harakat, Persian with the zero-width
non-joiner, Devanagari vowel signs, Ethiopic syllables), digits, spaces and . , ' ’ ( ) -.
Invisible control and direction-override characters are refused: pasted with a name, they make
two names look alike or a name display backwards.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_LENGTH = 60
# Joiners are part of how Persian, Urdu and Indic names are spelled; every other format
# character (direction overrides and isolates, zero-width spaces) is refused.
JOINERS = {"\u200c", "\u200d"}
PUNCTUATION = set(" .,'’()-‐")
# Scripts whose letters look like each other's (Latin "a", Cyrillic "а", Greek "α").
LOOK_ALIKE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}


class BadName(ValueError):
    """A name that cannot be used, with the reason in plain words."""


@dataclass(frozen=True)
class Name:
    text: str  # as shown: NFC, spaces collapsed
    key: str  # as compared: the same, case-folded
    warning: str | None  # a look-alike mix of scripts, to confirm


def _script(char: str) -> str:
    """The script a letter belongs to, from its Unicode name ('LATIN SMALL LETTER A')."""
    return unicodedata.name(char, "UNKNOWN").split()[0]


def check_name(raw: object) -> Name:
    """The name as typed, checked and normalised; raises BadName saying what is wrong."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadName("Please type your name to start.")
    if len(text) > MAX_LENGTH:
        raise BadName(f"That is longer than a name: please use at most {MAX_LENGTH} characters.")
    for char in text:
        kind = unicodedata.category(char)
        if char in JOINERS or char in PUNCTUATION or kind[0] in "LMN":
            continue
        if kind in {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}:
            raise BadName(
                "Your name holds an invisible control character (they come with text copied "
                "from elsewhere and can make a name show backwards): please type it again."
            )
        raise BadName(
            f"“{char}” cannot be part of a name here. Please use letters (in any alphabet), "
            "numbers, spaces and . , ' ( ) - only."
        )
    if not any(unicodedata.category(c)[0] == "L" for c in text):
        raise BadName("A name needs at least one letter.")
    scripts = {_script(c) for c in text if unicodedata.category(c)[0] == "L"}
    warning = None
    if len(scripts & LOOK_ALIKE_SCRIPTS) > 1:
        warning = (
            "Your name mixes letters of alphabets that look alike ("
            + " and ".join(s.title() for s in sorted(scripts & LOOK_ALIKE_SCRIPTS))
            + "), so another name could look just the same. If it is written as you meant, "
            "confirm it; otherwise type it again in one alphabet."
        )
    return Name(text, text.casefold(), warning)

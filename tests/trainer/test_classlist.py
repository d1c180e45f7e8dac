"""The class list: names typed, pasted or imported become trainees with cards."""

from __future__ import annotations

from cmcourse.core.accounts import Accounts
from cmcourse.trainer.cards import Card, cards_pdf
from cmcourse.trainer.classlist import MAX_NAMES, add_names, parse_class_list


def test_a_list_is_read_as_typed_pasted_or_saved_from_a_spreadsheet():
    assert parse_class_list("Amina Yusuf\n\n  Bilal Haddad \n") == ["Amina Yusuf", "Bilal Haddad"]
    spreadsheet = 'Name,Site\r\nAmina Yusuf,Camp 3\r\n"Okafor, Chidi",Camp 1\r\n'
    assert parse_class_list(spreadsheet) == ["Amina Yusuf", "Okafor, Chidi"]
    assert parse_class_list("Name\tSite\nZahra\tKabul\n") == ["Zahra"]
    assert parse_class_list("") == []


def test_names_become_trainees_with_cards_and_bad_lines_are_said(tmp_path):
    accounts = Accounts(tmp_path)
    added = add_names(accounts, ["Amina Yusuf", "<b>x</b>", "زهرا محمدی‌نژاد"])
    assert [c.name for c in added.cards] == ["Amina Yusuf", "زهرا محمدی‌نژاد"]
    assert added.refused == [("<b>x</b>", added.refused[0][1])]
    assert "cannot be part of a name" in added.refused[0][1]
    card = added.cards[0]
    assert accounts.check("Amina Yusuf", card.code).label == card.label
    assert all(t.roster for t in accounts.trainees())
    again = add_names(accounts, ["amina yusuf"])
    assert again.again == ["amina yusuf"] and len(accounts.named("Amina Yusuf")) == 2


def test_a_file_that_is_not_a_class_list_is_refused_whole(tmp_path):
    added = add_names(Accounts(tmp_path), [f"Trainee {i}" for i in range(MAX_NAMES + 1)])
    assert not added.cards and "more than" in added.refused[0][1]


def test_cards_come_eight_to_a_page(tmp_path):
    cards = [Card(f"Trainee {chr(65 + i)}", "K7QF", "K7QF-M2XP") for i in range(9)]
    pdf = cards_pdf(cards, "http://192.168.1.20:8866/", "CM 101")
    assert pdf.startswith(b"%PDF")
    assert (
        pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") == 2
    )

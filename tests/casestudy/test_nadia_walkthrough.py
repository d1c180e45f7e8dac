"""Nadia's case study as the walk-throughs of issues 16 and 17 found it, mended: a refusal is
said on the step whose decision caused it, with a link to that decision and what was left out;
feedback says exactly what the trainee ticked; 'Why it matters' says each thing once; no
internal word reaches a trainee; answers are not readable before the decisions they answer."""

from __future__ import annotations

import html
import json
import re

import pytest
from nadia_attempts import SignedInPage, attempt_with, right_questions, steps_done, written

from cmcourse.casestudy import casework, nadia
from cmcourse.core.bank import REVEAL_AFTER, check, find, load_bank, right_answer
from cmcourse.core.paths import ROOT
from cmcourse.core.store import Attempt

BANK = load_bank()["nadia"]
QUESTIONS = [q for q in BANK.questions if q.section != "nadia-plan"]
STEP_PAGES = {s: ROOT / "casestudies" / "nadia" / f"step{s}.ipynb" for s in casework.STEPS}


def text_of_html(page: str) -> str:
    """What a reader of the page reads: no style block, no comment, no tag, entities read."""
    page = re.sub(r"<style.*?</style>|<!--.*?-->", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def markdown_of(path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.sub(r"<!--.*?-->", " ", text, flags=re.S)


# -- a refusal on the step whose decision caused it ------------------------------------------
def consent_without(service: str) -> list[str]:
    question = find("nadia-1-consent-services")
    return [o for o in question.answer if question.fills.values[o] != service]


def test_a_missing_consent_is_said_on_step_1_with_a_link_to_the_decision_and_what_was_left_out():
    """Mental health unticked on step 1 refuses the referral of step 4: step 1's page says so,
    links to the consent question on the page and names the box; step 4's page stops there and
    links back to step 1's page at that question."""
    attempt = steps_done("1", nadia_1_consent_services=consent_without("Mental health"))
    on_step_1 = nadia.step_html(attempt, "1")
    assert 'role="alert"' in on_step_1 and "refused later in your file, at step 4" in on_step_1
    assert 'href="#q-nadia-1-consent-services"' in on_step_1
    assert "You did not tick Mental health on the 1.A Consent &amp; assent form" in on_step_1
    assert "Livelihoods" not in re.search(r"You did not tick[^.]*\.", on_step_1).group()
    on_step_4 = nadia.step_html(attempt, "4")
    assert "Your file stops here, at step 4" in on_step_4
    link = re.search(r'href="([^"]*#q-nadia-1-consent-services)"', on_step_4).group(1)
    assert link.endswith("?page=nadia-1#q-nadia-1-consent-services")
    assert "Your answer on step 1" in on_step_4
    for step in "23":  # steps in between say nothing: neither made nor met the refusal
        assert 'role="alert"' not in nadia.step_html(attempt, step)


@pytest.mark.parametrize(
    ("decision", "answer", "made_on", "refused_on", "left_out"),
    [
        ("nadia-2-approval", "a", "2", "3", "the supervisor review is left empty"),
        ("nadia-3-approval", "c", "3", "5", "the supervisor review is left empty"),
        ("nadia-6-closure-approval", "a", "6", "6", "the supervisor approval is left empty"),
        ("nadia-6-kept-until", "01/01/2023", "6", "6", "Your date, 01/01/2023"),
    ],
)
def test_an_approval_or_date_refused_names_its_decision_on_the_step_it_was_made(
    decision, answer, made_on, refused_on, left_out
):
    attempt = steps_done(made_on, **{decision.replace("-", "_"): answer})
    page = nadia.step_html(attempt, made_on)
    assert 'role="alert"' in page and f'href="#q-{decision}"' in page, decision
    assert left_out in page
    if refused_on == made_on:
        assert f"Your file stops here, at step {refused_on}" in page
    else:
        assert f"refused later in your file, at step {refused_on}" in page
        later = nadia.step_html(attempt, refused_on)
        assert f"?page=nadia-{made_on}#q-{decision}" in later


def test_a_link_back_leads_to_a_question_that_carries_its_anchor():
    from cmcourse.core.render import ReflectionView, question_view

    view = question_view(find("nadia-1-consent-services"), lambda *_: None)
    assert 'id="q-nadia-1-consent-services"' in view.widget.children[0].value
    thought = ReflectionView(find("nadia-1-risk-why"), lambda *_: None)
    assert 'id="q-nadia-1-risk-why"' in thought.widget.children[0].value


# -- feedback names the boxes as the trainee ticked them -------------------------------------
@pytest.mark.parametrize("ticked", [["a", "c"], ["f"], ["b", "d", "i"]])
def test_the_consent_feedback_names_what_the_trainee_ticked_and_no_box_it_did_not(ticked):
    question = find("nadia-1-consent-services")
    messages = check(question, ticked).messages
    said_ticked = [m.split(".")[0] for m in messages if "(you ticked it)" in m]
    said_not = [m.split(".")[0] for m in messages if "(you did not tick it)" in m]
    assert said_ticked == ticked
    assert said_not == [o for o in question.answer if o not in ticked]
    for message in messages:  # no option's feedback says the trainee ticked it
        assert not re.search(r"\): Ticked\b", message), message


# -- 'Why it matters' says each thing once ---------------------------------------------------
def test_why_it_matters_is_one_row_per_decision_each_saying_its_own_thing_once():
    """A decision filling several fields (who made the plan: four; the supervisor's review:
    four) is one row, its reason said once; ticked boxes say only the boxes that differ."""
    wrong = steps_done(
        "1", "2", "3", nadia_1_risk="b", nadia_1_concerns=["c"], nadia_3_involved="d"
    )
    unapproved = steps_done("1", "2", nadia_2_approval="a")
    differ = [
        d
        for attempt, step in [(wrong, "1"), (wrong, "3"), (unapproved, "2")]
        for d in casework.compare(step, casework.trainee_file(attempt, step), attempt)[1]
    ]
    decisions = [d.decision for d in differ]
    assert sorted(decisions) == sorted(
        ["nadia-1-risk", "nadia-1-concerns", "nadia-1-risk-why", "nadia-3-involved",
         "nadia-3-goal", "nadia-2-approval"]
    )  # fmt: skip
    whys = [d.why for d in differ]
    assert len(whys) == len(set(whys)) and all(whys)
    for why in whys:  # no sentence said twice within a cell
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", why) if len(s) > 20]
        assert len(sentences) == len(set(sentences)), why


def test_why_a_consent_box_matters_names_only_the_boxes_that_differ():
    attempt = steps_done("1", nadia_1_consent_services=consent_without("Mental health"))
    (row,) = [
        d
        for d in casework.compare("1", casework.trainee_file(attempt, "1"), attempt)[1]
        if d.field == "Services"
    ]
    assert row.why.startswith("Mental health: ") and "Cash assistance:" not in row.why


# -- the trainee's language everywhere a trainee reads ---------------------------------------
INTERNAL = re.compile(
    r"\b(seeds?|cmsim|cmcourse|casework|caseview|casefigures|paperform|replay\(|ya?ml|"
    r"python|pydantic|notebook|kernel|widget|traceback|stderr|config|validation|simulator)\b"
    r"|\bfield '|\b00[0-4] ?§|§|step \d+ \([a-z_]+\)",
    re.IGNORECASE,
)
NAME = re.compile(r"\b[a-z]+_[a-z]+(?:_[a-z]+)*\b")  # a python name: risk_level (not I___Nadia)


def internal(text: str) -> str | None:
    found = INTERNAL.search(text) or NAME.search(text)
    return found.group() if found else None


def wrong_answers(question) -> list[object]:
    if question.type == "single":
        return [o.id for o in question.options if o.id != question.answer]
    if question.type == "multiple":
        return [[o] for o in question.answer] + [[o.id] for o in question.options][:3]
    return ["01/01/2023", "01/01/2030"]


def trainee_texts() -> dict[str, str]:
    """Every text of the case study a trainee can read, by where it is read."""
    texts = {
        f"{p.name} (page)": markdown_of(p) for p in (ROOT / "casestudies/nadia").glob("*.ipynb")
    }
    for item in [*BANK.questions, *BANK.reflections]:
        said = [item.prompt, getattr(item, "guidance", ""), getattr(item, "explanation", "")]
        said += [f"{o.text} {o.feedback}" for o in getattr(item, "options", [])]
        texts[f"{item.id} (question)"] = " ".join(said)
    for question in QUESTIONS:
        for tries, answer in enumerate([*wrong_answers(question), right_answer(question)]):
            feedback = check(question, answer, min(tries, REVEAL_AFTER)).messages
            texts[f"{question.id} {answer} (feedback)"] = " ".join(feedback)
            attempt = steps_done(**{question.id.replace("-", "_"): answer})
            step = casework.step_of(question)
            texts[f"{question.id} {answer} (panel)"] = text_of_html(nadia.step_html(attempt, step))
            if casework.trainee_file(attempt).stop:  # the summary says the refusal too
                texts[f"{question.id} {answer} (your file)"] = whole_file_text(attempt)
    texts["your whole file"] = whole_file_text(steps_done())
    for steps in ["", "1", "12", "123", "1234", "12345", "123456"]:
        attempt = steps_done(*steps) if steps else attempt_with({})
        texts[f"summary after {steps or 'none'}"] = text_of_html(nadia.case_study_html(attempt))
    for step in casework.STEPS:
        texts[f"step {step} (forms)"] = text_of_html(nadia.reference_forms_html(step))
        texts[f"step {step} (waiting)"] = text_of_html(nadia.waiting_html(step, attempt_with({})))
    agreed = casework.reference_case().file.plans[0].date_agreed
    texts["plan editor"] = " ".join(
        casework.action_problems([{"action": "x", "due_date": "31/02/2022"}, {}], agreed)
    )
    texts["bad channels"] = casework.trainee_case({"5A_follow_up": {"channels": []}}).problem or ""
    return texts


def whole_file_text(attempt: Attempt) -> str:
    """The summary's part on the trainee's own file, and the printable file (as HTML)."""
    from cmcourse.html.printable import to_html

    parts = nadia._whole_file(attempt, "A trainee", None)
    assert parts is not None
    outcome, document, rest = parts
    return text_of_html(outcome + rest + to_html(document))


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return trainee_texts()


def test_no_internal_word_reaches_a_trainee(texts):
    """Seed, cmsim, file formats, module and field names: none in what a trainee reads."""
    found = {where: word for where, text in texts.items() if (word := internal(text))}
    assert found == {}
    assert len(texts) > 150  # the pages, every question, every answer's feedback and panels


def test_the_internal_words_test_finds_an_internal_word():
    planted = "Your answers do not fit the 5.A Follow-up form: field 'channels' (cmsim)."
    assert internal(planted) and internal("the seed's form") and internal("step 7 (refer)")
    assert internal("the risk_level field") and not internal("I___Nadia agree to share")
    assert not internal("The case management rules refuse this. Supervisor approval.")


# -- answers not readable before answering ---------------------------------------------------
def test_a_steps_forms_appear_only_once_its_decisions_are_answered():
    page = SignedInPage(attempt_with({}))
    shown = []
    nadia.display = shown.append  # type: ignore[assignment]
    try:
        nadia.reference_forms(page, "1")
    finally:
        from IPython.display import display

        nadia.display = display  # type: ignore[assignment]
    (box,) = shown
    assert "<details" not in box.value and "appear here once you have answered 6 more" in box.value
    assert 'href="#q-nadia-1-consent-services"' in box.value
    page.save(attempt_with(right_questions("1")))  # the reflection that fills a form: not yet
    assert "<details" not in box.value and "answered 1 more" in box.value
    page.save(steps_done("1"))
    assert box.value.count('<details class="cm-paper">') == 2
    assert "the caseworker finds the case <strong>eligible</strong>" in box.value


def test_a_date_question_keeps_the_forms_back_until_it_has_given_its_answer():
    question = find("nadia-6-kept-until")
    done = steps_done("6")
    wrong: dict[str, object] = {k: v["answer"] for k, v in done.answers.items()}
    wrong[question.id] = "01/01/2030"
    attempt = attempt_with(wrong, done.reflections)
    assert question in casework.still_to_answer("6", attempt)
    shown = Attempt(1, attempt.answers, attempt.tries | {question.id: REVEAL_AFTER}, {}, [])
    assert question not in casework.still_to_answer("6", shown)
    panel = nadia.step_html(attempt, "6")  # the panel does not give the date either
    assert "12/12/2027" not in panel and "shown once the question above" in panel


def right_option_words(question) -> list[str]:
    """Runs of six words of the right option(s), as a reader would meet them in the story."""
    right = [question.answer] if question.type == "single" else list(question.answer)
    words = []
    for option in question.options:
        if option.id in right:
            tokens = re.findall(r"[a-z']+", option.text.lower().split(":", 1)[-1])
            words += [" ".join(tokens[i : i + 6]) for i in range(len(tokens) - 5)]
    return words


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONS if q.type == "single"], ids=lambda q: q.id
)
def test_the_story_on_a_decisions_page_does_not_tell_its_answer(question):
    story = " ".join(
        re.findall(r"[a-z']+", markdown_of(STEP_PAGES[casework.step_of(question)]).lower())
    )
    others = " ".join(
        " ".join(
            re.findall(r"[a-z']+", f"{q.prompt} {' '.join(o.text for o in q.options)}".lower())
        )
        for q in QUESTIONS
        if q.id != question.id
        and casework.step_of(q) == casework.step_of(question)
        and hasattr(q, "options")
    )
    for run in right_option_words(question):
        assert run not in story, run
        assert run not in others, run


def test_the_summary_shows_the_case_studys_file_only_as_far_as_the_trainee_has_gone():
    nothing = nadia.case_study_html(attempt_with({}))
    assert "CM-2022-0417" not in nothing and "complete step 1</a>" in nothing
    assert nadia.whole_file_html(attempt_with({}), "A trainee").count("<img") == 0
    two = nadia.case_study_html(steps_done("1", "2"))
    assert "CM-2022-0417" in two and "Complete step 3" in two
    assert "Case plan actions</td><td>0" in two and "Somaia Shakir approved" in two
    for later in ("12/12/2027", "Case review", "A lapse a supervisor would raise", "08/09/2022"):
        assert later not in two, later
    done = nadia.case_study_html(steps_done())
    assert "12/12/2027" in done and "Complete step" not in done
    assert "A lapse a supervisor would raise" in done
    yours = nadia.whole_file_html(steps_done("1", "2"), "A trainee")
    assert "3.A Case plan" not in yours and "Your copy of Nadia" in yours


def test_step_pages_call_the_revealing_forms_with_the_page():
    for step, path in STEP_PAGES.items():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert f'reference_forms(page, "{step}")' in code, step
    assert written("1") and written("3")  # the reflections that fill a form are in the gate

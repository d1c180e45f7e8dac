"""The SCORM package checks answers in the browser (static/feedback.js): for every question of
the bank, and answers right, wrong and unreadable, it must say exactly what the course says
(`bank.check` and `render.feedback_html`), try after try. Run in node, the JavaScript the
package ships is compared with the Python the course runs."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from importlib.resources import files
from typing import Any

import pytest

from cmcourse.core.bank import REVEAL_AFTER, check, is_attempt, load_bank
from cmcourse.core.render import feedback_html
from cmcourse.export.scorm.questions import settings, spec

FEEDBACK_JS = files("cmcourse.export.scorm") / "static" / "feedback.js"

RUN = """
const F = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map((c) => {
  if (c.attempt !== undefined) return F.isAttempt(c.attempt, c.words, c.letters);
  const why = F.unreadable(c.spec, c.answer);
  if (why) return { unreadable: why };
  const result = F.check(c.spec, c.answer, c.tries, c.revealAfter);
  return { result, html: F.feedbackHtml(result) };
});
process.stdout.write(JSON.stringify(out));
"""


def run_js(cases: list[dict[str, Any]]) -> list[Any]:
    node = shutil.which("node")
    assert node, "node is installed by make setup (the hub's proxy and these tests need it)"
    done = subprocess.run(
        [node, "-e", RUN, str(FEEDBACK_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def every_question() -> list[Any]:
    return [q for bank in load_bank().values() for q in bank.questions]


def answers_for(question: Any) -> list[Any]:
    """Answers a trainee can give with the package's controls: every choice, or a spread of
    orders and pairings, right and wrong; typed dates and numbers right, early, late, unreadable."""
    if question.type == "single":
        return [o.id for o in question.options]
    if question.type == "multiple":
        ids = [o.id for o in question.options]
        subsets = [list(c) for n in range(1, len(ids) + 1) for c in itertools.combinations(ids, n)]
        return subsets[:200]
    if question.type == "true_false":
        return [True, False]
    if question.type == "matching":
        labels = [p.match_id for p in question.pairs]
        orders = list(itertools.permutations(labels))[:24]
        return [dict(zip([p.id for p in question.pairs], o, strict=True)) for o in orders]
    if question.type == "ordering":
        return [list(o) for o in itertools.permutations(question.shuffled)][:60]
    right = question.right_answer()
    if question.answer_kind == "date":
        day, month, year = right.split("/")
        return [
            right,
            f"{int(day)}/{int(month)}/{year[2:]}",  # the same day, typed short
            f"{year}-{month}-{day}",
            f"01/{month}/{year}",
            f"28/{month}/{int(year) + 1}",
            "31/02/2023",
            "15/13/2023",
            "next week",
            "١٤/٠٣/٢٠٢٣",  # Arabic-Indic digits
        ]
    return [str(right), str(right + 1), str(max(right - 1, 0)), " 7 ", "seven", "1e1"]


def test_every_answer_gets_the_courses_feedback_in_the_package():
    cases, expected = [], []
    for question in every_question():
        for answer in answers_for(question):
            for tries in range(REVEAL_AFTER + 1 if question.type == "computed" else 1):
                cases.append(
                    {
                        "spec": spec(question),
                        "answer": answer,
                        "tries": tries,
                        "revealAfter": REVEAL_AFTER,
                    }
                )
                why = question.unreadable(answer)
                if why:
                    expected.append({"unreadable": why})
                    continue
                result = check(question, answer, tries)
                expected.append(
                    {
                        "result": {
                            "correct": result.correct,
                            "points": result.points,
                            "outOf": result.out_of,
                            "messages": result.messages,
                        },
                        "html": feedback_html(result),
                    }
                )
    got = run_js(cases)
    kinds = {c["spec"]["type"] for c in cases}
    assert kinds == {"single", "multiple", "true_false", "matching", "ordering", "computed"}
    assert any(e.get("result", {}).get("correct") for e in expected)
    assert any(e.get("result", {}).get("correct") is False for e in expected)
    assert any("unreadable" in e for e in expected)
    for case, want, have in zip(cases, expected, got, strict=True):
        if "result" in want:  # points compare as numbers (Python gives 0.0 or 1)
            want["result"]["points"] = float(want["result"]["points"])
            have["result"]["points"] = float(have["result"]["points"])
        where = f"{case['spec']['id']} answered {case['answer']!r}, try {case['tries']}"
        assert have == want, where


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ok",
        "not sure at all",
        "I think it is about the child",
        "Confidentiality has limits when a child is at risk.",
        "السرية لها حدود عندما يكون الطفل في خطر",
        "बच्चे की सुरक्षा सबसे पहले आती है हमेशा",
        "a b c d e",
        "1234 5678 9012 3456 7890",
        "保密 有 限度 孩子 危险",
    ],
)
def test_a_reflection_counts_as_an_attempt_in_the_package_as_in_the_course(text):
    rules = settings()
    [got] = run_js(
        [{"attempt": text, "words": rules["attemptWords"], "letters": rules["attemptLetters"]}]
    )
    assert got == is_attempt(text)

"""The two comprehension questions asked before signing (pure)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    options: list[tuple[str, str]]
    correct: str
    hint: str


QUESTIONS = [
    Question(
        id="share",
        text="When might your therapist share what you say without asking you first?",
        options=[
            ("family", "Whenever a family member asks"),
            ("danger", "When someone may be in serious danger, or when the law requires it"),
            ("never", "Never, in any case"),
        ],
        correct="danger",
        hint="Not quite. Read the part “When I may share without asking you” again.",
    ),
    Question(
        id="seen",
        text="How can you find out who has opened your record?",
        options=[
            ("portal", "On the page “Who has seen my record” in my portal"),
            ("cannot", "I cannot find out"),
            ("court", "Only through a court"),
        ],
        correct="portal",
        hint="Not quite. Read the part “How your records are kept safe” again.",
    ),
]


def wrong_answers(answers: dict[str, str]) -> dict[str, str]:
    """Field errors for each question not answered correctly."""
    return {q.id: q.hint for q in QUESTIONS if answers.get(q.id) != q.correct}

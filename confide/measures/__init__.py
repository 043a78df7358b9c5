"""Outcome and alliance measures. ``from confide.measures import score`` is the pure scoring core."""

from confide.measures.scoring import InvalidAnswersError, Options, Score, reliable_change, score

__all__ = ["InvalidAnswersError", "Options", "Score", "reliable_change", "score"]

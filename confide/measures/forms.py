from __future__ import annotations

from django import forms

from confide.measures.catalogue import CATALOGUE
from confide.measures.services import PORTAL_INSTRUMENTS


class AssignForm(forms.Form):
    instrument = forms.ChoiceField(
        label="Ask the client to complete", choices=[(i, CATALOGUE[i].name) for i in PORTAL_INSTRUMENTS]
    )


class EntryForm(forms.Form):
    instrument = forms.ChoiceField(label="Instrument", choices=[(i, s.name) for i, s in CATALOGUE.items()])
    answers = forms.CharField(
        label="Item values in order, separated by commas (ORS/SRS: each line mark in millimetres, 0–100)",
        max_length=200,
    )

    def clean_answers(self) -> list[int | None]:
        raw = [part.strip() for part in self.cleaned_data["answers"].split(",")]
        try:
            return [None if part in ("", "-") else int(part) for part in raw]
        except ValueError:
            raise forms.ValidationError("Use whole numbers separated by commas; '-' for a missing item.") from None


class QuestionnaireForm(forms.Form):
    def __init__(self, *args: object, items: list[str], anchors: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for number, text in enumerate(items, start=1):
            self.fields[f"q{number}"] = forms.TypedChoiceField(
                label=f"{number}. {text}", choices=list(enumerate(anchors)), coerce=int, widget=forms.RadioSelect
            )

    def answers(self) -> list[int | None]:
        return [self.cleaned_data[f"q{n}"] for n in range(1, len(self.fields) + 1)]


class PlanForm(forms.Form):
    instrument = forms.ChoiceField(label="Ask regularly", choices=[(i, CATALOGUE[i].name) for i in PORTAL_INSTRUMENTS])
    every_sessions = forms.IntegerField(label="Every how many sessions (0 stops)", min_value=0, max_value=12, initial=4)

from __future__ import annotations

from django import forms

from confide.consent.fhir import CATEGORIES, PURPOSES, RECIPIENT_KINDS
from confide.consent.models import AgreementKind
from confide.consent.questions import QUESTIONS


class SignForm(forms.Form):
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    typed_name = forms.CharField(label="Type your full name to sign", max_length=150)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for question in QUESTIONS:
            self.fields[question.id] = forms.ChoiceField(
                label=question.text, choices=question.options, widget=forms.RadioSelect
            )
        self.order_fields([q.id for q in QUESTIONS] + ["typed_name", "document_sha256"])


class WordingForm(forms.Form):
    kind = forms.ChoiceField(choices=AgreementKind.choices, widget=forms.HiddenInput)
    wording = forms.CharField(label="Your practice's terms (Markdown)", widget=forms.Textarea(attrs={"rows": 14}))


class JurisdictionForm(forms.Form):
    jurisdictions = forms.MultipleChoiceField(
        label="Law that applies to the practice", widget=forms.CheckboxSelectMultiple
    )
    reaffirm_months = forms.IntegerField(label="Clients re-affirm every (months)", min_value=1, max_value=36)

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["jurisdictions"].choices = choices  # type: ignore[attr-defined]


class DirectiveForm(forms.Form):
    recipient_kind = forms.ChoiceField(label="Who", choices=list(RECIPIENT_KINDS.items()))
    recipient_name = forms.CharField(label="Their name", max_length=150)
    categories = forms.MultipleChoiceField(
        label="What they may receive", choices=list(CATEGORIES.items()), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.ChoiceField(label="Why", choices=list(PURPOSES.items()))
    valid_to = forms.DateField(
        label="Until (leave empty until you withdraw it)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

from __future__ import annotations

from django import forms

from confide.clients.validation import EMAIL_MAX, NAME_MAX


def _jurisdictions() -> list[tuple[str, str]]:
    from confide.consent.selectors import rule_library

    library = rule_library()
    return [("", "Same as the practice"), *((i, library.versions(i)[-1].name) for i in library.ids())]


class ClientForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX)
    email = forms.CharField(
        label="E-mail (for portal invitations)",
        required=False,
        max_length=EMAIL_MAX,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    phone = forms.CharField(label="Phone", required=False, max_length=40)
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    diagnoses = forms.CharField(
        label="Diagnoses (one per line, e.g. ICD-10 F41.1 Generalized anxiety disorder)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    jurisdiction = forms.ChoiceField(
        label="Where the client lives (its law is added to the practice's)", required=False, choices=_jurisdictions
    )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)

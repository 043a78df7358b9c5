from __future__ import annotations

from django import forms


class OpenForm(forms.Form):
    client_number = forms.CharField(label="Client number (e.g. C-00042)", max_length=20)
    reason = forms.CharField(label="The emergency", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    justified = forms.TypedChoiceField(
        label="Decision",
        choices=[("yes", "Justified"), ("no", "Not justified")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Reasons", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

from __future__ import annotations

from django import forms

from confide.disclosures.models import Notice


class RequestForm(forms.Form):
    recipient_name = forms.CharField(label="Who receives it (person or agency)", max_length=200)
    recipient_address = forms.CharField(label="Their address, if known", max_length=300, required=False)
    purpose = forms.CharField(
        label="Purpose (the client reads this)", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    justification = forms.CharField(
        label="Why these items and no more (minimum necessary)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    items = forms.MultipleChoiceField(label="What to disclose", widget=forms.CheckboxSelectMultiple)
    emergency = forms.BooleanField(
        label="Emergency: release now, a second clinician reviews afterwards", required=False
    )
    notice = forms.ChoiceField(label="Telling the client", choices=Notice.choices, widget=forms.RadioSelect)
    notice_on = forms.DateField(
        label="Tell the client on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notice_reason = forms.CharField(
        label="Why not now (required to delay or withhold)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    suspended_until = forms.DateField(
        label="An agency asked to suspend the client's accounting until (leave empty if not)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    suspension_statement = forms.CharField(
        label="The agency's statement (who asked, how, for how long)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, items: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["items"].choices = items  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="Decision",
        choices=[("yes", "Approve"), ("no", "Decline")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Reasons", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReleaseForm(forms.Form):
    recipient_key = forms.CharField(
        label="Recipient's age key (age1…) or SSH public key", max_length=2000, required=False
    )
    passphrase = forms.CharField(
        label="…or a passphrase you give them separately (12+ characters)",
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("recipient_key") and not data.get("passphrase"):
            raise forms.ValidationError("Give the recipient's public key or a passphrase.")
        return data

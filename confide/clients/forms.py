from __future__ import annotations

from django import forms

from confide.clients.validation import EMAIL_MAX, NAME_MAX


class ClientForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX)
    email = forms.CharField(
        label="E-mail (for portal invitations)",
        required=False,
        max_length=EMAIL_MAX,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)

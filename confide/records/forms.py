from __future__ import annotations

from django import forms

from confide.records.progress import BODY_MAX


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 8}), max_length=BODY_MAX, strip=False)


class DocumentForm(forms.Form):
    file = forms.FileField(label="Document (PDF, PNG, JPEG or text)")


class UnlockForm(forms.Form):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput, required=False, max_length=4096)
    recovery_key = forms.CharField(label="Recovery key (if your password was reset)", required=False, max_length=200)


class SetupForm(forms.Form):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput, required=False, max_length=4096)


class ResetForm(forms.Form):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput, required=False, max_length=4096)
    confirm = forms.CharField(label='Type "I understand" to confirm', max_length=40)

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        if value.strip().lower() != "i understand":
            raise forms.ValidationError('Type "I understand" to confirm.')
        return value

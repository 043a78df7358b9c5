from __future__ import annotations

from django import forms

from confide.scheduling.models import Appointment, Modality


class SeriesForm(forms.Form):
    first_start = forms.DateTimeField(
        label="First session", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    cadence_days = forms.IntegerField(
        label="Every how many days (7 weekly, 14 fortnightly, or any other)", min_value=1, max_value=90, initial=7
    )
    count = forms.IntegerField(label="Number of sessions", min_value=1, max_value=52, initial=8)
    duration_minutes = forms.IntegerField(label="Minutes", min_value=10, max_value=240, initial=50)
    modality = forms.ChoiceField(label="Where", choices=Modality.choices)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in Appointment.Status if s not in ("scheduled", "rescheduled")]
    )
    clinician_late_minutes = forms.IntegerField(min_value=0, max_value=240, required=False, initial=0)


class RescheduleForm(forms.Form):
    start_at = forms.DateTimeField(label="New time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

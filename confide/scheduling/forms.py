from __future__ import annotations

from django import forms

from confide.scheduling.models import Appointment, Modality

CADENCES = [(7, "Weekly"), (14, "Every two weeks"), (28, "Every four weeks")]


class SeriesForm(forms.Form):
    first_start = forms.DateTimeField(
        label="First session", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    cadence_days = forms.TypedChoiceField(label="How often", choices=CADENCES, coerce=int)
    count = forms.IntegerField(label="Number of sessions", min_value=1, max_value=52, initial=8)
    duration_minutes = forms.IntegerField(label="Minutes", min_value=10, max_value=240, initial=50)
    modality = forms.ChoiceField(label="Where", choices=Modality.choices)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in Appointment.Status if s not in ("scheduled", "rescheduled")]
    )
    clinician_late_minutes = forms.IntegerField(min_value=0, max_value=240, required=False, initial=0)

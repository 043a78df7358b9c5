"""Care teams: which members may see which client."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CareTeamMember(models.Model):
    class TeamRole(models.TextChoices):
        PRIMARY = "primary", "Primary clinician"
        CLINICIAN = "clinician", "Clinician"
        SUPERVISOR = "supervisor", "Supervisor"

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="care_team")
    member = models.ForeignKey("practices.Member", on_delete=models.CASCADE, related_name="care_teams")
    team_role = models.CharField(max_length=12, choices=TeamRole.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "client", "member"], name="careteam_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.client_id} as {self.team_role}"

"""Contacts recorded by their real actor, and the index of the written contacts awaiting an answer.

Until now a contact sent from the portal or the public form had the portal's own inactive user `portal:website`
as its staff (a contact had to name one). Those rows now say who sent them: the beneficiary through the portal
when the contact names a beneficiary, else the system (the public form); the placeholder user is deleted (kept,
inactive, only if some other row still points at it). The rows logged by staff get their user name as the label
kept for history, as every actor column keeps it.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import ProtectedError

PLACEHOLDER = "portal:website"


def forwards(apps, schema_editor):
    Interaction = apps.get_model("interactions", "Interaction")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    placeholder = User.objects.filter(username=PLACEHOLDER).first()
    if placeholder is not None:
        theirs = Interaction.objects.filter(staff=placeholder)
        theirs.filter(beneficiary__isnull=False).update(staff=None, staff_kind="beneficiary", staff_label="")
        theirs.filter(beneficiary__isnull=True).update(staff=None, staff_kind="system", staff_label="public_form")
        try:
            placeholder.delete()
        except ProtectedError:
            pass
    # One UPDATE per staff member who logged contacts (tens of people), not per row.
    logged = Interaction.objects.filter(staff__isnull=False, staff_label="").order_by()
    for user_id in logged.values_list("staff_id", flat=True).distinct():
        username = User.objects.filter(pk=user_id).values_list("username", flat=True).first() or ""
        logged.filter(staff_id=user_id).update(staff_kind="staff", staff_label=username[:150])


class Migration(migrations.Migration):

    dependencies = [
        ('association', '0005_minutes_name_voters'),
        ('beneficiaries', '0008_self_registration_guardians'),
        ('interactions', '0003_actors_answers_faq'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='interaction',
            index=models.Index(condition=models.Q(('answered_at__isnull', True), ('channel', 'website'), ('direction', 'in'), ('staff_kind__in', ('beneficiary', 'guardian', 'system'))), fields=['occurred_at', 'id'], name='contact_awaiting_answer_idx'),
        ),
    ]

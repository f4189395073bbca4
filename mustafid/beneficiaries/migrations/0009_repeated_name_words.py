"""A word a name holds twice («محمد محمد») is indexed a second time (`search.repeated`): reindex the names that
hold one. Only those are rewritten; the others' rows are already what `index_names` writes."""

from django.db import migrations

from mustafid.beneficiaries import search


def reindex_repeated(apps, schema_editor):
    Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
    last = 0
    while True:
        batch = list(Beneficiary.objects.filter(pk__gt=last).order_by("pk").only("pk", *search.NAME_PARTS)[:5000])
        if not batch:
            return
        last = batch[-1].pk
        repeated = [b for b in batch if any(word.startswith(search.REPEATED) for word in search.words_of(b))]
        if repeated:
            search.index_names(repeated, apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('beneficiaries', '0008_self_registration_guardians'),
    ]

    operations = [
        migrations.RunPython(reindex_repeated, migrations.RunPython.noop, elidable=True),
    ]

"""The 13 administrative regions of the Kingdom, in their official order."""

from django.db import migrations

# Frozen here (a migration must not change when lib/saudi.py does).
REGIONS = [
    ("riyadh", "الرياض", "Riyadh", "الرياض"),
    ("makkah", "مكة المكرمة", "Makkah", "مكة المكرمة"),
    ("madinah", "المدينة المنورة", "Madinah", "المدينة المنورة"),
    ("qassim", "القصيم", "Qassim", "بريدة"),
    ("eastern", "المنطقة الشرقية", "Eastern Province", "الدمام"),
    ("asir", "عسير", "Asir", "أبها"),
    ("tabuk", "تبوك", "Tabuk", "تبوك"),
    ("hail", "حائل", "Hail", "حائل"),
    ("northern_borders", "الحدود الشمالية", "Northern Borders", "عرعر"),
    ("jazan", "جازان", "Jazan", "جازان"),
    ("najran", "نجران", "Najran", "نجران"),
    ("al_baha", "الباحة", "Al-Baha", "الباحة"),
    ("al_jawf", "الجوف", "Al-Jawf", "سكاكا"),
]


def seed(apps, schema_editor):
    Region = apps.get_model("association", "Region")
    for order, (code, name_ar, name_en, capital_ar) in enumerate(REGIONS, start=1):
        Region.objects.update_or_create(
            code=code, defaults={"name_ar": name_ar, "name_en": name_en, "capital_ar": capital_ar, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("association", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

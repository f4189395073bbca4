from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "mustafid.beneficiaries"
    label = "beneficiaries"

    def ready(self):
        # The audit trail finds a person's records by name or number (mustafid/lib/composition.py).
        from . import audit_subjects

        audit_subjects.register()

from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "mustafid.beneficiaries"
    label = "beneficiaries"

from django.apps import AppConfig


class AssociationConfig(AppConfig):
    name = "mustafid.association"
    label = "association"

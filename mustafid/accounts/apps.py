from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mustafid.accounts"
    label = "accounts"

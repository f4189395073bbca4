from django.apps import AppConfig


class LibConfig(AppConfig):
    """Plain helpers with no models; installed so that the text check reaches every form."""

    name = "mustafid.lib"
    label = "lib"
    verbose_name = "Mustafid helpers"

    def ready(self):
        from .choices import fast_choice_display
        from .forms import guard_text_fields

        guard_text_fields()
        fast_choice_display()

"""`get_<field>_display()` looks the label up (lib/choices.py), and says what Django's would say."""

from django.db.models import Model
from django.test import SimpleTestCase
from django.utils.translation import override

from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases.models import Case, Status


class ChoiceDisplayTests(SimpleTestCase):
    def test_a_label_is_in_the_readers_language(self):
        case = Case(status=Status.WITH_COMMITTEE)
        with override("ar"):
            self.assertEqual(case.get_status_display(), "لدى لجنة البحث")
        with override("en"):
            self.assertEqual(case.get_status_display(), "With the research committee")

    def test_it_says_what_djangos_own_says_for_every_choice(self):
        field = Case._meta.get_field("status")
        for language in ("ar", "en"):
            with override(language):
                for value in [*Status.values, "not-a-status", ""]:
                    case = Case(status=value)
                    self.assertEqual(case.get_status_display(), Model._get_FIELD_display(case, field))
        event = AuditEvent(event_type=EventType.values[0])
        self.assertEqual(event.get_event_type_display(), str(EventType.choices[0][1]))
        self.assertEqual(AuditEvent(event_type=9999).get_event_type_display(), 9999)

    def test_the_label_is_a_plain_string(self):
        self.assertIs(type(Case(status=Status.CLOSED).get_status_display()), str)

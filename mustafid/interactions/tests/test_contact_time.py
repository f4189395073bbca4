"""The contact log shows when a contact happened: the time as well as the date, in the association's time zone."""

import datetime

from django.utils import timezone

from mustafid.interactions.actions import log_interaction


def test_the_contact_log_shows_the_time_of_each_contact(client, officer):
    contact = log_interaction(channel="phone", direction="in", kind="inquiry", summary="يسأل عن موعد القرار",
                              by=officer, contact_name="سعيد")
    at = timezone.localtime(timezone.now()).replace(hour=9, minute=41, second=0, microsecond=0)
    type(contact).objects.filter(pk=contact.pk).update(occurred_at=at - datetime.timedelta(days=1))
    client.force_login(officer)
    page = client.get("/contacts/").content.decode()
    assert '<bdi dir="ltr" class="contact-time">09:41</bdi>' in page

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from mustafid.association import views as association_views
from mustafid.lib import views as lib_views

urlpatterns = [
    path("healthz", association_views.healthz, name="healthz"),
    path("dates/convert", lib_views.convert_date, name="convert_date"),
    path("", include("mustafid.reports.urls")),
    path("", include("mustafid.association.urls")),
    # «الأسئلة الشائعة»: the public page (/faq/) and the manager's screens (/settings/faq/, before the admin).
    path("", include("mustafid.interactions.faq_urls")),
    path("accounts/", include("mustafid.accounts.urls")),
    path("beneficiaries/", include("mustafid.beneficiaries.urls")),
    path("contacts/", include("mustafid.interactions.urls")),
    path("cases/", include("mustafid.cases.urls")),
    path("referrals/", include("mustafid.research.urls")),
    path("committee/", include("mustafid.committee.urls")),
    # The decision letter: its download for staff and the applicant's signed link (committee/letter_urls.py).
    path("", include("mustafid.committee.letter_urls")),
    path("services/", include("mustafid.services.urls")),
    # Satisfaction surveys: the managers' pages, and the beneficiary's link kept short for an SMS (/s/<token>/).
    path("feedback/", include("mustafid.feedback.urls")),
    path("", include("mustafid.feedback.public_urls")),
    # The beneficiary's own pages: sign-in by one-time code, their requests and messages (docs/portal.md).
    path("portal/", include("mustafid.portal.urls")),
    path("audit/", include("mustafid.audit.urls")),
    # Delivery reports from the SMS and WhatsApp providers, then the staff's failed messages.
    path("messages/hooks/", include("mustafid.notifications.urls")),
    path("messages/", include("mustafid.interactions.outbox_urls")),
    # The manager's wording of the messages, in the settings area (before the admin, which takes the rest).
    path("settings/messages/", include("mustafid.notifications.settings_urls")),
    # One sign-in for staff (throttled and audited): the settings screens use it too.
    path(
        "settings/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True, http_method_names=["get", "head"]),
        name="settings_login",
    ),
    path("settings/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

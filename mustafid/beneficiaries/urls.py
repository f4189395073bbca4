from django.urls import path

from . import import_views, views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.beneficiary_list, name="list"),
    path("new/", views.beneficiary_new, name="new"),
    path("import/", import_views.import_upload, name="import"),
    path("import/preview/", import_views.import_preview, name="import_preview"),
    path("import/run/", import_views.import_run, name="import_run"),
    path("import/done/", import_views.import_done, name="import_done"),
    path("import/rejected.csv", import_views.import_rejected, name="import_rejected"),
    path("<int:pk>/", views.beneficiary_detail, name="detail"),
    path("<int:pk>/edit/", views.beneficiary_edit, name="edit"),
    path("<int:pk>/household/", views.household_add, name="household_add"),
    # A self-registration from the portal: the officer verifies or rejects it.
    path("<int:pk>/verify/", views.verify_registration, name="verify"),
    path("<int:pk>/reject/", views.reject_registration, name="reject"),
    path("<int:pk>/household/<int:member_pk>/remove/", views.household_remove, name="household_remove"),
    path("<int:pk>/guardians/", views.guardian_add, name="guardian_add"),
    path("<int:pk>/guardians/<int:guardian_pk>/end/", views.guardian_end, name="guardian_end"),
]

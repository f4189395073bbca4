from django.urls import path

from . import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.beneficiary_list, name="list"),
    path("new/", views.beneficiary_new, name="new"),
    path("<int:pk>/", views.beneficiary_detail, name="detail"),
    path("<int:pk>/edit/", views.beneficiary_edit, name="edit"),
    path("<int:pk>/household/", views.household_add, name="household_add"),
    path("<int:pk>/household/<int:member_pk>/remove/", views.household_remove, name="household_remove"),
]

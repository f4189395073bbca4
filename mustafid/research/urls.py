from django.urls import path

from . import report_views, views

app_name = "research"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("case/<int:pk>/", views.refer_case, name="refer_case"),
    path("beneficiary/<int:pk>/", views.refer_other, {"kind": "beneficiary"}, name="refer_beneficiary"),
    path("interaction/<int:pk>/", views.refer_other, {"kind": "interaction"}, name="refer_interaction"),
    path("case/<int:pk>/report/", report_views.report_page, name="report"),
    path("photo/<int:pk>/", report_views.report_photo, name="report_photo"),
]

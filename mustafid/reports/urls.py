from django.urls import path

from . import board_views, export_views, indicator_views, policy_notice_views, public_views, views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("indicators/", indicator_views.indicators, name="indicators"),
    # The board's period report and its recommendations (board_report.py): managers issue, auditors read.
    path("indicators/board/", board_views.board_reports, name="board"),
    path("indicators/board/<int:pk>/", board_views.board_report_detail, name="board_report"),
    path("indicators/board/<int:pk>/report.pdf", board_views.board_report_pdf, name="board_pdf"),
    path("indicators/board/<int:pk>/recommend/", board_views.recommend, name="board_recommend"),
    path("indicators/board/recommendations/<int:pk>/publish/", board_views.publish, name="board_publish"),
    path("exports/cases/", export_views.export_cases, name="export_cases"),
    path("exports/beneficiaries/", export_views.export_beneficiaries, name="export_beneficiaries"),
    path("exports/contacts/", export_views.export_contacts, name="export_contacts"),
    # Public statistics (no sign-in) and the notice of a new policy version to beneficiaries (docs/public.md).
    path("statistics/", public_views.statistics, name="public_statistics"),
    path("policy/notice/", policy_notice_views.policy_notice, name="policy_notice"),
]

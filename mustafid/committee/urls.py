from django.urls import path

from . import appeal_views, minutes_views, views

app_name = "committee"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("cases/<int:pk>/appeal/", appeal_views.appeal, name="appeal"),
    path("cases/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("cases/<int:pk>/circulation/vote/", views.circulation_vote, name="circulation_vote"),
    path("cases/<int:pk>/circulation/decide/", views.circulation_decide, name="circulation_decide"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/cases/<int:case_pk>/vote/", views.vote, name="vote"),
    path("meetings/<int:pk>/cases/<int:case_pk>/outcome/", views.outcome, name="outcome"),
    path("meetings/<int:pk>/minutes.pdf", minutes_views.minutes_pdf, name="minutes"),
    path("meetings/<int:pk>/minutes/signed/", minutes_views.minutes_scan, name="minutes_scan"),
    path("meetings/<int:pk>/close/", minutes_views.close, name="close"),
    path("meetings/<int:pk>/agenda/add/", minutes_views.agenda_add, name="agenda_add"),
]

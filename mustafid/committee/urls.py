from django.urls import path

from . import views

app_name = "committee"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("cases/<int:pk>/decide/", views.decide, name="decide"),
]

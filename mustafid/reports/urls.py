from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("deadlines/", views.deadlines, name="deadlines"),
]

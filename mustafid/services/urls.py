from django.urls import path

from . import views

app_name = "services"

urlpatterns = [
    path("cases/<int:pk>/deliveries/", views.record_delivery, name="record_delivery"),
]

from django.urls import path

from . import views

app_name = "association"

urlpatterns = [
    path("policy/", views.policy, name="policy"),
    path("association/logo/", views.logo, name="logo"),
    path("tools/", views.staff_tools, name="staff_tools"),
    path("tools/<int:pk>/file/", views.staff_tool_file, name="staff_tool_file"),
]

from django.urls import path

from . import views

app_name = "association"

urlpatterns = [
    path("policy/", views.policy, name="policy"),
    # A version of the policy as approved (the policy page lists the previous ones); a version may hold a "/".
    path("policy/versions/<path:version>/", views.policy_version, name="policy_version"),
    path("association/logo/", views.logo, name="logo"),
    path("tools/", views.staff_tools, name="staff_tools"),
    path("tools/<int:pk>/file/", views.staff_tool_file, name="staff_tool_file"),
]

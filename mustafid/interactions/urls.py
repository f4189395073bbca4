from django.urls import path

from . import views

app_name = "interactions"

urlpatterns = [
    path("", views.interaction_list, name="list"),
    path("new/", views.interaction_new, name="new"),
    path("<int:pk>/", views.interaction_detail, name="detail"),
    path("new/lookup/", views.caller_lookup, name="lookup"),
    path("message/<int:pk>/", views.send_message, name="send_message"),
]

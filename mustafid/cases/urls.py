from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/<int:beneficiary_pk>/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/documents/", views.upload_document, name="upload_document"),
    path("documents/<int:pk>/", views.document_file, name="document_file"),
    path("documents/<int:pk>/verify/", views.verify_document, name="verify_document"),
    path("documents/<int:pk>/refuse/", views.refuse_document, name="refuse_document"),
    path("<int:pk>/incomplete/", views.mark_incomplete, name="mark_incomplete"),
    path("<int:pk>/declaration/", views.record_declaration, name="record_declaration"),
    path("<int:pk>/declaration-form.pdf", views.declaration_form_pdf, name="declaration_form_pdf"),
    path("declarations/<int:pk>/", views.declaration_file, name="declaration_file"),
    path("<int:pk>/submit/", views.submit_to_committee, name="submit"),
    path("<int:pk>/return/", views.return_for_information, name="return"),
    path("<int:pk>/information/", views.provide_information, name="provide_information"),
    path("<int:pk>/register/", views.register_beneficiary, name="register"),
    path("<int:pk>/close/", views.close_case, name="close"),
]

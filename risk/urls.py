from django.urls import path

from risk import views

app_name = "risk"

# Mounted under cases/<int:pk>/ (config/urls.py): every view receives the case pk.
urlpatterns = [
    path("risk/", views.overview, name="overview"),
    path("risk/start/<slug:code>/", views.start, name="start"),
    path("risk/assessments/<int:assessment_pk>/", views.assessment, name="assessment"),
    path("risk/assessments/<int:assessment_pk>/autosave/", views.autosave, name="autosave"),
    path("risk/assessments/<int:assessment_pk>/correct/", views.correct, name="correct"),
    path("stage-2/", views.stage2, name="stage2"),
    path("stage-2/steps/<int:step_pk>/", views.stage2_step, name="stage2_step"),
    path("safety-plan/new/", views.plan_start, name="plan_start"),
    path("safety-plan/<int:plan_pk>/", views.plan, name="plan"),
    path("safety-plan/<int:plan_pk>/revise/", views.plan_revise, name="plan_revise"),
    path("safety-plan/<int:plan_pk>/pdf/", views.plan_pdf, name="plan_pdf"),
]

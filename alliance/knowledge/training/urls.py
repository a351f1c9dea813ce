"""The training pages: /training/."""

app_name = "training"

urlpatterns: list = []

"""The entries paths."""

urlpatterns: list = []

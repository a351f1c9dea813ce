"""The recommendations paths."""

urlpatterns: list = []

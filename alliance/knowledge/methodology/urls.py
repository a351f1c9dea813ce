"""The methodology paths."""

urlpatterns: list = []

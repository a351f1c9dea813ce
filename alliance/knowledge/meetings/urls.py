"""The meetings paths."""

urlpatterns: list = []

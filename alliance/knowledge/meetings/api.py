"""The meetings API."""

urls: list = []

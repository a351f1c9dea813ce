"""The entries API."""

urls: list = []

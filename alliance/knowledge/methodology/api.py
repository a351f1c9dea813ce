"""The methodology API."""

urls: list = []

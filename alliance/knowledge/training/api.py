"""The training API."""

urls: list = []

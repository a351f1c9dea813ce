"""The monitoring API (being written by the API helper)."""

urls: list = []

"""The recommendations API."""

urls: list = []

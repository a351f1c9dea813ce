"""The entries tasks and notifications (alliance.work registry)."""


def register() -> None:
    """Register the kinds and the daily function (filled in by this area)."""

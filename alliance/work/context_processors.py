from .selectors import WorkCounts


def work(request):
    """The navigation's counts of due tasks and unread notifications (lazy: at most two
    queries, and none on a page that does not show them)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"work_counts": None}
    return {"work_counts": WorkCounts(user)}

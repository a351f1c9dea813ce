from .models import Agency


def active_agencies():
    return Agency.objects.filter(is_active=True).select_related("jurisdiction")

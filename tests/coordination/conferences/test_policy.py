"""One policy per object type: for every persona, a conference (and an action) is listed exactly
when its page opens and its grant allows a read; the list filter and the object check agree."""

import pytest
from django.urls import reverse

from alliance.coordination.conferences.access import conference_actions, conferences
from alliance.coordination.models import CaseConference, ConferenceAction

from ...conftest import login
from ...matrix import PERSONAS
from . import builders

pytestmark = pytest.mark.django_db


def test_a_conference_is_listed_exactly_when_it_opens(world):
    w = world
    builders.held_with_action(w)
    builders.schedule(w, days=20, attendees=[w.security_a])
    for persona in [p for p in PERSONAS if p != "anonymous"]:
        user = getattr(w, persona)
        client = login(user)
        listed = set(conferences.visible(user).values_list("pk", flat=True))
        for conference in CaseConference.objects.select_related("person"):
            opens = client.get(reverse("coordination:conference_detail",
                                       args=[conference.uuid])).status_code == 200
            granted = conferences.grant(user, conference).can("view")
            assert (conference.pk in listed) == opens == granted, (persona, conference)
        listed_actions = set(conference_actions.visible(user).values_list("pk", flat=True))
        for action in ConferenceAction.objects.select_related("conference__person"):
            opens = client.get(reverse("coordination:action_close",
                                       args=[action.uuid])).status_code == 200
            granted = conference_actions.grant(user, action).can("view")
            assert (action.pk in listed_actions) == opens == granted, (persona, action)

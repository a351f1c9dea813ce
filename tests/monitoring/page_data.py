"""Snapshot figures with known answers for the pages' and the exports' tests (test_pages.py,
test_exports.py), written with conftest's `snapshot`."""


def agency_months(w, snapshot):
    """Prison A's figures for June and July 2026, both computed."""
    snapshot.put(w.prison_a, "2026-06", "screened", 2)
    snapshot.put(w.prison_a, "2026-07", "screened", 4)
    snapshot.put(w.prison_a, "2026-06", "engagement", 3, 6)
    snapshot.put(w.prison_a, "2026-07", "engagement", 6, 8)
    snapshot.put(w.prison_a, "2026-07", "referral_response_days", 27, 6)
    snapshot.computed("2026-06", "2026-07")
    return w


def small_july(w, snapshot):
    """July 2026 computed, alone: the screenings of J1 (4, in prison A) are too few, so J1 is
    suppressed, and J2's 987 with it (the cheapest cell that stops J1 from being the region
    minus the others); Kosovo*'s 2345 and the region's 3336 are shown. Engagement: J1's 6 of 8
    is suppressed (all but two attended), its n shown."""
    snapshot.put(w.prison_a, "2026-07", "screened", 4)
    snapshot.put(w.prison_other, "2026-07", "screened", 987)
    snapshot.put(w.prison_xk, "2026-07", "screened", 2345)
    snapshot.put(w.prison_a, "2026-07", "engagement", 6, 8)
    snapshot.put(w.prison_other, "2026-07", "engagement", 30, 40)
    snapshot.put(w.prison_xk, "2026-07", "engagement", 45, 50)
    snapshot.computed("2026-07")
    return w

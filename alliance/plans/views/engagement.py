def enrol(request, **kwargs):
    raise NotImplementedError


def enrolment_detail(request, **kwargs):
    raise NotImplementedError


def schedule(request, **kwargs):
    raise NotImplementedError


def enrolment_end(request, **kwargs):
    raise NotImplementedError


def session_detail(request, **kwargs):
    raise NotImplementedError


def session_record(request, **kwargs):
    raise NotImplementedError


def person_sessions(request, **kwargs):
    raise NotImplementedError


def offers(request, **kwargs):
    raise NotImplementedError


def stage(request, **kwargs):
    raise NotImplementedError


def alliance_record(request, **kwargs):
    raise NotImplementedError


def alliance_measure(request, **kwargs):
    raise NotImplementedError


def alliance_trends(request, **kwargs):
    raise NotImplementedError


def sessions_today(request, **kwargs):
    raise NotImplementedError


def not_engaging(request, **kwargs):
    raise NotImplementedError



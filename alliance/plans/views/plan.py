def plan_start(request, **kwargs):
    raise NotImplementedError


def plan_detail(request, **kwargs):
    raise NotImplementedError


def plan_update(request, **kwargs):
    raise NotImplementedError


def plan_position(request, **kwargs):
    raise NotImplementedError


def goal_add(request, **kwargs):
    raise NotImplementedError


def goal_edit(request, **kwargs):
    raise NotImplementedError


def goal_remove(request, **kwargs):
    raise NotImplementedError


def step_add(request, **kwargs):
    raise NotImplementedError


def step_edit(request, **kwargs):
    raise NotImplementedError


def step_remove(request, **kwargs):
    raise NotImplementedError


def progress(request, **kwargs):
    raise NotImplementedError


def plan_submit(request, **kwargs):
    raise NotImplementedError


def plan_countersign(request, **kwargs):
    raise NotImplementedError


def plan_return(request, **kwargs):
    raise NotImplementedError


def plan_revise(request, **kwargs):
    raise NotImplementedError


def plan_review(request, **kwargs):
    raise NotImplementedError


def plan_pdf(request, **kwargs):
    raise NotImplementedError


def interventions(request, **kwargs):
    raise NotImplementedError



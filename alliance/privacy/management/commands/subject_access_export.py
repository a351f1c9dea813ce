"""manage.py subject_access_export REFERENCE --out FILE --dpo USERNAME --request REF --received DATE

The subject access export of one person (privacy/export.py), as JSON or, for a FILE ending in
.pdf, a readable PDF. It is a disclosure to the data subject made by a data protection officer
of the person's jurisdiction: the command acts as that DPO (--dpo) and logs it as the page does.
"""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from alliance.people.models import Person
from alliance.privacy import export, pdf, services


class Command(BaseCommand):
    help = "Export everything held about a person for their subject access request."

    def add_arguments(self, parser):
        parser.add_argument("reference")
        parser.add_argument("--out", required=True, help="FILE.json or FILE.pdf")
        parser.add_argument("--dpo", required=True,
                            help="the data protection officer answering the request")
        parser.add_argument("--request", required=True, help="the request's reference")
        parser.add_argument("--received", required=True, help="the request's date, YYYY-MM-DD")
        parser.add_argument("--withhold", action="append", default=[],
                            metavar="SECTION=GROUND", help="withhold a whole section")
        parser.add_argument("--note", default="", help="why the sections are withheld")

    def handle(self, *args, reference, out, dpo, request, received, withhold, note, **options):
        person = Person.objects.filter(reference=reference.strip().upper()).first()
        actor = get_user_model().objects.filter(username=dpo, is_active=True).first()
        if person is None or actor is None:
            raise CommandError("No such person or no such active user.")
        try:
            received_on = datetime.date.fromisoformat(received)
            withheld = dict(w.split("=", 1) for w in withhold)
        except ValueError as exc:
            raise CommandError(f"Invalid --received or --withhold: {exc}") from exc
        if withheld and not note.strip():
            raise CommandError("Say why with --note when withholding sections.")
        fmt = "pdf" if out.lower().endswith(".pdf") else "json"
        choices = export.Choices(request_reference=request, request_received=received_on,
                                 withhold=withheld, note=note)
        try:
            # The file is made in the transaction of its disclosure: no log without a file.
            with transaction.atomic():
                data = services.subject_access_export(actor=actor, person=person,
                                                      choices=choices, fmt=fmt)
                content = (pdf.subject_access_pdf(data) if fmt == "pdf" else
                           json.dumps(data, ensure_ascii=False, indent=2).encode())
        except (PermissionDenied, ValueError, pdf.PdfUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        Path(out).write_bytes(content)
        self.stdout.write(f"Wrote {out}: {sum(s['count'] for s in data['sections'])} records.")

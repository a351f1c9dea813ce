"""The trend chart (pure) and the one-page PDF summary (through the real services and WeasyPrint)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from alliance.assessments import pdf, selectors, services
from alliance.assessments.charts import profile_svg, trend_svg

from ..conftest import PROFILE_ANSWERS_WITHOUT_IN3, complete_ratings, profile_complete

SVG = "{http://www.w3.org/2000/svg}"
D1, D2, D3 = datetime.date(2025, 3, 1), datetime.date(2025, 9, 12), datetime.date(2026, 3, 20)


def _trend(**series):
    return {"series": series, "dates": [D1, D2, D3]}


def _texts(root) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


# --- chart -------------------------------------------------------------------------------------

def test_the_chart_is_well_formed_svg_with_a_title_and_an_advisory_description():
    svg = trend_svg(_trend(Beliefs=[(D1, 4), (D2, 3), (D3, 2)]), title="Domain scores")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Domain scores"
    desc = root.find(f"{SVG}desc").text
    assert "Advisory" in desc and "Beliefs: 01.03.2025 4, 12.09.2025 3, 20.03.2026 2" in desc
    assert {"01.03.2025", "12.09.2025", "20.03.2026"} <= set(_texts(root))  # day-first axis


def test_the_chart_has_no_script_style_or_external_reference():
    svg = trend_svg(_trend(Beliefs=[(D1, 4), (D2, 3)]), title="t")
    for forbidden in ("<script", "<style", "href", "url(", "<foreignObject"):
        assert forbidden not in svg


def test_the_chart_escapes_labels_and_keeps_cyrillic():
    svg = trend_svg(_trend(**{"<script>alert(1)</script>": [(D1, 1)], "Уверувања": [(D1, 2)]}),
                    title="<b>title</b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    root = ET.fromstring(svg)
    assert "<script>alert(1)</script>" in _texts(root) and "Уверувања" in _texts(root)


def test_a_missing_value_breaks_the_line_into_separate_segments():
    svg = trend_svg(_trend(Beliefs=[(D1, 4), (D2, None), (D3, 2)], Social=[(D1, 1), (D2, 2)]),
                    title="t")
    root = ET.fromstring(svg)
    beliefs, social = "#0072B2", "#D55E00"  # the first two series colours
    lines = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert [p.get("stroke") for p in lines] == [social]  # Beliefs has no two adjacent values
    markers = [m for m in root.iter() if m.get("fill") == beliefs]
    assert len(markers) == 2 + 1  # its two known values, and its legend marker
    assert "12.09.2025 no value" in root.find(f"{SVG}desc").text


def test_the_legend_shows_each_series_with_its_own_dash_pattern():
    labels = ["Beliefs", "Social context", "History", "Commitment", "Protective factors", "Personal"]
    svg = trend_svg(_trend(**{label: [(D1, n), (D2, n + 1)] for n, label in enumerate(labels)}),
                    title="t")
    root = ET.fromstring(svg)
    assert set(labels) <= set(_texts(root))
    samples = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "2"]
    assert len(samples) == len(labels)
    assert len({(s.get("stroke"), s.get("stroke-dasharray")) for s in samples}) == len(labels)
    assert len({s.get("stroke-dasharray") for s in samples}) == len(labels)  # not colour alone


def test_an_empty_trend_says_so_in_the_callers_words():
    svg = trend_svg({"series": {}, "dates": []}, title="t", empty_text="Ende s’ka të dhëna & <x>")
    root = ET.fromstring(svg)
    assert _texts(root) == ["Ende s’ka të dhëna & <x>"]
    assert root.find(f"{SVG}desc") is not None
    assert ET.fromstring(trend_svg({"series": {"A": [(D1, None)]}, "dates": [D1]}, title="t",
                                   empty_text="nothing")) is not None


LABELS = {"concern": "Concern", "protection": "Protection", "now": "now", "before": "before",
          "none": "nothing rated yet", "advisory": "Advisory."}


def _profile(**rows):
    return [{"label": label, **values} for label, values in rows.items()]


def test_the_profile_is_well_formed_svg_with_every_value_in_its_description():
    svg = profile_svg(_profile(
        Engagement={"concern": 0.5, "protection": None, "previous_concern": 0.25},
        Protective={"concern": None, "protection": 1.0, "previous_protection": 0.5},
        Capability={"concern": None, "protection": None}), title="Domain profile",
        labels=LABELS)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Domain profile"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("Advisory.")
    assert "Engagement: Concern, now 50%; Concern, before 25%" in desc
    assert "Protective: Protection, now 100%; Protection, before 50%" in desc
    assert "Capability: nothing rated yet" in desc
    for forbidden in ("<script", "<style", "href", "url(", "<foreignObject"):
        assert forbidden not in svg


def test_concern_and_protection_differ_by_colour_and_pattern_and_the_past_by_outline():
    svg = profile_svg(_profile(A={"concern": 1.0, "protection": 1.0, "previous_concern": 1.0,
                                  "previous_protection": 1.0}), title="t", labels=LABELS)
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") in ("12", "10")]
    solid = {r.get("fill") for r in bars if r.get("fill") != "#ffffff"}
    assert len(solid) == 2  # a colour for concern, another for protection
    hollow = [r for r in bars if r.get("fill") == "#ffffff"]
    assert hollow and all(r.get("stroke-dasharray") for r in hollow)  # the previous one
    stripes = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "1.5"]
    assert stripes  # protection is striped, concern is not: not colour alone
    assert {"Concern, now", "Concern, before", "Protection, now", "Protection, before"} <= set(
        _texts(root))


def test_the_profile_escapes_names_and_says_when_there_is_nothing():
    svg = profile_svg(_profile(**{"<b>Уверувања</b>": {"concern": 0.5}}), title="<t>",
                      labels=LABELS)
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "<b>Уверувања</b>" in _texts(ET.fromstring(svg))
    empty = profile_svg(_profile(A={"concern": None}), title="t", labels=LABELS,
                        empty_text="Ende s’ka")
    assert _texts(ET.fromstring(empty)) == ["Ende s’ka"]


# --- PDF ---------------------------------------------------------------------------------------

def _weasyprint_or_skip():
    try:
        return pdf.load_weasyprint()
    except pdf.PdfUnavailable as exc:
        pytest.skip(f"WeasyPrint cannot run on this machine: {exc}")


@pytest.fixture
def countersigned(assessing):
    draft = assessing.draft
    complete_ratings(draft, assessing.treatment_a)
    draft = services.assessment_update(
        actor=assessing.treatment_a, assessment=draft, expected_version=None,
        sources=[{"kind": "interview", "description": "x", "on": "2026-11-01"}],
        overall_judgement="moderate", judgement_rationale="r", formulation="f")
    draft = services.assessment_submit(actor=assessing.treatment_a, assessment=draft,
                                       expected_version=None)
    return services.assessment_countersign(actor=assessing.manager_a, assessment=draft,
                                           expected_version=None)


def _context(assessment, user, full=False):
    context = selectors.assessment_page(assessment, user)
    context.update(person=assessment.person, comparison=selectors.comparison(assessment),
                   full=full)
    return context


def _page_text(page) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    return " ".join(" ".join(box.text for box in page._page_box.descendants()
                             if isinstance(box, TextBox)).split())


def test_the_pdf_is_one_page_with_the_reference_and_without_the_name(assessing, countersigned):
    _weasyprint_or_skip()
    context = _context(countersigned, assessing.manager_a)

    content = pdf.assessment_pdf(context)
    document = pdf.render_document(context)

    assert content.startswith(b"%PDF")
    assert len(document.pages) == 1
    text = _page_text(document.pages[0])
    assert assessing.person_a.reference in text
    assert "professional judgement" in text and "advisory: computed, not a decision" in text
    html = pdf.summary_html(context)
    for identifying in ("Krasniqi", "Arben", "1705990450011", "17.05.1990"):
        assert identifying not in text and identifying not in html


def test_the_pdf_summarises_ratings_unknowns_and_judgement(assessing, countersigned):
    _weasyprint_or_skip()
    text = _page_text(pdf.render_document(_context(countersigned, assessing.manager_a)).pages[0])
    assert "BA1" in text and "Moderate" in text and "unknown" in text
    assert re.search(r"26 of 26 items rated, \d+ unknown", text)
    assert "Countersigned" in text and str(assessing.manager_a) in text
    assert "This is the first assessment with this instrument." in text


def test_the_pdf_counts_changes_since_the_previous_assessment(assessing, countersigned):
    _weasyprint_or_skip()
    correction = services.assessment_correct(actor=assessing.treatment_a,
                                             assessment=countersigned, reason="typo")
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=correction,
                                  item_code="BA1", rating="high", evidence="Said so again")
    document = pdf.render_document(_context(correction, assessing.treatment_a))
    text = _page_text(document.pages[0])
    # BA1 went up on a risk item: for the worse, in words that follow its direction
    assert re.search(r"for the worse 1 · for the better 0 · unchanged \d+ · newly unknown 0",
                     text)
    assert "For the worse: BA1 (more concern)" in text
    assert "Not final" in text


def test_albanian_and_cyrillic_render_with_the_vendored_font(assessing, countersigned,
                                                             monkeypatch):
    _weasyprint_or_skip()
    from django.utils import translation

    fetched = []
    allowed = pdf.is_static_file
    monkeypatch.setattr(pdf, "is_static_file", lambda url: fetched.append(url) or allowed(url))
    for language, sample in (("sq", "Vlerësimi"), ("mk", "Проценка")):
        with translation.override(language):
            document = pdf.render_document(_context(countersigned, assessing.manager_a))
        assert len(document.pages) == 1
        assert sample in _page_text(document.pages[0])
    assert {url.rsplit("/", 1)[1] for url in fetched} == {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}
    assert all(allowed(url) for url in fetched)
    assert (pdf.static_dir() / "fonts" / "dejavu" / "LICENSE").exists()


def test_the_pdf_fetches_nothing_but_static_files():
    fonts = pdf.static_dir() / "fonts" / "dejavu" / "DejaVuSans.ttf"
    assert pdf.is_static_file(fonts.as_uri())
    for url in ("https://example.org/font.ttf", "http://localhost/static/x.css", "file:///etc/passwd",
                fonts.as_uri().replace("/fonts/dejavu/", "/../../../etc/"), "data:text/css,x{}",
                "file://otherhost" + str(fonts)):
        assert not pdf.is_static_file(url), url


@pytest.mark.parametrize("error", [ImportError("no module"), OSError("cannot load libpango")])
def test_a_missing_weasyprint_or_system_library_makes_the_pdf_unavailable(monkeypatch, error):
    def fail(name):
        raise error

    monkeypatch.setattr(pdf, "import_module", fail)
    with pytest.raises(pdf.PdfUnavailable, match="libpango-1.0-0"):
        pdf.assessment_pdf({})


# --- two lengths, format 2 ---------------------------------------------------------------------

@pytest.fixture
def profile(profiling):
    """A complete structured profile (format 2): named ratings, not applicable, a domain
    judgement per domain, factors, and a formulation that is its judgement."""
    return profile_complete(profiling, evidence="EVIDENCE-{code} from the file",
                            factor={"rating": {"presence": "present", "influence": "some"},
                                    "evidence": "EVIDENCE-factor letters"},
                            source="SOURCE-two interviews",
                            formulation="FORMULATION-belonging drives it")


def _all_text(document) -> str:
    return " ".join(_page_text(page) for page in document.pages)


def test_the_summary_is_one_page_of_labels_and_the_full_record_has_the_evidence(assessing,
                                                                                profile):
    _weasyprint_or_skip()
    summary = pdf.render_document(_context(profile, assessing.treatment_a))
    full = pdf.render_document(_context(profile, assessing.treatment_a, full=True))

    assert len(summary.pages) == 1
    short, whole = _page_text(summary.pages[0]), _all_text(full)
    # labels, never codes alone: each named rating with its label, the judgement per domain
    assert "Clearly present · Influence on offending: Strong" in short
    assert "partly_present" not in short and "partly_present" not in whole
    assert "Judgement of engagement Moderate engagement" in short
    assert "Protective factors PR1 Rejects violence as a means to an end" in short
    assert "This instrument gives no summary level" in short
    assert "FORMULATION-belonging drives it" in short and "Online contacts" in short
    # the summary leaves out the evidence and the sources; the full record has them all
    assert "EVIDENCE-" not in short and "SOURCE-" not in short
    for code in PROFILE_ANSWERS_WITHOUT_IN3:
        assert f"EVIDENCE-{code} from the file" in whole
    assert "EVIDENCE-factor letters" in whole and "SOURCE-two interviews" in whole
    assert "Assessment record" in whole
    # never the name, in either length
    for identifying in ("Krasniqi", "Arben", "1705990450011", "17.05.1990"):
        assert identifying not in short and identifying not in whole
    assert assessing.person_a.reference in short and assessing.person_a.reference in whole


def test_both_lengths_are_linked_from_the_overview_and_served(assessing, profile):
    _weasyprint_or_skip()
    from django.urls import reverse

    from ..conftest import login

    client = login(assessing.treatment_a)
    url = reverse("assessments:pdf", args=[profile.uuid])
    overview = client.get(reverse("assessments:detail", args=[profile.uuid])).content.decode()
    assert f'href="{url}"' in overview and f'href="{url}?length=full"' in overview
    summary, full = client.get(url), client.get(url + "?length=full")
    assert summary["Content-Type"] == full["Content-Type"] == "application/pdf"
    assert summary.content.startswith(b"%PDF") and len(full.content) > len(summary.content)
    assert f"record-{assessing.person_a.reference}.pdf" in full["Content-Disposition"]

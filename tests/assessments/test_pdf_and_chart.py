"""The trend chart (pure) and the one-page PDF summary (through the real services and WeasyPrint)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from alliance.assessments import pdf, selectors, services
from alliance.assessments.charts import trend_svg

from ..conftest import complete_ratings

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


def _context(assessment, user):
    context = selectors.assessment_page(assessment, user)
    context.update(person=assessment.person, comparison=selectors.comparison(assessment))
    return context


def _page_text(page) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    return " ".join(box.text for box in page._page_box.descendants() if isinstance(box, TextBox))


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
    assert re.search(r"up 1 · down 0 · unchanged \d+ · newly unknown 0", text)
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

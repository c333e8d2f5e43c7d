"""SVG charts: well-formed, accessible, escaped, readable without colour."""

import xml.etree.ElementTree as ET

from analysis.charts import (
    Bar,
    Group,
    bar_chart,
    fr_pct,
    paired_chart,
    safe_ident,
    stacked_chart,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"
NASTY = "<script>alert(\"x\")</script> & 'Oui' 😀"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on malformed XML
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert "style" not in svg  # no style attribute nor element (CSP)
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_bar_chart_has_values_whiskers_and_escaped_labels():
    svg = bar_chart(
        [Bar(NASTY, 42.0, 30.5, 55.25, "n = 12"), Bar("Non", 58.0, 45, 70)],
        title=f"Titre {NASTY}",
        desc="Desc & co",
        ident="q1",
    )
    root = parse(svg)
    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == f"Titre {NASTY}"
    assert NASTY in texts(root)
    assert "42\u00a0% (n = 12)" in texts(root)
    # 2 whiskers × (bar + 2 caps) × (white halo + black line)
    assert len(root.findall(f"{SVG}line")) == 12


def test_bar_chart_hidden_value_and_out_of_range_values():
    root = parse(
        bar_chart(
            [Bar("Trop peu", None), Bar("Bornes", 104, -3, 120)],
            title="t",
            desc="d",
            ident="q2",
        )
    )
    assert "Non affiché : trop peu de réponses" in texts(root)
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert max(widths) <= 640


def test_stacked_chart_uses_hatching_and_hides_suppressed_groups():
    series = ["Oui", "Non", NASTY]
    svg = stacked_chart(
        [Group("18 à 24 ans", [50, 30, 20], "n = 10"), Group(NASTY, [None] * 3)],
        series,
        title="Croisement",
        desc="d",
        ident="croise 1",
    )
    root = parse(svg)
    patterns = root.findall(f"{SVG}defs/{SVG}pattern")
    assert patterns and all(p.get("id").startswith("croise-1-") for p in patterns)
    all_text = texts(root)
    assert "Non affiché : moins de 5 personnes" in all_text
    assert "50\u00a0%" in all_text and "30\u00a0%" in all_text
    assert any(t.startswith("<script>") for t in all_text)  # as text, escaped
    assert "<script>" not in svg


def test_paired_chart_names_each_bar():
    root = parse(
        paired_chart(
            [
                Group("Smartphone", [80.0, 82.5, 91.0]),
                Group("Internet", [70, None, 88]),
            ],
            ["Territoire (brut)", "Territoire (redressé)", "France"],
            title="Comparaison",
            desc="d",
            ident="nat",
        )
    )
    all_text = texts(root)
    assert all_text.count("France") == 2
    assert "non disponible" in all_text
    assert "91\u00a0%" in all_text


def test_empty_charts_are_still_valid():
    parse(bar_chart([], title="t", desc="d", ident="e"))
    parse(stacked_chart([], [], title="t", desc="d", ident="e2"))


def test_helpers():
    assert fr_pct(12.345, 1) == "12,3\u00a0%"
    assert fr_pct(None) == "—"
    assert safe_ident("Q 1/<x>") == "Q-1--x"
    assert wrap("mot " * 100, 20, 2)[-1].endswith("…")


def test_bar_chart_side_labels_put_each_label_beside_its_bar():
    bars = [Bar("Oui, avec une box", 72.0, 66, 75), Bar("Non", 18.0, 15, 23)]
    above = parse(bar_chart(bars, title="t", desc="d", ident="a"))
    side = parse(bar_chart(bars, title="t", desc="d", ident="b", side_labels=True))
    assert {"Oui, avec une box", "Non", "72\u00a0%", "18\u00a0%"} <= set(texts(side))
    bar_x = {float(r.get("x")) for r in side.iter(f"{SVG}rect")}
    assert bar_x == {250.0}  # bars start right of the labels
    height = [float(r.get("viewBox").split()[3]) for r in (above, side)]
    assert height[1] < 0.75 * height[0]

"""Scripts: none on the residents' pages, ES modules whose imports resolve.

The pages a resident reads work without JavaScript and load none. The pages
that do use it (kiosk, live workshops) load ES modules, with no build step:
a wrong path or a name no longer exported would only show in a browser, so
every import of every module is checked here against the files themselves.
"""

import re
from pathlib import Path

import pytest
from helpers.bulk_responses import open_survey

ROOT = Path(__file__).resolve().parent.parent
# URL prefix -> folder, as the app serves them (create_app, facilitation.views).
STATIC = {
    "/static/": ROOT / "survey_app/static",
    "/ateliers-statique/": ROOT / "facilitation/static",
}
IMPORT_RE = re.compile(r'^import \{([^}]*)\} from "([^"]+)";', re.M)
EXPORT_RE = re.compile(r"^export (?:function|const|let) (\w+)", re.M)
MODULES = [
    (url + str(path.relative_to(folder)), path)
    for url, folder in STATIC.items()
    for path in sorted(folder.rglob("*.js"))
    if IMPORT_RE.search(path.read_text())
]


def file_of(url: str) -> Path:
    for prefix, folder in STATIC.items():
        if url.startswith(prefix):
            return folder / url.removeprefix(prefix)
    raise AssertionError(f"{url} is served by no static folder")


def resolve(base_url: str, specifier: str) -> str:
    parts = base_url.split("/")[:-1]
    for step in specifier.split("/"):
        if step == "..":
            parts.pop()
        elif step != ".":
            parts.append(step)
    return "/".join(parts)


def test_there_are_modules_to_check():
    urls = [url for url, _ in MODULES]
    assert "/static/kiosk/form.js" in urls
    assert "/ateliers-statique/console.js" in urls


@pytest.mark.parametrize("url, path", MODULES, ids=[url for url, _ in MODULES])
def test_every_import_resolves_to_an_exported_name(url, path):
    for names, specifier in IMPORT_RE.findall(path.read_text()):
        target = file_of(resolve(url, specifier))
        assert target.is_file(), f"{url} imports {specifier}: no such file"
        exported = set(EXPORT_RE.findall(target.read_text()))
        for name in names.split(","):
            name = name.strip().split(" as ")[0]
            assert name in exported, f"{url}: {specifier} does not export {name}"


def test_resident_pages_load_no_script(app, client, diagnostic):
    open_survey(app, diagnostic)
    for url in ("/s/marche", "/s/marche/questions", "/s/marche/confidentialite"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script" not in response.get_data(as_text=True), url


def test_templates_load_modules_only():
    """No inline or classic script anywhere (CSP `script-src 'self'`): each
    <script> is an ES module from a file, or JSON data the page reads."""
    packages = ["survey_app", "facilitation", "analysis", "diagnostic", "offer"]
    packages += ["action_plan", "evaluation"]
    tags = [
        (template.relative_to(ROOT), tag)
        for package in packages
        for template in sorted((ROOT / package).rglob("*.html"))
        for tag in re.findall(r"<script\b[^>]*>", template.read_text())
    ]
    assert len(tags) >= 8
    for template, tag in tags:
        module = 'type="module"' in tag and " src=" in tag
        assert module or 'type="application/json"' in tag, (template, tag)


def imported_by(url: str) -> set[str]:
    """Every module `url` needs, itself included."""
    needed, todo = set(), [url]
    while todo:
        current = todo.pop()
        if current not in needed:
            needed.add(current)
            text = file_of(current).read_text()
            todo += [resolve(current, spec) for _, spec in IMPORT_RE.findall(text)]
    return needed


def test_kiosk_page_keeps_every_module_it_needs_offline():
    """The kiosk reloads without network from what the service worker kept:
    the page's script and its modulepreload links (kiosk/offline.js), so
    each module the form imports, however deep, must be listed."""
    template = (ROOT / "survey_app/templates/field/kiosk.html").read_text()
    listed = re.search(r"for module in \(([^)]*)\)", template)[1]
    preloaded = {"/static/" + name for name in re.findall(r"'([^']+)'", listed)}
    needed = imported_by("/static/kiosk/form.js") - {"/static/kiosk/form.js"}
    assert needed == preloaded
    worker = (ROOT / "survey_app/static/sw.js").read_text()
    kept = re.compile(re.search(r"var FILES = /(.*)/;", worker)[1])
    assert all(kept.match(url) for url in needed | {"/static/kiosk/form.js"})


@pytest.mark.parametrize("page", ["console", "participant", "screen"])
def test_live_pages_preload_every_module_they_import(page):
    """A live workshop page preloads (facilitation/_live_script.html) the
    modules its entry imports, however deep, so that a slow phone fetches
    them at once (the shared list may hold one a page does not use)."""
    templates = ROOT / "facilitation/templates/facilitation"
    shared = (templates / "_live_script.html").read_text()
    lists = re.findall(r"for module in (\[[^\]]*\])", shared)
    template = (templates / f"{page}.html").read_text()
    include = re.search(r"entry='([^']+)'(?:, parts=(\[[^\]]*\]))? %\}", template)
    entry = "/ateliers-statique/" + include[1]
    names = re.findall(r"'([^']+)'", lists[0] + (include[2] or ""))
    preloaded = {"/ateliers-statique/" + name for name in names}
    preloaded |= {"/static/" + name for name in re.findall(r"'([^']+)'", lists[1])}
    needed = imported_by(entry) - {entry}
    assert needed <= preloaded, needed - preloaded
    assert all(file_of(url).is_file() for url in preloaded)

"""Imports point down, never up or sideways into a peer (docs/development.md, "Layers").

Each app has a level; a module may import from its own app and from apps of a lower level
only, and may not reach a higher (or peer) app by name with `apps.get_model`. Higher apps show
their data on lower apps' pages through the registries of `mustafid/lib/composition.py`.
Tests, migrations and the project's own wiring (settings, urls, conftest) are exempt: they
see everything by design.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The documented order, ground first (docs/development.md and shared ARCHITECTURE.md).
LEVELS = {
    "lib": 0,
    "audit": 1,
    "accounts": 2,
    "notifications": 2,
    "association": 3,
    "beneficiaries": 4,
    "cases": 5,
    "interactions": 5,
    # The register of complaints and suggestions keeps the contact each came by (interactions); services and the
    # committee invite to surveys.
    "feedback": 6,
    "research": 7,
    "committee": 7,
    "services": 7,
    "api": 7,
    # The beneficiary's own view of every app's output (the committee's decisions and letters now, services next),
    # as `reports` is the staff's: above them all, and nothing imports it.
    "portal": 8,
    "reports": 8,
    "demo": 8,
}
# Known lazy references up, each with its reason.
ALLOWED_UP = {
    # A branch representative's branch: the one documented lazy reference ("association.Branch").
    ("accounts", "association"),
}


def _modules(root):
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or parts[0] not in LEVELS:
            continue
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield path


def _targets(tree):
    """(line, app) for every import of mustafid.<app> and every apps.get_model("<app>", ...) in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "mustafid":
                names = [f"mustafid.{alias.name}" for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "mustafid" and len(parts) > 1:
                    yield node.lineno, parts[1], "import"
                    if parts[2:3] == ["views"] or (len(parts) == 2 and "views" in {a.name for a in node.names}):
                        yield node.lineno, parts[1], "views import"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "mustafid" and len(parts) > 1:
                    yield node.lineno, parts[1], "import"
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get_model" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value.split(".")[0], "apps.get_model"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.count(".") == 1:
            # A lazy model reference in a ForeignKey: "association.Branch".
            app, model = node.value.split(".")
            if app in LEVELS and model[:1].isupper() and model.isidentifier():
                yield node.lineno, app, "lazy reference"


def layer_violations(root=ROOT):
    found = []
    for path in _modules(root):
        app = path.relative_to(root).parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, target, how in _targets(tree):
            if how == "views import" and target != app:
                # A page of another app is composed through the registries, never by calling its views.
                found.append(f"{path.relative_to(root.parent)}:{line}: {app} imports the views of {target}")
                continue
            if target == app or target not in LEVELS or (app, target) in ALLOWED_UP or how == "views import":
                continue
            if LEVELS[target] >= LEVELS[app]:
                found.append(f"{path.relative_to(root.parent)}:{line}: {app} reaches {target} by {how}")
    return found


def test_every_app_has_a_level():
    apps_on_disk = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"lib"}
    assert apps_on_disk <= set(LEVELS), f"add these apps to LEVELS and the docs: {apps_on_disk - set(LEVELS)}"


def test_imports_point_down():
    assert layer_violations() == []


@pytest.mark.parametrize(
    "app, source, expected",
    [
        ("beneficiaries", "from mustafid.cases.models import Case\n", "beneficiaries reaches cases by import"),
        ("cases", "from mustafid.interactions import models\n", "cases reaches interactions by import"),
        ("beneficiaries", "Case = apps.get_model('cases', 'Case')\n", "beneficiaries reaches cases by apps.get_model"),
        ("lib", "import mustafid.audit.log\n", "lib reaches audit by import"),
        ("research", "from mustafid.cases.views import run_step\n", "research imports the views of cases"),
    ],
)
def test_the_guard_catches_a_reach_up(app, source, expected, tmp_path):
    """The guard itself fails on an import up, sideways into a peer, or a get_model that crosses."""
    root = tmp_path / "mustafid"
    (root / app).mkdir(parents=True)
    (root / app / "probe.py").write_text(source, encoding="utf-8")
    assert [line for line in layer_violations(root) if expected in line]
    (root / app / "probe.py").write_text("from mustafid.lib import arabic\n", encoding="utf-8")
    assert layer_violations(root) == []

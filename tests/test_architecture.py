"""Architecture rules, checked by parsing every import of the project's own packages with `ast`.

Layers (a module may import its own layer or a lower one only):
0 `healthqa.core.*`, 1 `experts.models`, 2 `healthqa.models.*`, 3 `articles.models`, 4 the rest.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("healthqa", "experts", "articles")
LAYERS = {"healthqa.core": 0, "experts.models": 1, "healthqa.models": 2, "articles.models": 3}
FORBIDDEN_IN_MODELS = ("healthqa.search", "healthqa.pagecache", "healthqa.admin", "healthqa.public")
FORBIDDEN_IN_MODELS += ("healthqa.demo",)
FORBIDDEN_PARTS = {"views", "admin", "urls"}
MAX_LINES = 600


def module_name(path, root=ROOT):
    """`healthqa/models/__init__.py` -> `healthqa.models`; `healthqa/admin/site.py` -> ..."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root=ROOT):
    """{dotted name: path} for every module of PACKAGES, migrations and caches left out."""
    paths = [path for package in PACKAGES for path in sorted((root / package).rglob("*.py"))]
    skip = {"migrations", "__pycache__"}
    return {module_name(p, root): p for p in paths if not skip & set(p.relative_to(root).parts)}


def nearest(name, known):
    """The longest project module that `name` starts with, or None for a third-party name."""
    parts = name.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts) or None


def imports_of(path, module, known):
    """[(imported project module, line)] for every import anywhere in the file, relative too."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    edges = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [nearest(alias.name, known) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else nearest(base, known)
                for a in node.names
            ]
        else:
            continue
        edges += [(t, node.lineno) for t in targets if t and t != module]
    return sorted(set(edges), key=lambda edge: (edge[1], edge[0]))


def import_graph(modules=None):
    """{module: [(imported module, line), ...]} for the whole project."""
    modules = project_modules() if modules is None else modules
    return {name: imports_of(path, name, modules) for name, path in modules.items()}


def within(module, prefix):
    """`module` is `prefix` or one of its submodules."""
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module):
    """0 for healthqa.core.* ... 3 for articles.models.*, 4 for everything else."""
    return next((layer for prefix, layer in LAYERS.items() if within(module, prefix)), 4)


def edges_where(graph, offends):
    """`importer -> imported (line N)` for every edge with offends(importer, imported)."""
    return [
        f"{importer} -> {imported} (line {line})"
        for importer, edges in sorted(graph.items())
        for imported, line in edges
        if offends(importer, imported)
    ]


def upward_imports(graph):
    return edges_where(graph, lambda src, dst: layer_of(dst) > layer_of(src))


def impure_model_imports(graph):
    def offends(src, dst):
        forbidden = any(within(dst, p) for p in FORBIDDEN_IN_MODELS)
        return layer_of(src) < 4 and (forbidden or bool(FORBIDDEN_PARTS & set(dst.split("."))))

    return edges_where(graph, offends)


def core_model_imports(graph):
    return edges_where(graph, lambda src, dst: layer_of(src) == 0 and layer_of(dst) > 0)


def find_cycles(graph):
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _line in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def describe_cycles(graph, cycles):
    """Each cycle's modules, then the edges that tie it together."""
    lines = []
    for members in cycles:
        lines.append("cycle: " + ", ".join(members))
        inside = {m: [(dst, n) for dst, n in graph.get(m, []) if dst in members] for m in members}
        lines += ["    " + edge for edge in edges_where(inside, lambda _src, _dst: True)]
    return lines


def fail_unless_empty(offending, headline):
    assert not offending, f"{headline} ({len(offending)}):\n  " + "\n  ".join(offending)


SYNTHETIC = {  # planted: upward imports, core -> model, model -> views/search, two cycles
    "healthqa.core.text": [("experts.models", 3)],
    "experts.models": [("healthqa.models", 9)],
    "healthqa.models": [("healthqa.models.answers", 2), ("healthqa.search.index", 5)],
    "healthqa.models.answers": [("healthqa.models", 4)],
    "articles.models": [("experts.views", 7), ("experts.models", 2)],
    "healthqa.search.index": [("healthqa.admin.site", 1)],
    "healthqa.admin.site": [("healthqa.public.views", 1)],
    "healthqa.public.views": [("healthqa.search.index", 1)],
}


def test_checkers_report_planted_violations():
    assert upward_imports(SYNTHETIC) == [
        "articles.models -> experts.views (line 7)",
        "experts.models -> healthqa.models (line 9)",
        "healthqa.core.text -> experts.models (line 3)",
        "healthqa.models -> healthqa.search.index (line 5)",
    ]
    assert impure_model_imports(SYNTHETIC) == [
        "articles.models -> experts.views (line 7)",
        "healthqa.models -> healthqa.search.index (line 5)",
    ]
    assert core_model_imports(SYNTHETIC) == ["healthqa.core.text -> experts.models (line 3)"]
    assert find_cycles(SYNTHETIC) == [
        ["healthqa.admin.site", "healthqa.public.views", "healthqa.search.index"],
        ["healthqa.models", "healthqa.models.answers"],
    ]


def test_imports_are_read_everywhere_and_relative_ones_resolved(tmp_path):
    (tmp_path / "healthqa" / "models").mkdir(parents=True)
    for name in ("__init__", "answers", "questions"):
        (tmp_path / "healthqa" / "models" / f"{name}.py").write_text("")
    (tmp_path / "healthqa" / "__init__.py").write_text("")
    source = "import os\nfrom . import questions\nif TYPE_CHECKING:\n    from .. import models\n"
    source += "def f():\n    from ..models import Question\n    import healthqa.models.nope\n"
    (tmp_path / "healthqa" / "models" / "answers.py").write_text(source)
    modules = project_modules(tmp_path)
    assert sorted(modules) == ["healthqa", "healthqa.models", "healthqa.models.answers",
                               "healthqa.models.questions"]  # fmt: skip
    path = modules["healthqa.models.answers"]
    assert imports_of(path, "healthqa.models.answers", modules) == [
        ("healthqa.models.questions", 2),
        ("healthqa.models", 4),
        ("healthqa.models", 6),
        ("healthqa.models", 7),
    ]


def test_walk_finds_the_layered_modules():
    modules = project_modules()
    assert len(modules) >= 40, f"only {len(modules)} modules found under {ROOT}"
    missing = [m for m in ("healthqa.core", "healthqa.models", "experts.models", "articles.models")
               if m not in modules]  # fmt: skip
    assert not missing, f"expected layer 0-3 modules are missing: {missing}"


def test_imports_run_one_way():
    fail_unless_empty(upward_imports(import_graph()), "imports into a higher layer")


def test_no_import_cycles():
    graph = import_graph()
    fail_unless_empty(describe_cycles(graph, find_cycles(graph)), "import cycles")


def test_model_modules_stay_pure():
    offending = impure_model_imports(import_graph())
    fail_unless_empty(offending, "layers 0-3 import search/pagecache/admin/public/views/urls/demo")


def test_core_imports_no_model_of_ours():
    fail_unless_empty(core_model_imports(import_graph()), "healthqa.core imports project models")


def test_modules_stay_short():
    too_long = [
        f"{name}: {count} lines"
        for name, path in sorted(project_modules().items())
        if not within(name, "healthqa.demo")
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    fail_unless_empty(too_long, f"modules longer than {MAX_LINES} lines")

"""When `make mutation` keeps a group's last passing score (scripts/mutation_kept.py): only while nothing
the fingerprint covers changed — a byte of the module, a neighbour in its app, a test, a shared fixture,
the listing, the tool."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import mutation_kept

GROUP = [{"path": "confide/app/core.py", "tests": ["tests/app", "tests/other/test_one.py"]}]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, text in {
        "confide/app/core.py": "from confide.app import helper\nfrom confide.lib.tools import T\nimport os\n"
        "def f():\n    return 1\n",
        "confide/app/helper.py": "X = 1\n",
        "confide/app/__init__.py": "",
        "confide/lib/tools.py": "T = 1\n",
        "confide/app/neighbour.py": "N = 1\n",
        "confide/else/far.py": "Y = 1\n",
        "tests/app/test_core.py": "def test_f(): ...\n",
        "tests/app/deep/test_deep.py": "def test_g(): ...\n",
        "tests/other/test_one.py": "def test_h(): ...\n",
        "tests/other/test_two.py": "def test_i(): ...\n",
        "tests/conftest.py": "FIXTURES = 1\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _print(tree: Path, listed: tuple[str, ...] = (), tool: str = "3.3.1") -> str:
    return mutation_kept.fingerprint(tree, GROUP, listed=listed, mutmut_version=tool)


@pytest.mark.parametrize(
    "changed",
    [
        "confide/app/core.py",
        "confide/app/helper.py",
        "confide/lib/tools.py",
        "tests/app/test_core.py",
        "tests/app/deep/test_deep.py",
        "tests/other/test_one.py",
        "tests/conftest.py",
    ],
)
def test_a_byte_changed_in_anything_covered_changes_the_fingerprint(tree: Path, changed: str) -> None:
    before = _print(tree)
    (tree / changed).write_text((tree / changed).read_text() + " ")
    assert _print(tree) != before


@pytest.mark.parametrize("changed", ["confide/else/far.py", "confide/app/neighbour.py", "tests/other/test_two.py"])
def test_files_the_group_does_not_name_leave_it_alone(tree: Path, changed: str) -> None:
    before = _print(tree)
    (tree / changed).write_text("changed\n")
    assert _print(tree) == before


def test_a_new_test_file_a_listed_survivor_or_another_tool_changes_it(tree: Path) -> None:
    before = _print(tree)
    assert _print(tree, listed=("confide.app.core.x_f__mutmut_1",)) != before
    assert _print(tree, listed=("confide.else.far.x_g__mutmut_1",)) == before  # another module's listing
    assert _print(tree, tool="3.3.2") != before
    (tree / "tests/app/test_new.py").write_text("def test_new(): ...\n")
    assert _print(tree) != before


def test_a_score_is_kept_only_under_its_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "kept.json"
    assert mutation_kept.load(path) == {}
    record = {"confide/app/core.py": {"fingerprint": "abc", "scores": [["confide/app/core.py", 10, 9, []]]}}
    mutation_kept.save(path, record)
    loaded = mutation_kept.load(path)
    assert mutation_kept.kept(loaded, "confide/app/core.py", "abc") == [["confide/app/core.py", 10, 9, []]]
    assert mutation_kept.kept(loaded, "confide/app/core.py", "abd") is None
    assert mutation_kept.kept(loaded, "confide/app/other.py", "abc") is None
    path.write_text('{"x": 1}')
    with pytest.raises(ValueError, match="not a mapping"):
        mutation_kept.load(path)


def test_a_group_is_named_by_its_modules_in_any_order() -> None:
    assert mutation_kept.key([{"path": "b.py"}, {"path": "a.py"}]) == mutation_kept.key(
        [{"path": "a.py"}, {"path": "b.py"}]
    )


def test_the_imports_counted_are_the_projects_own(tree: Path) -> None:
    found = mutation_kept.imports(tree, tree / "confide/app/core.py")
    assert found == {tree / "confide/app/helper.py", tree / "confide/app/__init__.py", tree / "confide/lib/tools.py"}


def test_the_audit_vocabulary_is_not_a_dependency(tree: Path) -> None:
    (tree / "confide/audit").mkdir()
    (tree / "confide/audit/actions.py").write_text("A = 1\n")
    (tree / "confide/app/core.py").write_text("from confide.audit.actions import A\n")
    assert mutation_kept.imports(tree, tree / "confide/app/core.py") == set()


def test_a_large_groups_folder_name_fits_in_a_file_name() -> None:
    from scripts.mutation_groups import work_of  # noqa: PLC0415

    paths = [f"confide/messaging/module_number_{n}.py" for n in range(15)]
    folder = work_of(paths)
    assert len(folder.name) <= 120 and folder.name.startswith("messaging.module_number_0+14-more-")
    assert work_of(paths[:-1]) != folder and work_of(["confide/a.py", "confide/b.py"]).name == "a+b"

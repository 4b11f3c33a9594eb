"""Content files as an attack surface: one bad file costs only itself, special files are skipped
with a warning, links never lead the loader out of the content folder, and each message says what
is actually wrong."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cli_helpers import err, out, rp
from test_loader_errors import SCENARIO
from tui_helpers import make_app, settle

from roleplay.cli import main
from roleplay.content.library import builtin_dir, load_library
from roleplay.content.loader import load_model
from roleplay.content.models import Rubric
from roleplay.content.yamlmarks import MAX_FILE_BYTES

BUILTIN_SCENARIO = "air_fryer_fab"
PRODUCT = "id: {id}\nname: 杯子\nprice: {price}\nstock: 5\nshipping: 48小时内发货\nreturns: 7天无理由\n"


@pytest.fixture(autouse=True)
def no_roleplay_path(monkeypatch):
    monkeypatch.setenv("ROLEPLAY_PATH", "")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# --- one bad file breaks nothing else -------------------------------------------------------------


def test_a_number_of_5000_digits_is_a_located_error_and_the_rest_loads(tmp_path, capsys):
    path = write(tmp_path / "products" / "big.yaml", PRODUCT.format(id="big", price="1" * 5000))
    code, out, err = run(capsys, "--content", str(tmp_path), "list")
    assert code == 1 and BUILTIN_SCENARIO in out  # listed, and the exit status says a file is broken
    assert f"{path}:3:8: YAML error: a number of 5,000 digits is longer than any content needs" in err
    code, out, _ = run(capsys, "--content", str(tmp_path), "validate")
    assert code == 1 and f"{path}:3:8: YAML error: a number of 5,000 digits" in out


def test_a_date_that_cannot_be_is_a_located_error(tmp_path, capsys):
    path = write(tmp_path / "products" / "cup.yaml", PRODUCT.format(id="cup", price=39).replace("杯子", "2024-13-01"))
    code, out, _ = run(capsys, "--content", str(tmp_path), "validate")
    assert code == 1
    assert f"{path}:2:7: YAML error: cannot read '2024-13-01' as a date: month must be in 1..12" in out


def test_an_impossible_regex_in_a_rubric_costs_only_that_rubric(tmp_path, capsys):
    text = (builtin_dir() / "rubrics" / "default.yaml").read_text(encoding="utf-8")
    text = text.replace("id: default", "id: mine", 1).replace("patterns: ['", "patterns: ['a{4294967296}', '", 1)
    path = write(tmp_path / "rubrics" / "mine.yaml", text)
    code, out, err = run(capsys, "--content", str(tmp_path), "list")
    assert code == 1 and BUILTIN_SCENARIO in out and "default" in out.split("评分标准")[1]
    assert "mine" not in out.split("评分标准")[1]
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: ", err, re.M), err
    code, out, _ = run(capsys, "--content", str(tmp_path), "validate")
    assert code == 1 and re.search(rf"^{re.escape(str(path))}:\d+:\d+: ", out, re.M)


def test_a_check_that_fails_unforeseen_costs_only_its_file(tmp_path, monkeypatch):
    """Whatever a model's checks raise (not only a validation error) is a problem of that file."""
    original = Rubric.model_validate.__func__

    def fails_on_odd(cls, data, *args, **kwargs):
        if data.get("id") == "odd":
            raise OverflowError("the repetition number is too large")
        return original(cls, data, *args, **kwargs)

    monkeypatch.setattr(Rubric, "model_validate", classmethod(fails_on_odd))
    path = write(tmp_path / "rubrics" / "odd.yaml", "id: odd\n")
    library = load_library([tmp_path], env="")
    assert "default" in library.rubrics and BUILTIN_SCENARIO in library.scenarios
    [problem] = [p for p in library.problems if p.path == str(path)]
    assert str(problem) == (
        f"{path}:1:1: cannot be checked (OverflowError: the repetition number is too large); the file is skipped"
    )


async def test_the_app_lists_the_valid_scenarios_and_names_the_broken_file(tmp_path):
    write(tmp_path / "mine" / "products" / "big.yaml", PRODUCT.format(id="big", price="1" * 5000))
    app = make_app(tmp_path, content=[str(tmp_path / "mine")])
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot)
        assert app.load_error is None
        cards = app.screen.query_one("#scenarios")
        assert BUILTIN_SCENARIO in [card.scenario.id for card in cards.children]
        status = str(app.screen.query_one("#status").render())
        assert "题库已就绪" in status and "1 个内容文件有问题：big.yaml" in status


# --- special files and links ------------------------------------------------------------------------


def test_a_fifo_named_yaml_is_skipped_with_a_warning_not_waited_for(tmp_path):
    fifo = tmp_path / "c" / "scenarios" / "x.yaml"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    result = rp("--content", "c", "list", cwd=tmp_path)
    assert result.returncode == 0 and BUILTIN_SCENARIO in out(result)
    expected = "c/scenarios/x.yaml:1:1: warning: skipped: this is a named pipe (FIFO), not a file"
    assert expected in err(result)
    logs = write(tmp_path / "logs.jsonl", '{"id": "1", "scenario": "air_fryer_fab", "turns": '
                 '[{"role": "customer", "text": "在吗"}, {"role": "agent", "text": "亲，在的"}]}\n')  # fmt: skip
    result = rp("--content", "c", "grade", str(logs), cwd=tmp_path)
    assert result.returncode == 0 and '"id": "1"' in out(result).replace('":"', '": "')


def test_a_link_to_dev_zero_is_skipped_not_read(tmp_path):
    link = tmp_path / "c" / "scenarios" / "zero.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to("/dev/zero")
    result = rp("--content", "c", "validate", cwd=tmp_path)
    assert result.returncode == 0
    assert "c/scenarios/zero.yaml:1:1: warning: skipped: a link to /dev/zero, outside the content folder" in out(result)


def test_a_device_named_on_the_command_line_is_not_read(tmp_path):
    """Even a file named on purpose (where a link out of the folder is fine) is read only if regular."""
    result = rp("validate", "/dev/zero", cwd=tmp_path)
    assert result.returncode == 0
    expected = "/dev/zero:1:1: warning: skipped: this is a device, not a file; content is read from ordinary files only"
    assert expected in out(result)


def test_links_that_loop_are_warnings_not_runtime_errors(tmp_path, capsys, monkeypatch):
    scenarios = tmp_path / "c" / "scenarios"
    scenarios.mkdir(parents=True)
    (scenarios / "one.yaml").symlink_to("two.yaml")
    (scenarios / "two.yaml").symlink_to("one.yaml")
    code, out, err = run(capsys, "--content", str(tmp_path / "c"), "list")
    assert code == 0 and BUILTIN_SCENARIO in out
    assert f"{scenarios / 'one.yaml'}:1:1: warning: skipped: a link that loops back to itself" in err
    code, out, _ = run(capsys, "validate", str(scenarios))
    assert code == 0 and f"{scenarios / 'two.yaml'}:1:1: warning: skipped: a link that loops back to itself" in out
    (tmp_path / "l1").symlink_to("l2")
    (tmp_path / "l2").symlink_to("l1")
    monkeypatch.setenv("ROLEPLAY_PATH", str(tmp_path / "l1"))
    code, out, err = run(capsys, "list")
    assert code == 0 and BUILTIN_SCENARIO in out
    assert f"roleplay: warning: ROLEPLAY_PATH: {tmp_path / 'l1'} is a link that loops back to itself" in err


def test_a_linked_folder_is_named_and_not_walked(tmp_path, capsys):
    elsewhere = write(tmp_path / "elsewhere" / "far.yaml", SCENARIO.replace("id: tiny", "id: far"))
    content = tmp_path / "c"
    (content / "scenarios").mkdir(parents=True)
    (content / "scenarios" / "shared").symlink_to(elsewhere.parent)
    (content / "personas").symlink_to(tmp_path / "elsewhere")
    code, out, err = run(capsys, "--content", str(content), "list")
    assert code == 0 and BUILTIN_SCENARIO in out and "far" not in out
    for link in (content / "scenarios" / "shared", content / "personas"):
        assert f"{link}:1:1: warning: skipped: a link to the folder {elsewhere.parent}: links to folders are not followed" in err


def test_a_link_to_a_file_is_read_inside_the_content_folder_only(tmp_path, capsys):
    content = tmp_path / "c"
    write(content / "drafts" / "tiny.yaml", SCENARIO)
    (content / "scenarios").mkdir(parents=True)
    (content / "scenarios" / "tiny.yaml").symlink_to(content / "drafts" / "tiny.yaml")
    outside = write(tmp_path / "far.yaml", SCENARIO.replace("id: tiny", "id: far"))
    (content / "scenarios" / "far.yaml").symlink_to(outside)
    code, out, err = run(capsys, "--content", str(content), "list")
    assert code == 0 and "tiny" in out and "  far " not in out
    assert (
        f"{content / 'scenarios' / 'far.yaml'}:1:1: warning: skipped: a link to {outside}, outside the content "
        f"folder {content}: links are followed only inside it; copy the file into the content folder"
    ) in err


# --- sizes: large is not an alias bomb ----------------------------------------------------------------


def many_nodes(count: int, node: str) -> str:
    """A scenario of ``count`` nodes written out, without a single alias."""
    head = SCENARIO.split("start: a")[0].replace("id: tiny", "id: huge")
    nodes = "".join(node.format(i=i, next=i + 1) for i in range(count - 1))
    return f"{head}start: a0\nnodes:\n{nodes}  a{count - 1}: {{outcome: converted, say: [ok]}}\n"


def test_a_20000_node_scenario_under_the_size_limit_loads(tmp_path):
    text = many_nodes(20_000, "  a{i}: {{say: [hi], transitions: [{{to: a{next}}}]}}\n")
    path = write(tmp_path / "scenarios" / "huge.yaml", text)
    assert path.stat().st_size <= MAX_FILE_BYTES
    model, problems = load_model(path)
    assert problems == [] and len(model.nodes) == 20_000


def test_a_scenario_over_the_size_limit_is_refused_as_too_large(tmp_path, capsys):
    text = many_nodes(20_000, "  a{i}:\n    say: [在吗]\n    transitions:\n      - {{to: a{next}}}\n")
    path = write(tmp_path / "scenarios" / "huge.yaml", text)
    size = path.stat().st_size
    assert size > MAX_FILE_BYTES
    code, out, _ = run(capsys, "--content", str(tmp_path), "validate")
    assert code == 1
    assert f"{path}:1:1: file too large: {size:,} bytes, and a content file may have at most 1,000,000 (1 MB)" in out
    assert "alias" not in out


# --- broken links say where they point -----------------------------------------------------------------


def test_a_broken_link_for_a_folder_says_where_it_points(tmp_path, capsys, monkeypatch):
    content = tmp_path / "c"
    content.mkdir()
    (content / "personas").symlink_to("missing")
    with pytest.raises(SystemExit):
        main(["--content", str(content), "list"])
    expected = f"{content} is not a content folder: its personas is a broken link to {content / 'missing'}, which does not exist"
    assert expected in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--content", str(content / "personas"), "list"])
    assert f"{content / 'personas'} is a broken link to {content / 'missing'}" in capsys.readouterr().err
    monkeypatch.setenv("ROLEPLAY_PATH", str(content / "personas"))
    code, _, err = run(capsys, "list")
    assert code == 0 and f"ROLEPLAY_PATH: {content / 'personas'} is a broken link to {content / 'missing'}" in err
    monkeypatch.setenv("ROLEPLAY_PATH", "")
    (content / "scenarios").mkdir()
    code, _, err = run(capsys, "--content", str(content), "list")
    assert code == 0
    assert f"{content / 'personas'}:1:1: warning: skipped: a broken link to {content / 'missing'}, which does not exist" in err
    code, _, err = run(capsys, "new", "persona", "bob", "--dir", str(content))
    assert code != 0 and f"{content / 'personas'} is a broken link to {content / 'missing'}" in err

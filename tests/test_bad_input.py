"""Bad input is one line and exit 2, never a traceback, for every way a user can get it
wrong: files, JSON, flags, recordings, factories."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from tests.fakes.cli import run_cli_here
from tests.helpers import SAMPLES, examples
from tests.hostile import deep_json, json_depths

JOKE = str(SAMPLES / "joke.py")


def _one_line_exit_2(result, *needles: str) -> None:
    assert result.returncode == 2, result.describe()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("langgraph-tui: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_a_binary_input_file(tmp_path):
    path = tmp_path / "in.json"
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    _one_line_exit_2(run_cli_here("run", JOKE, "--headless", "--input", f"@{path}"), "not UTF-8")


def test_a_binary_or_broken_langgraph_json(tmp_path):
    config = tmp_path / "langgraph.json"
    config.write_bytes(b"\x89PNG\r\n\x1a\n")
    _one_line_exit_2(run_cli_here("run", str(config), "--headless"), "not UTF-8")
    config.write_text(deep_json(5000, "object"))
    _one_line_exit_2(run_cli_here("run", str(config), "--headless"), "nested too deeply")


@pytest.mark.parametrize("deps", ['"."', '{"a": 1}', "[1, 2]", '[".", null]'])
def test_wrong_typed_dependencies(tmp_path, deps):
    (tmp_path / "agent.py").write_text((SAMPLES / "joke.py").read_text())
    config = tmp_path / "langgraph.json"
    config.write_text(f'{{"dependencies": {deps}, "graphs": {{"a": "./agent.py:graph"}}}}')
    _one_line_exit_2(
        run_cli_here("run", str(config), "--headless"), '"dependencies" must be a list'
    )


def test_an_unwritable_or_missing_jsonl_folder(tmp_path):
    missing = tmp_path / "nowhere" / "out.jsonl"
    for mode in (["--headless"], []):
        _one_line_exit_2(
            run_cli_here("run", JOKE, *mode, "--jsonl", str(missing)), "--jsonl", "cannot write"
        )
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run_cli_here("run", JOKE, "--headless", "--jsonl", str(folder / "out.jsonl"))
        if result.returncode != 0:  # root can write anywhere; others get the one line
            _one_line_exit_2(result, "--jsonl")
    finally:
        folder.chmod(0o700)


def test_a_missing_or_bad_sqlite_folder(tmp_path):
    for mode in (["--headless"], []):
        _one_line_exit_2(
            run_cli_here(
                "run", JOKE, *mode, "--checkpointer", f"sqlite:{tmp_path / 'no' / 'x.db'}"
            ),
            "does not exist",
        )
    (tmp_path / "dir.db").mkdir()
    _one_line_exit_2(
        run_cli_here("run", JOKE, "--headless", "--checkpointer", f"sqlite:{tmp_path / 'dir.db'}"),
        "is not a file",
    )
    _one_line_exit_2(run_cli_here("run", JOKE, "--headless", "--checkpointer", "sqlite:"))


@pytest.mark.parametrize(
    ("lines", "needle"),
    [
        (['{"seq": 0, "t": 0, "kind": "status", "ns": [], "status": 3}', "{}"], "line 1"),
        (['{"seq": "zero", "t": 0, "kind": "values", "ns": [], "values": {}}', "{}"], "line 1"),
        (
            [
                '{"seq": 0, "t": 0, "kind": "token", "ns": "root", "node": "a", "text": "x", '
                '"message_id": null}',
                "{}",
            ],
            "line 1",
        ),
        (["[1, 2, 3]", "{}"], "line 1"),
        (['{"seq": 0, "t": 0, "kind": "nope", "ns": []}', "{}"], "unknown event kind"),
        (['{"seq": 0, "t": 0, "kind": "task_started", "ns": [], "node": "a"}', "{}"], "missing"),
    ],
)
def test_a_recording_with_a_wrong_line_or_field_types(tmp_path, lines, needle):
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n")
    for mode in (["--headless"], []):  # the TUI replay refuses it before it starts
        _one_line_exit_2(run_cli_here("replay", str(path), *mode), needle)


def test_a_binary_recording(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xff\xfe binary")
    _one_line_exit_2(run_cli_here("replay", str(path), "--headless"), "not a recording")


@settings(max_examples=examples(5))
@given(json_depths)
def test_deep_json_input_or_answer(depth):
    _one_line_exit_2(
        run_cli_here("run", JOKE, "--headless", "--input", deep_json(depth)), "nested too deeply"
    )
    _one_line_exit_2(
        run_cli_here(
            "run", JOKE, "--headless", "--thread", "t", "--resume", deep_json(depth, "object")
        ),
        "nested too deeply",
    )


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_a_recursion_limit_below_one(limit):
    _one_line_exit_2(
        run_cli_here("run", JOKE, "--headless", "--recursion-limit", limit), "--recursion-limit"
    )


@pytest.mark.parametrize("rate", ["nan", "inf", "1e-300", "0.001", "-1", "fast2"])
def test_a_scripted_rate_that_is_not_one_or_would_hang(rate):
    _one_line_exit_2(
        run_cli_here("run", JOKE, "--headless", "--model", f"scripted:{rate}"), "bad scripted rate"
    )


@pytest.mark.parametrize("code", ["0", "3", "'bye'"])
def test_a_factory_that_calls_sys_exit(tmp_path, code):
    path = tmp_path / "factory.py"
    path.write_text(f"import sys\ndef make_graph():\n    sys.exit({code})\n")
    _one_line_exit_2(
        run_cli_here("run", f"{path}:make_graph", "--headless"), "factory", "SystemExit"
    )


def test_a_module_that_calls_sys_exit_at_import(tmp_path):
    path = tmp_path / "leaves.py"
    path.write_text("import sys\nsys.exit(0)\n")
    _one_line_exit_2(run_cli_here("run", str(path), "--headless"), "SystemExit")


def test_the_answer_box_refuses_json_it_cannot_read():
    from tui.engine.answers import AnswerError, parse_answer

    with pytest.raises(AnswerError, match="nested too deeply"):
        parse_answer(deep_json(5000))
    assert parse_answer("approve") == "approve"
    assert parse_answer(json.dumps({"a": [1]})) == {"a": [1]}

"""``python -m dialer.sim``: scenario files, flags, the chart, the table."""

from __future__ import annotations

import json

import pytest

from dialer.sim.__main__ import main
from dialer.sim.bench import best_ratio, markdown_table, bench_scenario
from dialer.sim.scenario import Scenario, load_scenario


def test_scenario_from_json_and_yaml(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps({"agents": 7, "drift": [[0, 1], [1, 0.5]], "amd": False}))
    (tmp_path / "s.yaml").write_text("agents: 9\nperson_rate: 0.1\n")
    assert load_scenario(tmp_path / "s.json").agents == 7
    assert load_scenario(tmp_path / "s.json").drift_at(0.5) == pytest.approx(0.75)
    assert load_scenario(tmp_path / "s.yaml").person_rate == 0.1


def test_bad_scenarios_are_refused(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"agentz": 7}))
    with pytest.raises(ValueError):
        load_scenario(tmp_path / "bad.json")
    with pytest.raises(ValueError):
        Scenario(person_rate=0.9, machine_rate=0.5)


def test_cli_runs_a_shift_and_writes_a_chart(tmp_path, capsys):
    chart = tmp_path / "shift.png"
    code = main(["--agents", "5", "--shift-hours", "0.2", "--amd", "off", "--pacer", "ratio", "--ratio", "1.5",
                 "--plot", str(chart), "--json"])
    assert code == 0
    figures = json.loads(capsys.readouterr().out.split("chart written")[0])
    assert figures["pacer"] == "ratio" and figures["dials"] > 0
    assert chart.stat().st_size > 1000


def test_cli_reports_bad_settings(capsys):
    assert main(["--pacer", "ratio"]) == 2
    assert "ratio" in capsys.readouterr().err


def test_cli_abandon_guard_runs(capsys):
    assert main(["--agents", "5", "--shift-hours", "0.2", "--abandon-guard"]) == 0


def test_bench_row_compares_all_methods_on_one_scenario():
    row = bench_scenario(Scenario(name="tiny", agents=5, shift_hours=0.3))
    assert row["ratio"] is not None and row["ratio_result"].abandon_rate <= 0.03
    table = markdown_table([row])
    assert "| tiny |" in table


def test_best_ratio_is_the_highest_passing_grid_point():
    ratio, result, runs = best_ratio(Scenario(name="tiny", agents=5, shift_hours=0.3, seed=2))
    assert result.abandon_rate <= 0.03 and 1.0 <= ratio <= 4.0 and runs >= 2

"""``python -m dialer.sim``: play one simulated shift and print its figures.

The scenario comes from ``--scenario file.json|yaml`` and/or flags (flags
win); the pacer from ``--pacer`` plus ``--set key=value`` pacer settings.
``--table`` runs the benchmark matrix instead (same as
``python -m dialer.sim.bench``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields

from dialer.pacing import MODES, make_pacer
from dialer.sim.engine import run
from dialer.sim.scenario import Scenario, load_scenario, scenario_from_dict

_FLAGS = {
    "agents": int,
    "shift_hours": float,
    "person_rate": float,
    "machine_rate": float,
    "busy_rate": float,
    "failed_rate": float,
    "talk_mean_s": float,
    "wrap_mean_s": float,
    "ring_timeout_s": float,
    "breaks_per_agent": int,
    "break_minutes": float,
    "max_lines_per_agent": float,
    "seed": int,
    "name": str,
}


def _value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dialer.sim", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", help="JSON or YAML scenario file")
    for name, kind in _FLAGS.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, type=kind)
    parser.add_argument("--amd", choices=("on", "off"), help="answering-machine detection")
    parser.add_argument("--drift", help='answer-rate multiplier points, JSON, e.g. "[[0,1],[0.5,0.6],[1,1.2]]"')
    parser.add_argument("--pacer", default="predictive", choices=MODES)
    parser.add_argument("--ratio", type=float, help="shorthand for --set ratio=X with --pacer ratio")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="pacer setting")
    parser.add_argument("--abandon-guard", action="store_true",
                        help="tell the pacer each minute whether the run's abandon rate is at the 3 %% cap")
    parser.add_argument("--plot", help="write a PNG chart of the shift here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--table", action="store_true", help="run the benchmark matrix instead")
    return parser


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    data: dict = {}
    if args.scenario:
        base = load_scenario(args.scenario)
        data = {f.name: getattr(base, f.name) for f in fields(Scenario) if f.name != "extra"}
    for name in _FLAGS:
        if getattr(args, name) is not None:
            data[name] = getattr(args, name)
    if args.amd:
        data["amd"] = args.amd == "on"
    if args.drift:
        data["drift"] = json.loads(args.drift)
    return scenario_from_dict(data)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.table:
        from dialer.sim.bench import main as bench_main

        return bench_main([])
    try:
        scenario = scenario_from_args(args)
        settings = dict(item.split("=", 1) for item in args.set)
        settings = {k: _value(v) for k, v in settings.items()}
        if args.ratio is not None:
            settings["ratio"] = args.ratio
        pacer = make_pacer(args.pacer, **settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.abandon_guard:
        pacer = _Guarded(pacer)
    result = run(scenario, pacer, name=args.pacer, series_every_s=60.0 if args.plot else 0.0)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key:>26}: {value}")
    if args.plot:
        from dialer.sim.plot import plot_result

        plot_result(result, args.plot)
        print(f"chart written to {args.plot}")
    return 0


class _Guarded:
    """Plays the pod's part of the abandon guard: once a minute, tells the
    pacer the run's abandon rate and whether it is at the 3 % cap."""

    def __init__(self, pacer, cap: float = 0.03) -> None:
        self.pacer, self.cap = pacer, cap
        self.mode = getattr(pacer, "mode", "pacer")
        self.answers = self.abandons = 0
        self.last = -60.0

    def observe(self, event) -> None:
        if event.kind == "human":
            self.answers += 1
        elif event.kind == "abandoned":
            self.abandons += 1
        self.pacer.observe(event)

    def calls_to_place(self, snapshot) -> int:
        if snapshot.now - self.last >= 60.0:
            self.last = snapshot.now
            rate = self.abandons / self.answers if self.answers else 0.0
            self.pacer.set_abandon_state(rate, rate >= self.cap)
        return self.pacer.calls_to_place(snapshot)

    def __getattr__(self, name):
        return getattr(self.pacer, name)


if __name__ == "__main__":
    sys.exit(main())

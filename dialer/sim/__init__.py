"""Discrete-event simulator of an outbound campaign, for tuning and judging pacers.

``run(scenario, pacer)`` plays a shift in simulated time and returns its
``Result``; ``python -m dialer.sim`` runs one scenario from the command
line and ``python -m dialer.sim.bench`` the benchmark matrix.
"""

from dialer.sim.engine import Result, run
from dialer.sim.scenario import Scenario, load_scenario

__all__ = ["Result", "Scenario", "load_scenario", "run"]

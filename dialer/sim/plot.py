"""Chart of a simulated shift over time (PNG, matplotlib's Agg backend)."""

from __future__ import annotations

from pathlib import Path

from dialer.sim.engine import Result


def plot_result(result: Result, path: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result.series
    if not rows:
        raise ValueError("the run kept no time series; run it with series_every_s > 0")
    minutes = [r["t"] / 60 for r in rows]
    fig, axes = plt.subplots(3, 1, figsize=(10, 8), sharex=True)
    axes[0].plot(minutes, [100 * r["occupancy"] for r in rows], label="occupancy % (interval)")
    axes[0].plot(minutes, [100 * r["person_rate"] for r in rows], label="person-answer rate %")
    axes[0].set_ylim(0, 100)
    axes[0].legend(loc="lower right")
    axes[1].plot(minutes, [100 * r["abandon_rate"] for r in rows], color="tab:red", label="abandon % (cumulative)")
    axes[1].axhline(3.0, color="grey", linestyle="--", label="3 % cap")
    axes[1].legend(loc="upper right")
    axes[2].plot(minutes, [r["dialing"] for r in rows], label="calls dialing")
    axes[2].plot(minutes, [r["logged_in"] for r in rows], label="agents logged in")
    axes[2].legend(loc="upper right")
    axes[2].set_xlabel("minutes into the shift")
    s = result.summary()
    fig.suptitle(
        f"{result.scenario} / {result.pacer}: abandon {100 * result.abandon_rate:.2f} %, "
        f"occupancy {100 * result.occupancy:.1f} %, {s['dials']} dials"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)

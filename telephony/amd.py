"""Answering-machine detection from the customer leg's signal level.

A port of the decision logic of Asterisk's ``app_amd``: the answered leg's
audio is cut into words and silences by an energy threshold, and

- a short greeting followed by a pause (people say "Hello?" and wait) is HUMAN;
- a long greeting, too many words or one endless word is MACHINE;
- nothing at all for ``initial_silence`` is MACHINE in Asterisk (some
  machines and many dead lines start silent) — tunable here, because a live
  person who waits silently and is then hung up on counts as an abandoned
  call;
- no decision by ``total_analysis_time`` (at most 3 s after answer) is
  NOTSURE, and the call should go to an agent.

The detector is pure: it holds no clock and does no I/O. The pod's loop calls
``feed(t_ms, level)`` every ~20 ms with the time since answer and the
customer leg's level — on pjsua2 that is the call media's ``getTxLevel()``,
0..100 (see ``telephony.amd_levels`` for why Tx and for the scale); offline
evaluation feeds the same numbers computed from WAV files.

Differences from app_amd, on purpose: durations come from the caller's
timestamps rather than a frame count (a poll loop can be late or early); the
deadline is checked after the frame is judged, so a decision reached on the
last frame counts; the deadline cannot exceed 3000 ms; and an optional
noise-floor tracker raises the silence threshold on noisy lines
(``noise_floor_margin``; 0 gives app_amd's fixed threshold).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Decision = Literal["HUMAN", "MACHINE", "NOTSURE"]

MAX_ANALYSIS_MS = 3000  # requirement: a decision within 3 s of answer


@dataclass(frozen=True)
class AmdParams:
    """Tunables, in milliseconds unless noted; names follow app_amd's amd.conf.

    initial_silence: silence before any speech that ends the analysis with
        ``initial_silence_decision``.
    greeting: speech (summed over the greeting) beyond which the greeting is
        too long for a person: MACHINE (cause LONGGREETING).
    after_greeting_silence: silence after the greeting has started that
        means the speaker is waiting for us: HUMAN.
    total_analysis_time: deadline after answer; NOTSURE when reached
        (at most 3000).
    min_word_length: consecutive speech that counts as a word (shorter bursts
        are clicks and noise).
    between_words_silence: silence that separates two words.
    maximum_number_of_words: most words (each counted when it follows a
        silence) a person's greeting has; one more is MACHINE (cause MAXWORDS).
        As in Asterisk 13+ (``iWordsCount > maximumNumberOfWords``).
    silence_threshold: frames whose level (pjsua2's 0..100 scale, 49 at full
        scale) is below this are silence. 9 is the image of Asterisk's
        default energy threshold 256 (mean |sample|) on that scale.
    maximum_word_length: one word this long is a machine (cause MAXWORDLENGTH);
        Asterisk's 5000 can never fire inside a 3 s analysis.
    noise_floor_margin: 0 keeps Asterisk's fixed threshold. Above 0, the
        threshold rises to (noise floor + this many levels), the floor being
        the lowest running median (over ``noise_floor_window`` ms, from the
        first full window on) of the levels seen so far: on a noisy line the hiss between and after words
        would otherwise count as speech and every greeting would look long.
    noise_floor_window: span of that running median, in ms (not in readings,
        so that polling faster than the 20 ms frames changes nothing).
    max_silence_threshold: cap on the raised threshold, so that a caller who
        talks from the first frame cannot push it above quiet speech.
    initial_silence_decision: what an initial silence means: Asterisk says
        MACHINE; NOTSURE sends such calls to an agent instead.
    """

    # Defaults: tuned on tests/data/amd (python -m telephony.amd_tune); see
    # docs/bench/amd.md. ``AmdParams.asterisk()`` gives app_amd's own.
    initial_silence: float = 2500
    greeting: float = 1000
    after_greeting_silence: float = 800
    total_analysis_time: float = 3000
    min_word_length: float = 150
    between_words_silence: float = 100
    maximum_number_of_words: int = 2
    silence_threshold: int = 9
    maximum_word_length: float = 5000
    initial_silence_decision: Decision = "MACHINE"
    noise_floor_margin: int = 4
    noise_floor_window: float = 100
    max_silence_threshold: int = 23

    @classmethod
    def asterisk(cls) -> "AmdParams":
        """app_amd's defaults (Asterisk 13+), with the analysis cut to 3 s (Asterisk: 5 s)."""
        return cls(initial_silence=2500, greeting=1500, after_greeting_silence=800, total_analysis_time=3000,
                   min_word_length=100, between_words_silence=50, maximum_number_of_words=2,
                   silence_threshold=9, maximum_word_length=5000, initial_silence_decision="MACHINE",
                   noise_floor_margin=0)

    def __post_init__(self) -> None:
        if not 0 < self.total_analysis_time <= MAX_ANALYSIS_MS:
            raise ValueError(f"total_analysis_time must be in (0, {MAX_ANALYSIS_MS}] ms")
        for name in ("initial_silence", "greeting", "after_greeting_silence", "min_word_length",
                     "between_words_silence", "maximum_word_length"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.maximum_number_of_words < 0:
            raise ValueError("maximum_number_of_words must not be negative")
        if not 0 < self.silence_threshold <= 100:
            raise ValueError("silence_threshold must be in 1..100 (pjsua2 level scale)")
        if self.noise_floor_margin < 0 or self.noise_floor_window <= 0:
            raise ValueError("noise_floor_margin must be >= 0 and noise_floor_window > 0")
        if not self.silence_threshold <= self.max_silence_threshold <= 100:
            raise ValueError("max_silence_threshold must be in silence_threshold..100")
        if self.initial_silence_decision not in ("MACHINE", "NOTSURE", "HUMAN"):
            raise ValueError("initial_silence_decision must be MACHINE, NOTSURE or HUMAN")


@dataclass(frozen=True)
class AmdResult:
    """The verdict: decision, app_amd-style cause, and when (ms after answer)."""

    decision: Decision
    cause: str
    at_ms: float


@dataclass
class _State:
    last_t: float = 0.0
    in_initial_silence: bool = True
    in_greeting: bool = False
    in_word: bool = True  # app_amd starts "in a word": a first word without leading silence is not counted
    silence: float = 0.0  # current run of silence
    voice: float = 0.0  # all speech so far
    consecutive_voice: float = 0.0
    words: int = 0
    recent: list[tuple[float, int]] = field(default_factory=list)  # (t_ms, level) in the floor's window
    floor: int | None = None  # lowest running median so far
    result: AmdResult | None = field(default=None)


class AmdDetector:
    """One call's detector: feed it levels until it returns an ``AmdResult``."""

    def __init__(self, params: AmdParams | None = None) -> None:
        self.params = params or AmdParams()
        self._s = _State()

    @property
    def result(self) -> AmdResult | None:
        return self._s.result

    @property
    def deadline_ms(self) -> float:
        """Poll at this time after answer (or call ``finish`` then) to hold the deadline exactly."""
        return self.params.total_analysis_time

    def feed(self, t_ms: float, level: int) -> AmdResult | None:
        """Judge the audio up to ``t_ms`` after answer, read as ``level`` (pjsua2 getTxLevel scale).

        Returns the result once decided (and the same result on later calls),
        else None. Each frame stands for the time since the previous call
        (since answer for the first one).
        """
        s, p = self._s, self.params
        if s.result is not None:
            return s.result
        dt = t_ms - s.last_t
        if dt < 0:
            raise ValueError(f"time went backwards: {t_ms} < {s.last_t}")
        if dt == 0:
            return None  # a repeated poll: no new audio
        s.last_t = t_ms
        silent = level < self._threshold(t_ms, level)
        decision = self._judge_silence(dt) if silent else self._judge_voice(dt)
        if decision is None and t_ms >= p.total_analysis_time:
            decision = ("NOTSURE", f"TOOLONG-{t_ms:.0f}")
        if decision is not None:
            s.result = AmdResult(decision[0], decision[1], t_ms)
        return s.result

    def finish(self, t_ms: float) -> AmdResult:
        """Close the analysis at ``t_ms`` (deadline, hang-up, end of a file)."""
        s = self._s
        if s.result is None:
            s.result = AmdResult("NOTSURE", f"TOOLONG-{t_ms:.0f}", t_ms)
        return s.result

    def _threshold(self, t_ms: float, level: int) -> int:
        s, p = self._s, self.params
        if p.noise_floor_margin == 0:
            return p.silence_threshold
        s.recent.append((t_ms, level))
        while s.recent[0][0] <= t_ms - p.noise_floor_window:
            s.recent.pop(0)
        if t_ms < p.noise_floor_window:
            return p.silence_threshold
        median = sorted(lv for _, lv in s.recent)[(len(s.recent) - 1) // 2]
        s.floor = median if s.floor is None else min(s.floor, median)
        return max(p.silence_threshold, min(p.max_silence_threshold, s.floor + p.noise_floor_margin))

    def _judge_silence(self, dt: float) -> tuple[Decision, str] | None:
        s, p = self._s, self.params
        s.silence += dt
        if s.silence >= p.between_words_silence:
            s.in_word = False
            s.consecutive_voice = 0.0
        if s.in_initial_silence and s.silence >= p.initial_silence:
            return p.initial_silence_decision, f"INITIALSILENCE-{s.silence:.0f}-{p.initial_silence:.0f}"
        if s.in_greeting and s.silence >= p.after_greeting_silence:
            return "HUMAN", f"HUMAN-{s.silence:.0f}-{p.after_greeting_silence:.0f}"
        return None

    def _judge_voice(self, dt: float) -> tuple[Decision, str] | None:
        s, p = self._s, self.params
        s.silence = 0.0
        s.consecutive_voice += dt
        s.voice += dt
        if s.consecutive_voice >= p.min_word_length and not s.in_word:
            s.words += 1
            s.in_word = True
        if s.consecutive_voice >= p.maximum_word_length:
            return "MACHINE", f"MAXWORDLENGTH-{s.consecutive_voice:.0f}"
        if s.words > p.maximum_number_of_words:
            return "MACHINE", f"MAXWORDS-{s.words}-{p.maximum_number_of_words}"
        if s.in_greeting and s.voice >= p.greeting:
            return "MACHINE", f"LONGGREETING-{s.voice:.0f}-{p.greeting:.0f}"
        if s.consecutive_voice >= p.min_word_length and not s.in_greeting:
            s.in_initial_silence = False
            s.in_greeting = True
        return None

"""Build the labelled answering-machine-detection set in tests/data/amd/.

Each file is the customer leg from the moment of answer, 8 kHz mono 16-bit:

- HUMAN: a pause before speaking, a short greeting ("Hello?", "喂？",
  "Yes, who is this?", "你好，哪位？"), then silence while the person waits
  for the caller to speak.
- MACHINE: a pause, a long voicemail / company / network greeting, often a
  1 kHz beep (0.5 s) at its end; cut at 6 s, since the detector decides
  within 3 s.

Speech comes from espeak-ng (English and Mandarin voices, several speeds,
pitches and voice variants); sox resamples to 8 kHz and band-limits to the
telephone band (300-3400 Hz); numpy sets the speech level and adds white or
pink noise (also limited to 300-3400 Hz, as a line delivers it) at a given
SNR with a per-file seed, so the set rebuilds byte for byte with the same
espeak-ng/sox versions (1.51 / 14.4.2 here). A few hard cases are on
purpose: a person answering with a long company greeting, a machine with a
very short one, a ring-back tail just after answer, a noisy line.

Rows alternate between the "tune" and "test" splits so that parameters can
be chosen on one half and reported on the other. The four shared recordings
(../shared/data/audio/) are copied in as "tune" rows: they were looked at
while choosing the parameters.

Usage: python scripts/make_amd_set.py [--out tests/data/amd] [--shared DIR]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 8000
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data" / "audio"


@dataclass(frozen=True)
class Spec:
    name: str
    label: str  # HUMAN / MACHINE
    voice: str  # espeak-ng voice (+variant)
    text: str
    speed: int = 160  # words per minute
    pitch: int = 50  # 0..99
    lead_ms: int = 400  # between answer and first speech
    speech_dbfs: float = -18.0  # RMS of the speech part after band-limiting
    snr_db: float | None = 30.0  # None = no added noise
    noise: str = "white"  # white / pink
    beep: bool = False
    ringback_ms: int = 0  # ring-back tone tail heard just after answer
    length_ms: int = 4000  # total (HUMAN: greeting then silence up to this)
    note: str = ""


H_EN = ["Hello?", "Hello, who's this?", "Yes, who is this?", "Hi.", "Hello, yes?", "Yeah, hello?"]
H_ZH = ["喂？", "你好，哪位？", "喂，你好。", "哪位？", "喂，请问是谁？", "喂，什么事？"]
M_EN = [
    "Hi, you've reached the voicemail of John Smith. I can't take your call right now, "
    "please leave a message after the tone.",
    "Thank you for calling Acme Limited. Our offices are now closed. "
    "Please leave your name and number after the tone.",
    "The person you are calling is not available. Please leave a message after the beep.",
    "Hello, this is Sarah. Sorry I missed you, leave a message and I'll call you back.",
    "Welcome to the Vodafone messaging service. The number you have called is not available.",
    "You have reached oh one six one, four nine six, double oh seven two. Please speak after the tone.",
]
M_ZH = [
    "您好，您拨打的用户暂时无法接听，请在提示音后留言。",
    "你好，我现在不方便接电话，请在嘀声后留言，我会尽快回复你。",
    "您好，欢迎致电，我们现在已经下班了，请留下您的姓名和电话。",
    "对不起，您拨打的电话已关机，请稍后再拨。",
    "您好，这里是王先生的语音信箱，请留言。",
    "您拨打的电话暂时无法接通，请稍后再拨。",
]
EN_VOICES = ["en-gb", "en-us+f3", "en-gb-scotland", "en-us+m3", "en-029+f2", "en-gb-x-rp+f4"]
ZH_VOICES = ["cmn", "cmn+f3", "cmn+m3", "cmn+f2", "cmn+m1", "cmn+f4"]
SPEEDS = [140, 160, 175, 190, 150, 205]
# espeak-ng's Mandarin is much slower than people at the same setting ("你好，哪位？" takes
# 1.9 s at 175 wpm; people say it in about 1 s), so Chinese voices run faster.
ZH_SPEEDUP = 60
PITCHES = [35, 50, 65, 80, 45, 70]
LEADS = [250, 400, 600, 900, 300, 1200]
LEVELS = [-14.0, -20.0, -26.0, -18.0, -30.0, -16.0]
SNRS: list[float | None] = [None, 35.0, 25.0, 20.0, 30.0, 15.0]


def specs() -> list[Spec]:
    out: list[Spec] = []
    for i in range(6):
        common = dict(speed=SPEEDS[i], pitch=PITCHES[i], lead_ms=LEADS[i], speech_dbfs=LEVELS[i],
                      snr_db=SNRS[i], noise="pink" if i % 2 else "white")
        for lang, texts, voices, in (("en", H_EN, EN_VOICES), ("zh", H_ZH, ZH_VOICES)):
            out.append(Spec(f"human_{lang}_{i:02d}", "HUMAN", voices[i], texts[i], **common))
            # The same greeting said by another voice, later and quieter.
            j = (i + 3) % 6
            out.append(Spec(f"human_{lang}_{i + 6:02d}", "HUMAN", voices[j], texts[i],
                            speed=SPEEDS[j], pitch=PITCHES[j], lead_ms=LEADS[j], speech_dbfs=LEVELS[j],
                            snr_db=SNRS[j], noise="white" if i % 2 else "pink"))
        for lang, texts, voices in (("en", M_EN, EN_VOICES), ("zh", M_ZH, ZH_VOICES)):
            out.append(Spec(f"machine_{lang}_{i:02d}", "MACHINE", voices[i], texts[i], beep=i % 3 != 2,
                            length_ms=6000, **common))
            j = (i + 2) % 6
            out.append(Spec(f"machine_{lang}_{i + 6:02d}", "MACHINE", voices[j], texts[i],
                            speed=SPEEDS[j], pitch=PITCHES[j], lead_ms=LEADS[j], speech_dbfs=LEVELS[j],
                            snr_db=SNRS[j], noise="white" if i % 2 else "pink", beep=True, length_ms=6000))
    out += [
        Spec("hard_human_long_en", "HUMAN", "en-gb+m3",
             "Good morning, Acme Limited, David speaking, how can I help?",
             speed=175, note="hard: a person answering with a company greeting"),
        Spec("hard_human_long_zh", "HUMAN", "cmn+f3", "喂，你好，这里是华明公司，请问有什么可以帮您？",
             speed=170, note="hard: a person answering with a company greeting"),
        Spec("hard_machine_short_en", "MACHINE", "en-us+f3", "Leave a message.", beep=True, length_ms=6000,
             note="hard: a very short machine greeting"),
        Spec("hard_machine_short_zh", "MACHINE", "cmn", "请留言。", beep=True, length_ms=6000,
             note="hard: a very short machine greeting"),
        Spec("hard_human_ringback_en", "HUMAN", "en-gb", "Hello?", lead_ms=500, ringback_ms=300,
             note="ring-back tail heard after answer"),
        Spec("hard_human_noisy_zh", "HUMAN", "cmn+m3", "喂？", speech_dbfs=-24.0, snr_db=10.0, noise="pink",
             note="hard: noisy line, noise above the silence threshold"),
    ]
    return out


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)


def write_wav(path: Path, x: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes())


def speech(spec: Spec, tmp: Path) -> np.ndarray:
    """espeak-ng → 8 kHz telephone band → level set to spec.speech_dbfs RMS (speech parts only)."""
    raw, tel = tmp / "raw.wav", tmp / "tel.wav"
    speed = spec.speed + (ZH_SPEEDUP if spec.voice.startswith("cmn") else 0)
    _run(["espeak-ng", "-v", spec.voice, "-s", str(speed), "-p", str(spec.pitch), "-w", str(raw), spec.text])
    # -D: no dither, whose random noise would change the files on every run
    _run(["sox", "-D", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(tel), "sinc", "300-3400"])
    x = read_wav(tel)
    active = x[np.abs(x) > 0.05 * np.abs(x).max()]  # RMS of speech, not of the pauses between words
    return x * (10 ** (spec.speech_dbfs / 20) * 32768 / np.sqrt(np.mean(active ** 2)))


def tone(freqs: tuple[float, ...], ms: int, dbfs: float) -> np.ndarray:
    t = np.arange(int(RATE * ms / 1000)) / RATE
    x = sum(np.sin(2 * np.pi * f * t) for f in freqs) / len(freqs)
    return x * 10 ** (dbfs / 20) * 32768 * np.sqrt(2)


def noise(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Line noise as the far end hears it: through the telephone band like the speech."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    if kind == "pink":  # 1/f power
        spec[1:] /= np.sqrt(f[1:] / f[1])
    spec[(f < 300) | (f > 3400)] = 0
    w = np.fft.irfft(spec, n)
    return w / np.sqrt(np.mean(w ** 2))


def render(spec: Spec, seed: int, tmp: Path) -> np.ndarray:
    rng = np.random.default_rng(seed)
    s = speech(spec, tmp)
    parts = []
    if spec.ringback_ms:
        parts.append(tone((400.0, 450.0), spec.ringback_ms, spec.speech_dbfs - 6))  # UK ring-back
    parts += [np.zeros(int(RATE * spec.lead_ms / 1000)), s]
    if spec.beep:
        parts += [np.zeros(int(RATE * 0.3)), tone((1000.0,), 500, spec.speech_dbfs + 3)]
    x = np.concatenate(parts)
    total = int(RATE * spec.length_ms / 1000)
    x = np.concatenate([x, np.zeros(max(0, total - len(x)))])[:total]
    if spec.snr_db is not None:
        speech_rms = 10 ** (spec.speech_dbfs / 20) * 32768
        x = x + noise(spec.noise, len(x), rng) * speech_rms * 10 ** (-spec.snr_db / 20)
    return x


def describe(spec: Spec) -> str:
    speed = spec.speed + (ZH_SPEEDUP if spec.voice.startswith("cmn") else 0)
    bits = [f"espeak-ng -v {spec.voice} -s {speed} -p {spec.pitch}", f"lead {spec.lead_ms} ms",
            f"speech {spec.speech_dbfs:g} dBFS", "band 300-3400",
            f"{spec.noise} noise SNR {spec.snr_db:g} dB" if spec.snr_db is not None else "no noise"]
    if spec.beep:
        bits.append("1 kHz beep 0.5 s")
    if spec.ringback_ms:
        bits.append(f"ring-back {spec.ringback_ms} ms first")
    if spec.note:
        bits.append(spec.note)
    return f"{spec.text} | " + "; ".join(bits)


SHARED_FILES = [("human_hello_en.wav", "HUMAN"), ("human_hello_zh.wav", "HUMAN"),
                ("machine_greeting_en.wav", "MACHINE"), ("machine_greeting_zh.wav", "MACHINE")]


def main() -> int:
    ap = argparse.ArgumentParser(description="Build tests/data/amd")
    ap.add_argument("--out", type=Path, default=REPO / "tests" / "data" / "amd")
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, label in SHARED_FILES:
        shutil.copyfile(args.shared / name, args.out / f"shared_{name}")
        rows.append((f"shared_{name}", label, "tune", "shared recording from ../shared/data/audio/"))
    with tempfile.TemporaryDirectory() as d:
        for n, spec in enumerate(specs()):
            write_wav(args.out / f"{spec.name}.wav", render(spec, seed=1000 + n, tmp=Path(d)))
            rows.append((f"{spec.name}.wav", spec.label, "tune" if n % 2 == 0 else "test", describe(spec)))
    with open(args.out / "labels.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "label", "split", "how"])
        w.writerows(rows)
    print(f"{len(rows)} files in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

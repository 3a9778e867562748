import struct
import wave

import pytest

from telephony.wavinfo import wav_duration


def _pcm(path, seconds, rate=8000, channels=1):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * channels * int(seconds * rate))
    return str(path)


def _alaw(path, seconds, rate=8000, with_list_chunk=True):
    data = b"\xd5" * int(seconds * rate)
    fmt = struct.pack("<HHIIHHH", 6, 1, rate, rate, 1, 8, 0)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if with_list_chunk:
        info = b"INFOISFT" + struct.pack("<I", 3) + b"pj\x00" + b"\x00"   # odd size, padded
        chunks = b"LIST" + struct.pack("<I", len(info) - 1) + info + chunks
    chunks += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks)
    return str(path)


def test_pcm_durations(tmp_path):
    assert wav_duration(_pcm(tmp_path / "a.wav", 2.5)) == pytest.approx(2.5)
    assert wav_duration(_pcm(tmp_path / "b.wav", 1.0, rate=16000, channels=2)) == pytest.approx(1.0)


def test_alaw_with_a_list_chunk_before_fmt(tmp_path):
    assert wav_duration(_alaw(tmp_path / "c.wav", 3.0)) == pytest.approx(3.0)


def test_truncated_recording_trusts_the_file_length(tmp_path):
    path = _pcm(tmp_path / "d.wav", 2.0)
    raw = bytearray(open(path, "rb").read())
    raw[40:44] = struct.pack("<I", 0xFFFFFFFF)        # data size never finalised
    (tmp_path / "d.wav").write_bytes(bytes(raw[: 44 + 8000]))  # and half the audio lost
    assert wav_duration(path) == pytest.approx(0.5)


@pytest.mark.parametrize("content", [b"", b"ID3\x03 not a wav at all", b"RIFF\x00\x00\x00\x00WAVEfmt "])
def test_not_a_wav_is_a_value_error(tmp_path, content):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(ValueError):
        wav_duration(str(path))


def test_shared_audio_files_have_plausible_lengths():
    from core.paths import SHARED
    wavs = sorted((SHARED / "data").rglob("*.wav"))
    assert wavs, "../shared/data has WAV files"
    for w in wavs:
        assert 0.1 < wav_duration(str(w)) < 600, w

"""A problem found in a questionnaire or in answers: a code, where, and an
English message template (a msgid of the `scripts` catalogue) with its
parameters, so the web layer can translate it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Issue:
    code: str
    path: str  # e.g. "sections[1].questions[0].show_if" or a question key
    message: str  # English template, %(name)s placeholders
    params: dict = field(default_factory=dict)

    def text(self, translate=None) -> str:
        template = translate(self.message) if translate else self.message
        try:
            return template % self.params
        except (KeyError, TypeError, ValueError):
            return template

    def as_dict(self, translate=None) -> dict:
        out = asdict(self)
        out["text"] = self.text(translate)
        return out

"""The review form (Biểu mẫu 02/RS-KSTT) as data, and the checking of its answers.

The questions live in ``data/forms/review-form.yaml`` (Vietnamese with English, one entry
per question with its section I–VI, kind of answer, help and required flag), so that an
official corrects a question's wording without a code change. This module reads that
file and checks answers against it; :mod:`catalogue.cycle.review` stores them.

Kinds of answer: ``text`` (non-empty text), ``yes_no`` (true/false, also ``có``/``không``),
``choice`` (one of the question's choices), ``number`` (≥ 0, typed the Vietnamese way
``0,5``) and ``components`` (section III: one judgment per component of the registry
record, see :func:`catalogue.cycle.review.registry_components`).

Every problem names the question by its id and Vietnamese wording; a set of answers with
any problem is refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.changes import CHANGE_TYPES, parse_change
from analysis.reading import Reader
from catalogue.costing.cost_form import CostFormError, parse_vn_number
from catalogue.registry.errors import ServiceError

FORM_FILE = Path(__file__).resolve().parents[2] / "data" / "forms" / "review-form.yaml"
KINDS = ("text", "yes_no", "choice", "number", "components")
SECTIONS = ("I", "II", "III", "IV", "V", "VI")
CONCLUSION_QUESTION = "VI.1"  # its answer is the review's conclusion
REPLACEMENT_QUESTION = "VI.2"  # code of the replacing procedure
COMPONENT_KEYS = ("key", "reasonable", "reason", "proposal", "change", "legal_change")
_YES = {"có", "co", "yes", "true", "đúng"}
_NO = {"không", "khong", "no", "false", "sai"}


class AnswersRefused(ServiceError):
    """Answers that do not fit the form; ``problems`` lists each, naming its question."""

    def __init__(self, problems: list[str]):
        super().__init__(
            f"Biểu rà soát không hợp lệ, không có gì được lưu ({len(problems)} lỗi; "
            "nothing was stored):\n" + "\n".join(f"  - {p}" for p in problems)
        )
        self.problems = problems


@dataclass(frozen=True)
class Question:
    """One question of the form."""

    id: str
    section: str
    kind: str
    vi: str
    en: str
    required: bool = False
    help_vi: str | None = None
    help_en: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    prefill: str | None = None
    when: dict[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        """``Câu II.3 (Mục tiêu có thay đổi …)``: how messages name the question."""
        return f"Câu {self.id} ({self.vi})"


@dataclass(frozen=True)
class ReviewForm:
    """The whole form: its title, section names and questions in order."""

    code: str
    title_vi: str
    title_en: str
    sections: dict[str, dict[str, str]]
    questions: tuple[Question, ...]

    def question(self, qid: str) -> Question | None:
        """The question with id ``qid``, if any."""
        return next((q for q in self.questions if q.id == qid), None)

    def in_section(self, section: str) -> list[Question]:
        """The questions of one section, in order."""
        return [q for q in self.questions if q.section == section]


def load_form(path: Path | None = None) -> ReviewForm:
    """Read the form's questions; a malformed file is refused naming file and entry."""
    path = path or FORM_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ServiceError(f"{path}: không đọc được biểu rà soát (cannot read): {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ServiceError(f"{path}: thiếu danh sách questions (no questions list)")
    questions, seen = [], set()
    allowed = set(Question.__dataclass_fields__)
    for i, raw in enumerate(data["questions"]):
        where = f"{path}: questions[{i}]"
        if not isinstance(raw, dict) or set(raw) - allowed:
            extra = sorted(set(raw) - allowed) if isinstance(raw, dict) else []
            raise ServiceError(f"{where}: mục không hợp lệ {extra} (bad entry)")
        missing = [k for k in ("id", "section", "kind", "vi", "en") if not raw.get(k)]
        if missing:
            raise ServiceError(f"{where}: thiếu {', '.join(missing)} (missing)")
        if raw["section"] not in SECTIONS or raw["kind"] not in KINDS:
            raise ServiceError(f"{where} ({raw['id']}): section hoặc kind không hợp lệ")
        if raw["kind"] == "choice" and not raw.get("choices"):
            raise ServiceError(f"{where} ({raw['id']}): câu lựa chọn cần choices")
        if raw["id"] in seen:
            raise ServiceError(f"{where}: trùng id {raw['id']} (duplicate id)")
        seen.add(raw["id"])
        questions.append(Question(**{**raw, "id": str(raw["id"])}))
    return ReviewForm(
        code=str(data.get("form", "")),
        title_vi=str(data.get("title_vi", "")),
        title_en=str(data.get("title_en", "")),
        sections=dict(data.get("sections") or {}),
        questions=tuple(questions),
    )


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    return None


def check_value(question: Question, value: Any) -> tuple[Any, str | None]:
    """The cleaned answer and None, or None and the problem (the question named)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    kind = question.kind
    if kind == "text":
        if isinstance(value, bool | dict | list):
            return None, f"{question.label()}: phải là văn bản (must be text)"
        return str(value).strip(), None
    if kind == "yes_no":
        answer = _yes_no(value)
        if answer is None:
            return None, f"{question.label()}: phải là có hoặc không (must be yes or no)"
        return answer, None
    if kind == "choice":
        if value not in question.choices:
            known = ", ".join(f"{k} ({v})" for k, v in question.choices.items())
            return None, f"{question.label()}: phải là một trong {known} (must be one of them)"
        return value, None
    if kind == "number":
        try:
            number = parse_vn_number(value)
        except CostFormError as exc:
            return None, f"{question.label()}: {exc.message}"
        if number < 0:
            return None, f"{question.label()}: phải là số không âm (must be ≥ 0)"
        return float(number), None
    return None, f"{question.label()}: trả lời theo từng bộ phận, trong components"


def check_answers(form: ReviewForm, answers: Any) -> tuple[dict[str, Any], list[str]]:
    """Cleaned answers by question id and every problem (unknown question, wrong kind)."""
    if answers is None:
        return {}, []
    if not isinstance(answers, dict):
        return {}, ["answers: phải là bảng câu hỏi → trả lời (must map question ids to answers)"]
    cleaned, problems = {}, []
    for qid, value in answers.items():
        question = form.question(str(qid))
        if question is None:
            problems.append(f"Câu {qid}: không có trong biểu rà soát (unknown question)")
            continue
        answer, problem = check_value(question, value)
        if problem:
            problems.append(problem)
        elif answer is not None:
            cleaned[question.id] = answer
    return cleaned, problems


def _check_change(change: Any, component: dict[str, Any], where: str) -> tuple[Any, list[str]]:
    """A component's typed change, defaults filled from the component; shape checked."""
    if change is None:
        return None, []
    if not isinstance(change, dict) or change.get("type") not in CHANGE_TYPES:
        known = ", ".join(CHANGE_TYPES)
        return None, [f"{where}, change.type: loại thay đổi không hợp lệ (known: {known})"]
    change = {**component.get("defaults", {}).get(change["type"], {}), **change}
    change.setdefault("reason", component.get("label"))
    reader = Reader()
    parse_change(change, "change", reader)
    return change, [f"{where}, {p.path}: {p.message}" for p in reader.problems]


def check_components(
    raw: Any, components: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Judgments per component (section III), each naming a prefilled component ``key``."""
    if raw is None:
        return [], []
    where0 = "Câu III.components"
    if not isinstance(raw, list):
        return [], [f"{where0}: phải là danh sách (must be a list of components)"]
    by_key = {c["key"]: c for c in components}
    cleaned, problems, seen = [], [], set()
    for i, entry in enumerate(raw):
        where = f"{where0}[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: phải là bảng khóa–giá trị (must be a mapping)")
            continue
        extra = sorted(set(entry) - set(COMPONENT_KEYS))
        key = entry.get("key")
        if extra:
            problems.append(f"{where}: trường không hợp lệ {', '.join(extra)} (unknown fields)")
        if key not in by_key:
            known = ", ".join(by_key) or "—"
            problems.append(f"{where}, key: bộ phận '{key}' không có trong hồ sơ TTHC ({known})")
            continue
        if key in seen:
            problems.append(f"{where}, key: bộ phận '{key}' đã được đánh giá (duplicate)")
            continue
        seen.add(key)
        where = f"{where0} [{by_key[key]['label']}]"
        reasonable = _yes_no(entry.get("reasonable")) if "reasonable" in entry else None
        if "reasonable" in entry and reasonable is None:
            problems.append(f"{where}, reasonable: phải là có hoặc không (must be yes or no)")
        change, change_problems = _check_change(entry.get("change"), by_key[key], where)
        problems.extend(change_problems)
        if change is not None and entry.get("reason"):
            change["reason"] = str(entry["reason"]).strip()
        if change is not None and entry.get("legal_change"):
            change["legal_change"] = str(entry["legal_change"]).strip()
        text = {
            k: str(entry[k]).strip() for k in ("reason", "proposal", "legal_change") if entry.get(k)
        }
        cleaned.append({"key": key, "reasonable": reasonable, **text, "change": change})
    return cleaned, problems


def _applies(question: Question, answers: dict[str, Any]) -> bool:
    return all(answers.get(qid) == value for qid, value in question.when.items())


def missing_required(
    form: ReviewForm,
    answers: dict[str, Any],
    judged: list[dict[str, Any]],
    components: list[dict[str, Any]],
) -> list[str]:
    """Every required answer still missing, each naming its question (or component)."""
    missing = []
    for q in form.questions:
        if not q.required or not _applies(q, answers):
            continue
        if q.kind == "components":
            by_key = {j["key"]: j for j in judged}
            for c in components:
                j = by_key.get(c["key"])
                if j is None or j.get("reasonable") is None:
                    missing.append(f"{q.label()}: chưa đánh giá bộ phận '{c['label']}'")
                elif j["reasonable"] is False and not j.get("reason"):
                    missing.append(
                        f"{q.label()}: bộ phận '{c['label']}' không hợp lý cần nêu lý do"
                    )
        elif answers.get(q.id) is None:
            missing.append(f"{q.label()}: chưa trả lời (required answer missing)")
    return missing

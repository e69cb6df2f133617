"""Write one procedure's answers file for ``tthc review fill`` (used by annual-cycle.sh).

Usage: answers.py REVIEW_SHOW_JSON COMMON_YAML PROCEDURE_YAML YEAR OUT_YAML: the shared
answers, the procedure's own, its unreasonable components; every other component that
``tthc review show --json`` lists is judged reasonable.
"""

import json
import sys
from pathlib import Path

import yaml

shown = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
common = yaml.safe_load(Path(sys.argv[2]).read_text(encoding="utf-8"))
own = yaml.safe_load(Path(sys.argv[3]).read_text(encoding="utf-8"))
unreasonable = own.get("unreasonable") or {}
components = []
for component in shown["components"]:
    key = component["key"]
    judged = {"key": key, "reasonable": key not in unreasonable}
    judged.update(unreasonable.get(key) or {})
    components.append(judged)
data = {
    "procedure": shown["procedure"]["code"],
    "year": int(sys.argv[4]),
    "answers": {**common, **own["answers"]},
    "components": components,
    "reviewed": True,
}
Path(sys.argv[5]).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

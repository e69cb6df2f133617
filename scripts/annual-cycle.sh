#!/usr/bin/env bash
# The whole review year as one script, through the `tthc` command line only (issue 19 item 4):
#
#   bash scripts/annual-cycle.sh OUTDIR
#
# A fresh SQLite database in OUTDIR (OUTDIR/tthc.sqlite), the demo catalogue of tỉnh Bình An
# and its organisation profile, then the year of PROCESS.md §1: review plan → reviews with
# their costing sheets (and, where the reviewer typed one, the sheet after simplification)
# → phương án proposed from the reviews (amend, replace, abolish; keep) with its Tờ trình → Quyết định thông qua → legal acts →
# Quyết định công bố → the date in force → reports. Every document is written into OUTDIR,
# with summary.json: savings by stage and the catalogue's yearly burden before and after the
# date in force. The scenario's files are in scripts/annual-cycle/ (figures are illustrative).
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: bash scripts/annual-cycle.sh OUTDIR" >&2
  exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE="$ROOT/scripts/annual-cycle"
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
[ -x "$ROOT/.venv/bin/tthc" ] || bash "$ROOT/scripts/setup.sh" >&2
TTHC="$ROOT/.venv/bin/tthc"
PY="$ROOT/.venv/bin/python"
rm -f "$OUT/tthc.sqlite"
DB="sqlite:///$OUT/tthc.sqlite"
export TTHC_DEMO=1

# The demo accounts (catalogue/registry/demo_users.py); every step signs in as a script does.
declare -A PASSWORD=([reviewer]=reviewer-demo [chair]=chair-demo-1 [analyst]=analyst-demo
                     [admin]=admin-demo-1)
as() {  # as USER tthc-arguments…: one command, signed in as USER
  local user=$1
  shift
  TTHC_USER=$user TTHC_PASSWORD=${PASSWORD[$user]} "$TTHC" "$@" --as "$user" --db "$DB"
}
field() {  # field KEY < json: one value of a JSON object
  "$PY" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}
say() { echo "==> $*" >&2; }

say "database and demo catalogue"
"$TTHC" db upgrade --db "$DB" >/dev/null
"$TTHC" demo --db "$DB" >/dev/null
as admin profile set --province "Bình An" --authority "Ủy ban nhân dân tỉnh Bình An" \
  --place "Bình An" --chair "Nguyễn Văn An" --vice-chair "Trần Văn Bình" \
  --vice-chair "Lê Thị Châu" --review-department "Sở Tư pháp" \
  --review-head "Giám đốc Sở Tư pháp" --archive "VT, KSTT" \
  --recipient "Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính)" \
  --recipient "Bộ Tư pháp" --recipient "Thường trực Tỉnh ủy" \
  --recipient "Thường trực Hội đồng nhân dân tỉnh" \
  --recipient "Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân tỉnh" \
  --recipient "Các sở, ban, ngành tỉnh" --recipient "Ủy ban nhân dân các xã, phường" \
  --recipient "Cổng thông tin điện tử tỉnh" >/dev/null
# The ministry's replacing procedure, a draft until its act comes into force.
as admin import "$HERE/successor.yaml" >/dev/null

say "review: the costing sheets (biểu tính chi phí tuân thủ)"
for sheet in "$HERE"/sheets/*.yaml; do
  code=$(basename "$sheet" .yaml)
  as reviewer sheet save "$sheet" --code "$code" --version 0 >/dev/null
done

say "review plan (Kế hoạch rà soát) and reviews (Biểu 02/RS-KSTT, biểu tính chi phí)"
REVIEWED="1.001193 1.010727 1.002861 1.004873 2.001610 1.005092"
as reviewer review-plan draft --year 2026 \
  --title "Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2026" >/dev/null
for code in $REVIEWED; do
  as reviewer review-plan add --year 2026 --code "$code" --agency "Sở Tư pháp" \
    --start 01/02/2026 --end 30/04/2026 --tag high_burden --product "Phương án đơn giản hóa" \
    --grounds "Số hồ sơ lớn, chi phí tuân thủ cao (xếp hạng ưu tiên rà soát)" >/dev/null
done
as chair review-plan approve --year 2026 --number 15/QĐ-UBND --date 20/01/2026 >/dev/null
# The control agency's second reviewer, who checks each filled form.
PASSWORD[kiemsoat]=kiem-soat-demo-1
TTHC_NEW_PASSWORD=${PASSWORD[kiemsoat]} as admin user add kiemsoat --role reviewer \
  --full-name "Lê Văn Kiểm" >/dev/null
for code in $REVIEWED; do
  as reviewer review show "$code" --year 2026 --json >"$OUT/.review.json"
  "$PY" "$HERE/answers.py" "$OUT/.review.json" "$HERE/reviews/common.yaml" \
    "$HERE/reviews/$code.yaml" 2026 "$OUT/.answers.yaml"
  as reviewer review fill "$OUT/.answers.yaml" >/dev/null
  # The cost form's sheet after simplification, where it holds changes no component of
  # the form names (the permit's channel shares, the company's preparation hours).
  if [ -f "$HERE/after/$code.yaml" ]; then
    as reviewer review after-sheet "$code" "$HERE/after/$code.yaml" --year 2026 >/dev/null
  fi
  as kiemsoat review check "$code" --year 2026 >/dev/null
  as analyst review export form --year 2026 --code "$code" -o "$OUT/bieu-ra-soat-$code.docx" \
    >/dev/null
  as analyst review export cost --year 2026 --code "$code" \
    -o "$OUT/bieu-tinh-cptt-$code.xlsx" >/dev/null
  as analyst review export cost_word --year 2026 --code "$code" \
    -o "$OUT/bieu-tinh-cptt-$code.docx" >/dev/null
done
rm -f "$OUT/.review.json" "$OUT/.answers.yaml"
as analyst review export plan --year 2026 -o "$OUT/ke-hoach-ra-soat.docx" >/dev/null
as analyst review export report --year 2026 -o "$OUT/bao-cao-ket-qua-ra-soat.docx" >/dev/null

say "phương án: proposals from the reviews, submission, the chair's decisions"
PLAN=$(as reviewer plan new --name "Phương án đơn giản hóa thủ tục hành chính năm 2026" \
  --year 2026 --programme NQ66-2026 --scope "các sở, ban, ngành tỉnh Bình An" --json \
  | field plan_id)
propose() {  # propose CODE: the review's proposal (option, reasons, figures from the review)
  as reviewer review propose "$1" --year 2026 --plan "$PLAN" --json | field proposal_id
}
P_BIRTH=$(propose 1.001193)
P_ENV=$(propose 1.010727)
P_BADGE=$(propose 1.002861)
P_MARRIED=$(propose 1.004873)  # replaced: the successor's own sheet is the "after"
P_COMPANY=$(propose 2.001610)
# A kept procedure is not proposed from its review; the Tờ trình still counts it among the
# reviewed, so it is listed with its reason.
P_KEEP=$(as reviewer plan add "$PLAN" 1.005092 --action keep \
  --reason "Thủ tục cần thiết, hợp lý và hợp pháp" --json | field proposal_id)
as reviewer plan submit "$PLAN" >/dev/null
for proposal in "$P_BIRTH" "$P_ENV" "$P_BADGE" "$P_MARRIED" "$P_COMPANY" "$P_KEEP"; do
  as chair plan decide "$proposal" approve >/dev/null
done
SUBMISSION=(--submission 45/TTr-STP --submission-date 08/05/2026
            --submission-signer "Phạm Minh Đức")
as reviewer documents write "$OUT" --plan "$PLAN" "${SUBMISSION[@]}" >/dev/null

say "Quyết định thông qua phương án"
ADOPTED=$(as chair cycle adopt "$PLAN" --number 125/QĐ-UBND --signed-on 20/05/2026 \
  --signer "Nguyễn Văn An" \
  --route "$P_BIRTH=recommendation:Bộ Tư pháp:31/12/2026" \
  --route "$P_ENV=province:Sở Nông nghiệp và Môi trường:30/06/2026" \
  --route "$P_BADGE=recommendation:Bộ Xây dựng:31/12/2026" \
  --route "$P_MARRIED=recommendation:Bộ Tư pháp:31/12/2026" \
  --route "$P_COMPANY=recommendation:Bộ Tài chính:31/12/2026" --json)
routing() {  # routing PROPOSAL: the adopted proposal's routing id
  echo "$ADOPTED" | "$PY" -c 'import json, sys
print(next(r["id"] for r in json.load(sys.stdin)["routings"] if r["proposal_id"] == int(sys.argv[1])))' "$1"
}
R_BIRTH=$(routing "$P_BIRTH")
R_ENV=$(routing "$P_ENV")
R_MARRIED=$(routing "$P_MARRIED")
R_COMPANY=$(routing "$P_COMPANY")
as chair documents write "$OUT" --adoption 125/QĐ-UBND "${SUBMISSION[@]}" >/dev/null

say "legal acts (VBQPPL)"
as reviewer act record --number 08/2026/TT-BTP \
  --title "Thông tư sửa đổi, bổ sung một số điều của Thông tư số 04/2020/TT-BTP quy định chi tiết thi hành một số điều của Luật Hộ tịch" \
  --issuer "Bộ Tư pháp" --issued-on 14/08/2026 --in-force-on 01/10/2026 \
  --ministry-decision 1520/QĐ-BTP >/dev/null
as reviewer act record --number 12/2026/NQ-HĐND \
  --title "Nghị quyết sửa đổi, bổ sung Nghị quyết số 07/2025/NQ-HĐND quy định mức thu phí thẩm định cấp giấy phép môi trường trên địa bàn tỉnh Bình An" \
  --issuer "Hội đồng nhân dân tỉnh Bình An" --issued-on 20/08/2026 --in-force-on 01/10/2026 \
  >/dev/null
as reviewer act import "$HERE/acts.csv" >/dev/null  # the Government's decree, in force 2027
as reviewer act link 08/2026/TT-BTP "$R_BIRTH" --extent whole >/dev/null
as reviewer act link 08/2026/TT-BTP "$R_MARRIED" --extent whole >/dev/null
as reviewer act link 12/2026/NQ-HĐND "$R_ENV" --extent whole >/dev/null
as reviewer act link 45/2026/NĐ-CP "$R_COMPANY" --extent whole >/dev/null
# Bộ Xây dựng has not acted on the abolition yet: it stays adopted.

say "Quyết định công bố"
as chair cycle publish --number 350/QĐ-UBND --signed-on 18/09/2026 --signer "Trần Văn Bình" \
  --entry "$R_BIRTH@08/2026/TT-BTP" --entry "$R_MARRIED@08/2026/TT-BTP" \
  --entry "$R_ENV@12/2026/NQ-HĐND" >/dev/null
as analyst documents write "$OUT" --decision 350/QĐ-UBND >/dev/null

say "the date in force"
"$TTHC" burden --json --db "$DB" >"$OUT/burden-before.json"
as chair cycle apply --today 01/10/2026 >/dev/null
"$TTHC" burden --json --db "$DB" >"$OUT/burden-after.json"

say "a second phương án, proposed only (the expert path: an option file, no review)"
PLAN2=$(as reviewer plan new --name "Phương án đơn giản hóa thủ tục hành chính bổ sung năm 2026" \
  --year 2026 --programme NQ66-2026 --json | field plan_id)
as reviewer plan add "$PLAN2" 1.000894 --action amend --option "$HERE/options/1.000894.yaml" \
  >/dev/null
as reviewer plan submit "$PLAN2" >/dev/null

say "reports"
as analyst documents write "$OUT" --savings --today 01/10/2026 >/dev/null
# The one-stop figures of the last full quarter before this demo was written (the
# importer refuses periods in the future).
"$TTHC" stats generate "$OUT/so-lieu-mot-cua.csv" --year 2026 --db "$DB" >/dev/null
as admin stats import "$OUT/so-lieu-mot-cua.csv" >/dev/null
"$TTHC" stats export "$OUT/bieu-06.xlsx" --period 2026-Q3 \
  --unit-name "Ủy ban nhân dân tỉnh Bình An" --db "$DB" >/dev/null
as analyst cycle stages --today 01/10/2026 --json >"$OUT/stages.json"

"$PY" - "$OUT" <<'EOF'
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
stages = {row["stage"]: row for row in json.loads((out / "stages.json").read_text())}
summary = {
    "stages": {
        stage: {
            "procedures": stages[stage]["procedures"],
            "before": stages[stage]["cost_before"],
            "after": stages[stage]["cost_after"],
            "saved": stages[stage]["savings"],
        }
        for stage in ("proposed", "adopted", "enacted", "in_force")
    },
    "burden": {
        "before": json.loads((out / "burden-before.json").read_text())["annual_cost"],
        "after": json.loads((out / "burden-after.json").read_text())["annual_cost"],
    },
}
(out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
EOF
rm -f "$OUT/stages.json" "$OUT/burden-before.json" "$OUT/burden-after.json"
say "written: $(cd "$OUT" && ls | grep -v -e '\.sqlite$' -e '\.csv$' | tr '\n' ' ')"

#!/usr/bin/env bash
# Nightly data-set generation, safe to run from cron:
#
#   # m h dom mon dow  command
#   15 1 * * *  cd /srv/case33ts && scripts/cron-nightly.sh >> log/nightly.log 2>&1
#
# - one night = one date (NIGHT=YYYYMMDD to redo another): its event table is drawn with the date
#   as seed, and the night's expert run uses that table, so every night gives new data;
# - idempotent: run it again the same day and a finished night is skipped (exit 0), an interrupted
#   one resumes where its last complete episode ended (`mdpc run --resume`);
# - each tool takes a lock on its output: a run still going from before makes this one log
#   "locked" and exit 3 (nothing overwritten); a lock left by a dead process is taken over;
# - `mdpc clean --keep-runs 7` keeps the solver files (log/<run>/) of the last 7 runs only;
# - exit codes: 0 ok, 1 runtime failure, 2 bad input or usage, 3 locked by another run.
set -u
cd "$(dirname "$0")/.."
NIGHT="${NIGHT:-$(date +%Y%m%d)}"
RUN="nightly-$NIGHT"
STEPS="${STEPS:-240}"
EVENTS="out/res_faultmaker/$RUN-event.csv"
CHAIN="out/res_MDPC/$RUN.csv"

status=0
# step LABEL COMMAND...: run it, log its outcome under LABEL
step() {
  local label=$1
  shift
  "$@"
  local rc=$?
  case $rc in
    0) ;;
    3) echo "$(date -Is) $label: output locked by another run, skipped"; [ "$status" -eq 0 ] && status=3 ;;
    *) echo "$(date -Is) $label: failed with exit code $rc"; status=$rc ;;
  esac
  return $rc
}

echo "$(date -Is) nightly run $RUN"
if [ -e "$CHAIN" ]; then
  echo "$(date -Is) $RUN: finished already ($CHAIN)"
else
  # the same seed gives the same table: an existing one is the night's own, kept for a resume
  if [ ! -e "$EVENTS" ]; then
    step "faultmaker scene" node bin/faultmaker.js scene --steps 12864 --p-n1 0.1 --p-n2 0.01 --repair-hours 1:4 --seed "$NIGHT" --out "$EVENTS" --quiet
  fi
  if [ -e "$EVENTS" ]; then
    step "mdpc run" node bin/mdpc.js run --start 0 --steps "$STEPS" --schema full --events "$EVENTS" --run "$RUN" --resume --quiet
  fi
fi
step "mdpc clean" node bin/mdpc.js clean --keep-runs 7 --quiet
echo "$(date -Is) done, exit $status"
exit $status

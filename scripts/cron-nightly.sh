#!/usr/bin/env bash
# Nightly data-set generation, safe to run from cron:
#
#   # m h dom mon dow  command
#   15 1 * * *  cd /srv/case33ts && scripts/cron-nightly.sh >> log/nightly.log 2>&1
#
# - each tool takes a lock on its output: a run still going from the night before makes this one
#   exit with code 3 (logged, nothing overwritten), a lock left by a dead process is taken over;
# - `mdpc run --resume` continues an interrupted run where its last complete episode ended;
# - `mdpc clean --keep-runs 7` keeps the solver files (log/<run>/) of the last 7 runs only;
# - exit codes: 0 ok, 1 runtime failure, 2 bad input or usage, 3 locked by another run.
set -u
cd "$(dirname "$0")/.."
RUN="nightly-$(date +%Y%m%d)"
STEPS="${STEPS:-240}"

status=0
step() {
  "$@"
  local rc=$?
  case $rc in
    0) ;;
    3) echo "$(date -Is) $1: output locked by another run, skipped" ;;
    *) echo "$(date -Is) $1: failed with exit code $rc"; status=$rc ;;
  esac
}

echo "$(date -Is) nightly run $RUN"
step node bin/faultmaker.js enumerate --k 2 --quiet
step node bin/faultmaker.js scene --steps 12864 --p-n1 0.1 --p-n2 0.01 --repair-hours 1:4 --seed "$(date +%Y%m%d)" --out "out/res_faultmaker/$RUN-event.csv" --quiet
step node bin/mdpc.js run --start 0 --steps "$STEPS" --run "$RUN" --resume --quiet
step node bin/mdpc.js clean --keep-runs 7 --quiet
echo "$(date -Is) done, exit $status"
exit $status

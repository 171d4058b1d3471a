#!/usr/bin/env bash
# The newcomer's run command: installs, builds, and runs Anju on a demo device file.
# (Grows with the server and the app: see README.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
demo=build/demo
mkdir -p "$demo"
db="$demo/tablet.db"
rm -f "$db" "$db-wal" "$db-shm" "$db.key"
ctl=build/shared/surveyctl/surveyctl
echo "== surveyctl check-id 11010519491231002X"
$ctl check-id 11010519491231002X
hh=$($ctl --db "$db" household add grid=G01 "address=玉泉家园3号楼2单元301" head_name=马文明 \
      residence_status=resident monitoring_category=none)
$ctl --db "$db" member add "$hh" name=马文明 id_number=11010519491231002X relation=head >/dev/null || true
$ctl --db "$db" visit add "$hh" visit_date="$(date +%F)" kind=registration notes="首次摸排" >/dev/null
echo "== household $hh"
$ctl --db "$db" show "$hh"
echo "== outbox (changes waiting for the server)"
$ctl --db "$db" outbox

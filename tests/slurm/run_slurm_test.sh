#!/bin/bash
# The sweep on a real Slurm: starts munged, slurmctld and slurmd on localhost (tests/slurm/
# local_slurm.sh), runs a 24-point study with --points-per-task 6 through --emit slurm, sbatch and
# --merge in a folder whose path holds a space and an apostrophe, checks that it ran as 4 array
# tasks and merged to the CSV of a local -j 2 run (wall_s aside), that a scancel'ed point records
# why it is missing, that sbatch --test-only takes the script of a 2000-point study, and stops
# the daemons.
# Usage: run_slurm_test.sh AIMCSIM_BIN. Exit 0: passed, 1: failed, 77: skipped (no daemons).
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/local_slurm.sh"

work=$(mktemp -d /tmp/aimcsim_slurm_test.XXXXXX)
daemons=$work/daemons
trap 'stop_local_slurm "$daemons"; rm -rf "$work"' EXIT
mkdir -p "$daemons"
if ! start_local_slurm "$daemons"; then
    echo "SKIPPED: a local Slurm cannot start here (see above); the Slurm path is not tested"
    exit 77
fi

fail() {
    echo "FAILED: $*" >&2
    exit 1
}

study_dir="$work/it's a study"
mkdir -p "$study_dir"
cat > "$study_dir/study.yaml" <<'STUDY'
name: slurm24
network: mlp
inferences: 4
grid:
  tile.adc.bits: [4, 5, 6, 7, 8, 9]
  tile.rows: [256, 512]
  noc.link_bits: [64, 128]
STUDY
points="$study_dir/slurm points"
"$bin" sweep "$study_dir/study.yaml" --emit slurm --points-per-task 6 --dir "$points" ||
    fail "--emit slurm exited $?"
grep -qx '#SBATCH --array=0-3' "$points/sweep.sbatch" || fail "no 4-task array in $(cat "$points/sweep.sbatch")"

job=$(sbatch --parsable "$points/sweep.sbatch") || fail "sbatch refused the script"
for second in $(seq 150); do
    [ -z "$(squeue -h -j "$job" 2> /dev/null)" ] && break
    [ "$second" -lt 150 ] || fail "job $job did not finish in 150 s: $(squeue -j "$job")"
    sleep 1
done

tasks=$(cat "$points"/point_*/outcome.json | grep -o '"slurm_job": "[^"]*"' | sort | uniq -c)
[ "$(echo "$tasks" | wc -l)" -eq 4 ] || fail "expected 4 array tasks, got: $tasks"
for t in 0 1 2 3; do
    echo "$tasks" | grep -q "^ *6 \"slurm_job\": \"${job}_$t\"$" || fail "array task $t did not run 6 points: $tasks"
    [ "$(grep -c ': ok in ' "$points/logs/task_$t.out")" -eq 6 ] || fail "task $t's log: $(cat "$points/logs/task_$t.out")"
done

"$bin" sweep "$study_dir/study.yaml" --dir "$points" --merge -o "$study_dir/slurm.csv" || fail "--merge exited $?"
"$bin" sweep "$study_dir/study.yaml" -j 2 --dir "$study_dir/local points" -o "$study_dir/local.csv" > /dev/null ||
    fail "the local run exited $?"
without_wall() {  # every column but wall_s, the only one that differs between runs
    awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "wall_s") w = i } { $w = ""; print }' OFS=, "$1"
}
[ "$(wc -l < "$study_dir/slurm.csv")" -eq 25 ] || fail "the merged CSV has $(wc -l < "$study_dir/slurm.csv") lines"
diff <(without_wall "$study_dir/slurm.csv") <(without_wall "$study_dir/local.csv") || fail "Slurm and local CSVs differ"

# scancel while a point runs: the task records the reason in the point, and the merge shows it.
printf 'network: mlp\ninferences: 100000\npoints:\n  - {tile.adc.bits: 8}\n' > "$study_dir/slow.yaml"
"$bin" sweep "$study_dir/slow.yaml" --emit slurm --dir "$study_dir/slow points" > /dev/null || fail "slow: --emit exited $?"
job=$(sbatch --parsable "$study_dir/slow points/sweep.sbatch") || fail "sbatch refused the slow script"
outcome="$study_dir/slow points/point_0000/outcome.json"
for second in $(seq 60); do
    grep -qs '"status": "running"' "$outcome" && break
    [ "$second" -lt 60 ] || fail "the slow point did not start in 60 s"
    sleep 1
done
scancel "$job"
for second in $(seq 30); do
    [ -z "$(squeue -h -j "$job" 2> /dev/null)" ] && break
    sleep 1
done
grep -q '"message": "cancelled: SIGTERM after' "$outcome" || fail "no cancel recorded: $(cat "$outcome")"
"$bin" sweep "$study_dir/slow.yaml" --dir "$study_dir/slow points" --merge -o "$study_dir/slow.csv" > /dev/null
grep -q '^0,missing,8,.*,"cancelled: SIGTERM after' "$study_dir/slow.csv" || fail "the merge shows no reason: $(cat "$study_dir/slow.csv")"

{
    echo "network: mlp"
    echo "grid:"
    echo "  tile.adc.bits: [4, 5, 6, 7, 8]"
    echo "  noc.link_bits: [$(seq -s ', ' 8 8 3200)]"
} > "$study_dir/big.yaml"
"$bin" sweep "$study_dir/big.yaml" --emit slurm --dir "$study_dir/big points" > /dev/null || fail "2000 points: --emit exited $?"
sbatch --test-only "$study_dir/big points/sweep.sbatch" 2>&1 | grep -q "to start at" ||
    fail "sbatch --test-only refused the 2000-point script: $(sbatch --test-only "$study_dir/big points/sweep.sbatch" 2>&1)"
echo "passed: 24 points as 4 Slurm array tasks of 6 merged to the local run's CSV; a cancel is recorded;" \
    "a 2000-point array is accepted"

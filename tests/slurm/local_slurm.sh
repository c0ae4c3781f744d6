# A one-node Slurm on localhost for tests, started by hand (Debian's slurm-wlm and munge, as
# root, no systemd): munged, slurmctld and slurmd with their state, sockets and logs in $1.
# Source it, then: start_local_slurm DIR (returns 1 with the reason on stderr if the daemons
# cannot start; clients then find the cluster through SLURM_CONF) and stop_local_slurm DIR.

# Ports away from a system Slurm's 6817/6818, so a real cluster on the host is left alone.
local_slurm_ctld_port=${LOCAL_SLURM_CTLD_PORT:-16817}
local_slurm_node_port=${LOCAL_SLURM_NODE_PORT:-16818}

local_slurm_fail() {
    echo "local Slurm: $*" >&2
    return 1
}

write_local_slurm_conf() {
    local dir=$1 node
    node=$(hostname -s)
    cat > "$dir/slurm.conf" <<CONF
ClusterName=aimcsimtest
SlurmctldHost=$node
SlurmctldPort=$local_slurm_ctld_port
SlurmdPort=$local_slurm_node_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MessageTimeout=10
InactiveLimit=0
KillWait=5
NodeName=$node CPUs=$(nproc) RealMemory=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024)) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

start_local_slurm() {
    local dir=$1
    [ "$(id -u)" -eq 0 ] || { local_slurm_fail "needs root (the daemons run as root)"; return 1; }
    for tool in munged slurmctld slurmd sbatch squeue; do
        command -v "$tool" > /dev/null || { local_slurm_fail "$tool is not installed (apt-get install slurm-wlm munge)"; return 1; }
    done
    mkdir -p "$dir/state" "$dir/spool" && chmod 700 "$dir"
    dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 2> /dev/null && chmod 400 "$dir/munge.key"
    munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" --pid-file="$dir/munged.pid" \
        --log-file="$dir/munged.log" --seed-file="$dir/munged.seed" 2> "$dir/munged.err" ||
        { local_slurm_fail "munged did not start: $(tail -1 "$dir/munged.err")"; return 1; }
    write_local_slurm_conf "$dir"
    export SLURM_CONF=$dir/slurm.conf
    slurmctld -i 2> "$dir/slurmctld.err" || { local_slurm_fail "slurmctld did not start: $(tail -1 "$dir/slurmctld.err")"; return 1; }
    slurmd 2> "$dir/slurmd.err" || { local_slurm_fail "slurmd did not start: $(tail -1 "$dir/slurmd.err")"; return 1; }
    local waited=0
    until sinfo -h -o %T 2> /dev/null | grep -qE '^(idle|mixed|allocated)'; do
        waited=$((waited + 1))
        [ $waited -le 30 ] || { local_slurm_fail "the node did not come up in 30 s: $(tail -2 "$dir/slurmd.log" "$dir/slurmctld.log" 2> /dev/null)"; return 1; }
        sleep 1
    done
}

stop_local_slurm() {
    local dir=$1 file pid
    for file in slurmd.pid slurmctld.pid munged.pid; do
        [ -f "$dir/$file" ] || continue
        pid=$(cat "$dir/$file")
        kill "$pid" 2> /dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    done
}

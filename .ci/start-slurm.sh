#!/usr/bin/env bash
# Configure and start a real single-node SLURM cluster on localhost for the `slurm` tests:
# Debian's slurm-wlm + munge, slurmctld + slurmd on this machine, no accounting daemon.
#
#   .ci/start-slurm.sh          configure (if needed) and start; idempotent, exits 0 once the node is idle
#   .ci/start-slurm.sh stop     stop the daemons this script started
#   .ci/start-slurm.sh status   print sinfo, exit 0 only when the partition answers
#
# Environment (all optional):
#   SLURM_CONF           slurm.conf to write/use (default /etc/slurm/slurm.conf; clients read the same variable)
#   CLINWGS_SLURM_STATE  state, spool, pid and log directory (default /var/tmp/clinwgs-slurm)
#   SLURM_NODE_CPUS      CPUs to declare (default: nproc)
#   SLURM_NODE_MEM_MB    memory to declare in MB (default: 90 % of MemTotal)
#
# Notes
# - No accounting (AccountingStorageType=accounting_storage/none): `sacct` then fails, so Snakemake's SLURM
#   executor must poll with `squeue` (profile key `slurm-status-command: squeue`). MinJobAge is raised so that
#   finished jobs stay visible to squeue long enough for the executor to see their final state.
# - Container-friendly: proctrack/linuxproc and task/none (no cgroups needed). Memory limits are enforced by
#   jobacct_gather/linux with OverMemoryKill, so an over-memory job ends OUT_OF_MEMORY and the profile's
#   attempt-based retries ask for more memory.
# - Needs root (munged runs as user munge, slurmd must be able to start jobs as the submitting user).
# - A slurm.conf not written by this script is never overwritten: if that cluster answers, it is used as is.
set -euo pipefail

CONF=${SLURM_CONF:-/etc/slurm/slurm.conf}
STATE=${CLINWGS_SLURM_STATE:-/var/tmp/clinwgs-slurm}
NODE=$(hostname -s)
MARKER="# written by clinwgs .ci/start-slurm.sh"
export SLURM_CONF=$CONF

log() { echo "start-slurm: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Without a slurm.conf, sinfo looks for a configless controller in DNS and hangs for a minute: ask only when
# there is a config, and never for long.
node_state() {
  [[ -f $CONF ]] || return 0
  timeout 20 sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n1 || true
}

cluster_ready() {
  local st
  st=$(node_state)
  [[ $st == idle* || $st == mixed* || $st == allocated* || $st == completing* ]]
}

pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_daemon() {  # pidfile
  local pid
  if pid_alive "$1"; then
    pid=$(cat "$1")
    kill "$pid" || return 0
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    log "stopped pid $pid ($1)"
  fi
}

write_conf() {
  local cpus=${SLURM_NODE_CPUS:-$(nproc)}
  local mem_kb mem
  mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  mem=${SLURM_NODE_MEM_MB:-$((mem_kb / 1024 * 9 / 10))}
  mkdir -p "$(dirname "$CONF")" "$STATE/ctld" "$STATE/d"
  local tmp="$CONF.tmp.$$"
  cat >"$tmp" <<EOF
$MARKER (single-node test cluster; safe to delete)
ClusterName=clinwgs
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=2
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=900
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
SlurmdParameters=config_overrides
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  mv "$tmp" "$CONF"
  log "wrote $CONF (node $NODE: $cpus CPUs, $mem MB)"
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  [[ -s /etc/munge/munge.key ]] || {
    log "creating /etc/munge/munge.key"
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
    chown munge:munge /etc/munge/munge.key 2>/dev/null || true
    chmod 0400 /etc/munge/munge.key
  }
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
  chmod 0755 /run/munge
  if id munge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
  else
    /usr/sbin/munged --force
  fi
  for _ in $(seq 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && { log "munged running"; return 0; }
    sleep 0.2
  done
  die "munged did not start (see /var/log/munge/munged.log)"
}

start_slurm() {
  if ! pid_alive "$STATE/slurmctld.pid"; then
    /usr/sbin/slurmctld -f "$CONF" || die "slurmctld failed (see $STATE/slurmctld.log)"
  fi
  if ! pid_alive "$STATE/slurmd.pid"; then
    /usr/sbin/slurmd -f "$CONF" -N "$NODE" || die "slurmd failed (see $STATE/slurmd.log)"
  fi
  for _ in $(seq 150); do
    cluster_ready && { log "node $NODE is $(node_state)"; return 0; }
    sleep 0.2
  done
  local st
  st=$(node_state)
  if [[ $st == down* || $st == drain* ]]; then
    scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true
    for _ in $(seq 50); do cluster_ready && return 0; sleep 0.2; done
  fi
  die "node $NODE not ready (state '${st:-none}'); see $STATE/slurmctld.log and $STATE/slurmd.log"
}

case ${1:-start} in
  stop)
    stop_daemon "$STATE/slurmd.pid"
    stop_daemon "$STATE/slurmctld.pid"
    exit 0
    ;;
  status)
    sinfo && cluster_ready
    exit $?
    ;;
  start) ;;
  *) die "usage: $0 [start|stop|status]" ;;
esac

for tool in slurmctld slurmd sinfo sbatch squeue munged; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || die "missing $tool (apt-get install slurm-wlm munge)"
done
[[ $(id -u) == 0 ]] || die "must run as root (munged and slurmd need it); try: sudo $0"

ours=false
[[ -f $CONF ]] && grep -qF "$MARKER" "$CONF" && ours=true
# sinfo against a dead controller retries for ~10 s: only ask when a controller may be up
if { [[ $ours == false ]] || pid_alive "$STATE/slurmctld.pid"; } && cluster_ready; then
  log "cluster already running (node $NODE is $(node_state))"
  exit 0
fi
if [[ -f $CONF && $ours == false ]]; then
  die "$CONF exists and was not written by this script; start that cluster, or set SLURM_CONF elsewhere"
fi
write_conf
start_munge
start_slurm

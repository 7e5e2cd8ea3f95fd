#!/usr/bin/env bash
# Boots a real systemd as PID 1 of a systemd-nspawn container for the end-to-end
# tests (driven by tests/support/systemd.ts), and tears it down without leftovers.
#
#   nspawn.sh up STATE NAME [--systemd-root DIR] [--bind[-ro]=SRC:DST]...
#       STATE/units is bound over /etc/systemd/system, the console goes to
#       STATE/console; prints the host pid of PID 1 once the boot has finished.
#       --systemd-root: files layered over / (tools/systemd-262 --root).
#   nspawn.sh down NAME
#       stops it (SIGRTMIN+3, then kills what is left) and removes its cgroups.
#
# The container's root is an overlay over a read-only bind of the host's /
# (writes land on a tmpfs); it shares the host's network; /tmp, /run and /dev
# are its own. Each instance has a cgroup of its own (lfd-NAME), so parallel
# instances do not meet and a killed nspawn leaves nothing we cannot find.
set -euo pipefail
die() { echo "nspawn.sh: $*" >&2; exit 1; }

cgdirs() {  # this instance's cgroup in each hierarchy
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then echo "/sys/fs/cgroup/lfd-$1"
  else echo "/sys/fs/cgroup/unified/lfd-$1" "/sys/fs/cgroup/systemd/lfd-$1"; fi
}
procs() { local d; for d in $(cgdirs "$1"); do [ ! -d "$d" ] || find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -un; }
pid1() {  # the process of our cgroups that is pid 1 of its own pid namespace
  local p ns
  for p in $(procs "$1"); do
    ns=$(sed -n 's/^NSpid:\s*//p' "/proc/$p/status" 2>/dev/null) || continue
    [[ "$ns" =~ [[:space:]]1$ ]] && { echo "$p"; return 0; }
  done
  return 1
}

up() {
  local state=$1 name=$2 root="" binds=() pid1="" t0=$SECONDS; shift 2
  for a in "$@"; do case "$a" in --systemd-root=*) root=${a#*=} ;; --bind=* | --bind-ro=*) binds+=("$a") ;; *) die "up: unknown $a" ;; esac; done
  [ "$(id -u)" = 0 ] || die "must run as root (it boots systemd in a container): run the tests with sudo"
  command -v systemd-nspawn >/dev/null || die "systemd-nspawn is missing: apt-get install --no-install-recommends systemd-container"
  printf '[Unit]\nDescription=listen-fds end-to-end tests\nRequires=basic.target\nAfter=basic.target\n' > "$state/units/listen-fds-test.target"
  for u in ldconfig systemd-journal-catalog-update systemd-update-done systemd-update-utmp dev-hugepages.mount \
           systemd-remount-fs systemd-sysctl systemd-hwdb-update systemd-firstboot; do
    [[ $u == *.* ]] || u=$u.service; ln -sfn /dev/null "$state/units/$u"
  done
  for d in $(cgdirs "$name"); do mkdir "$d" || die "cgroup $d exists: is another instance named $name running?"; done
  setsid "$0" launch "$state" "$name" "$root" "${binds[@]}" </dev/null >"$state/console" 2>&1 &
  local launcher=$!
  until { [ -n "${pid1:-}" ] || pid1=$(pid1 "$name"); } && nsenter -t "$pid1" -m test -S /run/systemd/private 2>/dev/null; do
    kill -0 "$launcher" 2>/dev/null || die "systemd-nspawn exited during boot; console:$(echo; tail -n 40 "$state/console")"
    [ $((SECONDS - t0)) -lt 60 ] || die "no systemd after 60 s; console:$(echo; tail -n 40 "$state/console")"
    sleep 0.05
  done
  local status
  status=$(timeout 60 nsenter -t "$pid1" -a env -i PATH=/usr/bin:/bin systemctl is-system-running --wait 2>&1) || true
  case "$status" in running | degraded) echo "$pid1" ;;
    *) die "systemd is '$status' after booting; console:$(echo; tail -n 40 "$state/console")" ;; esac
}

launch() {  # in the instance's cgroups, in a private mount namespace, becomes systemd-nspawn
  local state=$1 name=$2 root=$3; shift 3
  for d in $(cgdirs "$name"); do echo $$ > "$d/cgroup.procs"; done
  mkdir -p /run/systemd
  exec unshare -m --propagation private "$0" mounts "$state" "$name" "$root" "$@"
}

mounts() {
  local state=$1 name=$2 root=$3 R=/run/systemd; shift 3
  mount -t tmpfs -o mode=0755 "lfd-$name" "$R"   # nspawn's own state, gone with the namespace
  mkdir "$R/host" && mount --bind / "$R/host" && mount -o remount,bind,ro "$R/host"
  local args=(-q --register=no --keep-unit --link-journal=no "--machine=$name"
              "--bind-ro=$state/units:/etc/systemd/system" "$@")
  if [ -n "$root" ]; then  # systemd 262: its files over the host's; it wants cgroup2 only
    mkdir "$R/layer" "$R/upper" "$R/work" "$R/root" && cp -a "$root/." "$R/layer/"
    mount -t overlay -o "lowerdir=$R/layer:$R/host,upperdir=$R/upper,workdir=$R/work" "lfd-$name" "$R/root"
    export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
    args+=(-D "$R/root")
  else
    args+=(-D "$R/host" --volatile=overlay)
  fi
  exec systemd-nspawn "${args[@]}" -b -- systemd.unit=listen-fds-test.target systemd.show_status=0
}

down() {
  local name=$1 pid1 i
  if pid1=$(pid1 "$name"); then  # systemd stops every unit and exits; nspawn has nothing left to save
    kill -RTMIN+3 "$pid1" 2>/dev/null || true
    for i in $(seq 500); do kill -0 "$pid1" 2>/dev/null || break; sleep 0.02; done
  fi
  for i in $(seq 100); do
    [ -n "$(procs "$name")" ] || break
    for d in $(cgdirs "$name"); do [ ! -e "$d/cgroup.kill" ] || echo 1 > "$d/cgroup.kill" 2>/dev/null || true; done
    procs "$name" | xargs -r kill -KILL 2>/dev/null || true
    sleep 0.05
  done
  for d in $(cgdirs "$name"); do [ ! -d "$d" ] || find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
  for d in $(cgdirs "$name"); do [ ! -d "$d" ] || die "could not remove cgroup $d (processes: $(procs "$name" | xargs))"; done
}

cmd=${1:-}; shift || true
case "$cmd" in
  up | launch | mounts | down | pid1) "$cmd" "$@" ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

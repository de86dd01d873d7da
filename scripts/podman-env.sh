# Sourced by scripts/container-check and scripts/deploy-check: Debian's podman and friends, and
# the settings these machines need, in one place.
#
#   . scripts/podman-env.sh
#   podman_tools podman buildah runc mmdebstrap   # installs what is missing, from Debian
#
# Quirks of these machines: root lacks CAP_SYS_RESOURCE (default ulimits are set in a private
# containers.conf), cgroups are hybrid (runc, cgroupfs), there is no systemd (events go to a
# file; HEALTHCHECKs are run with `podman healthcheck run`).

podman_tools() { # commands that must exist; their Debian packages are installed when missing
  local missing=() tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # podman's helpers come along: catatonit runs pods' infra containers, uidmap, overlay storage.
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" catatonit uidmap \
    fuse-overlayfs slirp4netns containers-storage >/dev/null
}

podman_conf_dir="${XDG_CONFIG_HOME:-$HOME/.config}/shiori-container-check"
mkdir -p "$podman_conf_dir"
cat >"$podman_conf_dir/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$podman_conf_dir/containers.conf"

# HTTP checks shared by both scripts.
wait_ready() { # base URL, seconds: 0 once /readyz answers 200
  local i
  for i in $(seq 1 $(($2 * 10))); do
    if curl -fsS "$1/readyz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}
ask() { # base URL, question: the /api/ask JSON
  curl -fsS -G "$1/api/ask" --data-urlencode "q=$2"
}
cites() { # JSON, line: 0 when the answer cites that line and says how confident it is
  case "$1" in *"\"line_start\":$2"*'"confident":'* | *'"confident":'*"\"line_start\":$2"*) return 0 ;; esac
  return 1
}
picks_up_edit() { # base URL, notes folder: 0 when a note appended there is answered within 20 s
  printf '●栞コンテナ検査\n栞コンテナ検査の合言葉はミズナラである。\n' >>"$2/aws-notes.txt"
  local i
  for i in $(seq 1 100); do
    if ask "$1" "栞コンテナ検査の合言葉" | grep -q 'ミズナラ'; then return 0; fi
    sleep 0.2
  done
  return 1
}
port_free() { # port: 0 when nothing listens there
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

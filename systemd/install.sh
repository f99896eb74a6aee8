#!/bin/bash
# Tokusoku (督促SMS) installer for Raspberry Pi OS / Debian 12. Run from a copy of the project:
#
#   sudo systemd/install.sh                  # install or update; running it again changes nothing
#   sudo systemd/install.sh --wheels DIR     # offline: Python packages from DIR (pip download)
#   sudo systemd/install.sh --uninstall      # remove the program, keep the data and configuration
#   sudo systemd/install.sh --uninstall --purge   # remove the data, configuration and user too
#   systemd/install.sh --root DIR            # write the files under DIR only, touch nothing else;
#                                            # commands for the host are printed ("would run: ...")
#
# What it puts where:
#   /opt/tokusoku/venv                          the program (a Python venv)
#   /usr/local/bin/tokusoku                     the command line, run as the tokusoku user
#   /etc/tokusoku/tokusoku.toml                 configuration (a commented example; never overwritten)
#   /etc/systemd/system/tokusoku.service        the service
#   /etc/udev/rules.d/99-tokusoku-modems.rules  modem names, ModemManager kept away
#   /var/lib/tokusoku                           database and backups (kept by --uninstall)
set -eu

SERVICE_USER=tokusoku
SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT=""
ACTION=install
PURGE=0
WHEELS=""

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a folder}"; shift 2 ;;
        --root=*) ROOT="${1#--root=}"; shift ;;
        --uninstall) ACTION=uninstall; shift ;;
        --purge) PURGE=1; shift ;;
        --wheels) WHEELS="${2:?--wheels needs a folder}"; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage 2 >&2 ;;
    esac
done
if [ "$PURGE" = 1 ] && [ "$ACTION" != uninstall ]; then
    echo "install.sh: --purge goes with --uninstall" >&2; exit 2
fi
if [ -n "$ROOT" ]; then
    mkdir -p "$ROOT"
    ROOT="$(cd "$ROOT" && pwd)"
elif [ "$(id -u)" != 0 ]; then
    echo "install.sh: run it as root (sudo $0 $*), or with --root DIR to try it out" >&2; exit 1
fi

OPT="$ROOT/opt/tokusoku"
ETC="$ROOT/etc/tokusoku"
STATE="$ROOT/var/lib/tokusoku"
UNIT="$ROOT/etc/systemd/system/tokusoku.service"
RULES="$ROOT/etc/udev/rules.d/99-tokusoku-modems.rules"
WRAPPER="$ROOT/usr/local/bin/tokusoku"
CHANGED=0

say() { echo "install.sh: $*"; }

# A command for the host: run it, or with --root only say what would run.
host() {
    if [ -n "$ROOT" ]; then echo "would run: $(printf '%q ' "$@")"; else echo "+ $(printf '%q ' "$@")"; "$@"; fi
}

# Copy a file only when its content or mode differs, so a second run changes nothing.
put() {   # put SOURCE TARGET MODE
    if [ -f "$2" ] && cmp -s "$1" "$2" && [ "$(stat -c %a "$2")" = "$3" ]; then return 0; fi
    mkdir -p "$(dirname "$2")"
    install -m "$3" "$1" "$2"
    say "wrote ${2#"$ROOT"}"
    CHANGED=1
}

folder() {   # folder PATH MODE [OWNER]
    if [ ! -d "$1" ]; then mkdir -p "$1"; say "created ${1#"$ROOT"}"; fi
    [ "$(stat -c %a "$1")" = "$2" ] || chmod "$2" "$1"
    if [ -n "${3:-}" ] && { [ -n "$ROOT" ] || [ "$(stat -c %U:%G "$1")" != "$3" ]; }; then
        host chown "$3" "${1#"$ROOT"}"
    fi
}

source_digest() {
    (cd "$SOURCE" && find appliance modem web pyproject.toml -type f \
        ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

ensure_user() {
    if [ -n "$ROOT" ] || ! getent passwd "$SERVICE_USER" >/dev/null; then
        host useradd --system --user-group --home-dir /var/lib/tokusoku --no-create-home \
            --shell /usr/sbin/nologin --comment "Tokusoku SMS reminders" "$SERVICE_USER"
    fi
    if [ -n "$ROOT" ] || ! id -nG "$SERVICE_USER" | tr ' ' '\n' | grep -qx dialout; then
        host usermod --append --groups dialout "$SERVICE_USER"
    fi
}

ensure_python() {
    if [ -z "$ROOT" ] && ! python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        host apt-get update
        host apt-get install -y --no-install-recommends python3 python3-venv
    fi
}

# The venv is built in place on the box: its scripts name their interpreter by absolute path,
# so one built under --root DIR would not run from /opt. With --root it is only printed.
ensure_venv() {
    local digest marker="$OPT/installed-source.sha256"
    digest="$(source_digest)"
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$digest" ] && [ -x "$OPT/venv/bin/tokusoku" ]; then
        return 0
    fi
    local pip_options=(--quiet --disable-pip-version-check)
    [ -n "$WHEELS" ] && pip_options+=(--no-index --find-links "$WHEELS")
    [ -x "$OPT/venv/bin/python" ] || host python3 -m venv /opt/tokusoku/venv
    host /opt/tokusoku/venv/bin/pip install "${pip_options[@]}" --upgrade "$SOURCE"
    if [ -z "$ROOT" ]; then
        echo "$digest" > "$marker"
        CHANGED=1
    fi
}

write_wrapper() {
    local tmp
    tmp="$(mktemp)"
    cat > "$tmp" <<'EOF'
#!/bin/sh
# Tokusoku's command line on the box (installed by systemd/install.sh). Commands run as the
# service user, so files they create in /var/lib/tokusoku stay usable by the service.
export TOKUSOKU_DB="${TOKUSOKU_DB:-/var/lib/tokusoku/tokusoku.db}"
if [ "$(id -u)" = 0 ]; then
    exec runuser -u tokusoku -- /opt/tokusoku/venv/bin/tokusoku "$@"
fi
exec /opt/tokusoku/venv/bin/tokusoku "$@"
EOF
    put "$tmp" "$WRAPPER" 755
    rm -f "$tmp"
}

install_all() {
    ensure_python
    ensure_user
    folder "$OPT" 755
    ensure_venv
    put "$SOURCE/README.md" "$OPT/README.md" 644
    write_wrapper
    # As the unit's ConfigurationDirectoryMode=0750: the service user reads it through the group.
    folder "$ETC" 750 "root:$SERVICE_USER"
    if [ ! -e "$ETC/tokusoku.toml" ]; then
        put "$SOURCE/systemd/tokusoku.example.toml" "$ETC/tokusoku.toml" 640
        host chown "root:$SERVICE_USER" /etc/tokusoku/tokusoku.toml
    fi
    folder "$STATE" 750 "$SERVICE_USER:$SERVICE_USER"
    put "$SOURCE/systemd/tokusoku.service" "$UNIT" 644
    put "$SOURCE/systemd/99-tokusoku-modems.rules" "$RULES" 644
    host udevadm control --reload
    host udevadm trigger --action=add --subsystem-match=tty
    host systemctl daemon-reload
    host systemctl enable tokusoku.service
    # A new program, unit or README: (re)start; otherwise only make sure it runs.
    if [ "$CHANGED" = 1 ]; then host systemctl restart tokusoku.service; else host systemctl start tokusoku.service; fi
    say "done. Admin page: http://$(hostname -I 2>/dev/null | cut -d' ' -f1 || echo THIS-BOX):8080/"
    say "edit /etc/tokusoku/tokusoku.toml (find modems: sudo tokusoku modem scan), then: sudo systemctl restart tokusoku"
}

remove() {   # remove PATH...
    local path
    for path in "$@"; do
        if [ -e "$path" ] || [ -L "$path" ]; then rm -rf "$path"; say "removed ${path#"$ROOT"}"; fi
    done
}

uninstall_all() {
    if [ -n "$ROOT" ] || [ -e "$UNIT" ]; then host systemctl disable --now tokusoku.service; fi
    remove "$UNIT" "$RULES" "$WRAPPER" "$OPT"
    host systemctl daemon-reload
    host udevadm control --reload
    if [ "$PURGE" = 1 ]; then
        remove "$STATE" "$ETC"
        if [ -n "$ROOT" ] || getent passwd "$SERVICE_USER" >/dev/null; then host userdel "$SERVICE_USER"; fi
    else
        say "kept the data in /var/lib/tokusoku and the configuration in /etc/tokusoku (--purge removes them)"
    fi
}

if [ "$ACTION" = install ]; then install_all; else uninstall_all; fi

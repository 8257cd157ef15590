#!/usr/bin/env bash
# Installs the snapshot .deb from dist/ on this machine (as root), checks
# what it put where, that an edited config survives a reinstall, and that
# `dpkg --purge` removes it all. Run by .ci/run after `make dist`; it
# changes the machine, so run it on a throwaway one.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-deb: $*" >&2; exit 1; }

arch="$(dpkg --print-architecture)"
debs=(dist/ferry_*_"$arch".deb)
[ -f "${debs[0]}" ] || fail "no dist/ferry_*_$arch.deb: run make dist first"
deb="${debs[0]}"
ls -l dist/*.deb dist/*.rpm dist/*.tar.gz dist/*.zip

if dpkg -s ferry >/dev/null 2>&1; then
	dpkg --purge ferry
fi

echo "-- dpkg -i $deb"
dpkg -i "$deb"

echo "-- files"
test -x /usr/bin/ferry || fail "/usr/bin/ferry missing"
/usr/bin/ferry version
/usr/bin/ferry version | grep -q 'snapshot' || fail "ferry version does not show the snapshot version"
/usr/bin/ferry version | grep -qE '\(commit [0-9a-f]{7,}, built [0-9]{4}-' || fail "ferry version has no commit or date stamped"
cmp packaging/ferry.service /usr/lib/systemd/system/ferry.service || fail "the packaged unit differs from packaging/ferry.service"
[ "$(stat -c '%a %U %G' /etc/ferry)" = "750 root ferry" ] || fail "/etc/ferry: $(stat -c '%a %U %G' /etc/ferry), want 750 root ferry"
[ "$(stat -c '%a %U %G' /etc/ferry/ferry.toml)" = "640 root ferry" ] || fail "/etc/ferry/ferry.toml: $(stat -c '%a %U %G' /etc/ferry/ferry.toml), want 640 root ferry"
dpkg-query -W -f='${Conffiles}\n' ferry | grep -q '/etc/ferry/ferry.toml' || fail "/etc/ferry/ferry.toml is not a conffile"
test -f /usr/share/doc/ferry/copyright || fail "/usr/share/doc/ferry/copyright missing"
contents="$(dpkg-deb -c "$deb")" # not piped into grep -q: SIGPIPE under pipefail
grep -q ' \./usr/share/man/man1/ferry\.1$' <<<"$contents" || fail "the manual ferry(1) is not in the package"
# dpkg's path-exclude (slim images) may leave manuals out: compare only what was installed.
if [ -e /usr/share/man/man1/ferry.1 ]; then
	cmp packaging/ferry.1 /usr/share/man/man1/ferry.1 || fail "the packaged manual differs from packaging/ferry.1"
fi

echo "-- user"
getent passwd ferry | grep -q ':/usr/sbin/nologin$' || fail "no system user ferry with a nologin shell: $(getent passwd ferry || true)"
[ "$(id -u ferry)" -lt 1000 ] || fail "user ferry is not a system user (uid $(id -u ferry))"

echo "-- unit"
if command -v systemd-analyze >/dev/null 2>&1; then
	out="$(systemd-analyze verify /usr/lib/systemd/system/ferry.service 2>&1)" || fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
	echo "systemd-analyze verify: clean"
else
	echo "systemd-analyze not installed: unit check skipped"
fi
if [ -d /run/systemd/system ]; then
	! systemctl is-enabled --quiet ferry.service || fail "the unit is enabled before it is configured"
fi
# The sample config is valid as shipped, read as the system service would.
/usr/bin/ferry service install --system --dry-run --config /etc/ferry/ferry.toml >/dev/null

echo "-- an edited config survives a reinstall"
echo '# edited by check-deb' >>/etc/ferry/ferry.toml
dpkg -i "$deb" >/dev/null
grep -q '^# edited by check-deb$' /etc/ferry/ferry.toml || fail "reinstalling overwrote the edited /etc/ferry/ferry.toml"

echo "-- dpkg --purge"
dpkg --purge ferry
! dpkg -s ferry >/dev/null 2>&1 || fail "ferry still installed"
for f in /usr/bin/ferry /usr/lib/systemd/system/ferry.service /etc/ferry /usr/share/doc/ferry /usr/share/man/man1/ferry.1; do
	[ ! -e "$f" ] || fail "$f left after purge"
done
! getent passwd ferry >/dev/null || fail "user ferry left after purge"
! getent group ferry >/dev/null || fail "group ferry left after purge"
echo "-- ferry service install --system (what the package ships, written by ferry itself)"
bin="$(ls dist/ferry_linux_"$arch"*/ferry | head -1)"
# Not under /tmp: the system unit's PrivateTmp would hide it, and install refuses that.
tmp="$(mktemp -d /var/lib/ferry-check.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
printf 'parents = ["proxy.corp.example:8080"]\n[auth]\nscheme = "none"\n' >"$tmp/ferry.toml"
"$bin" service install --system --no-start --executable /usr/bin/ferry --config "$tmp/ferry.toml"
getent passwd ferry >/dev/null || fail "install --system did not create the user ferry"
sed "s|$tmp/ferry.toml|/etc/ferry/ferry.toml|g" /etc/systemd/system/ferry.service | cmp - packaging/ferry.service ||
	fail "install --system wrote a unit that differs from packaging/ferry.service"
"$bin" service uninstall --system
[ ! -e /etc/systemd/system/ferry.service ] || fail "uninstall --system left /etc/systemd/system/ferry.service"
userdel ferry
echo "check-deb: ok"

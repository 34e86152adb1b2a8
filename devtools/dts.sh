#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Run the vfbc DTS test suite (dts/tests/TestSuite_vfbc.py) on DPDK's own test
# framework, DTS v24.07, with this host as both the system under test (SUT) and
# a Scapy traffic generator (TG) node, reached over SSH on 127.0.0.1, and the
# vfbc ports as virtual devices.
#
# Usage: devtools/dts.sh [--build DIR] [--output DIR] DTS_TREE [TEST_CASE...]
#   DTS_TREE   DTS v24.07: DPDK's dts/ directory at tag v24.07, or a DPDK v24.07
#              tree (git checkout or release tarball) that contains it. Left as it
#              is: the script works on a copy.
#   TEST_CASE  run only these test cases of the suite (default: all).
#   --build    the vfbc build directory (default: BUILD_DIR or build/), built
#              with devtools/build.sh if its dpdk-testpmd-vfbc is missing.
#   --output   where DTS writes its logs and statistics.txt
#              (default: <build>/dts-output).
#
# What it does, undoing all of it on exit, failure or interruption included:
#  - installs the Debian packages DTS v24.07 needs (never PyPI);
#  - copies DTS into a temporary directory, applies devtools/dts-v24.07.patch
#    there and adds the vfbc suite;
#  - starts a private sshd on 127.0.0.1 (port 22, or VFBC_DTS_SSH_PORT) with
#    its own host key, client key, authorized_keys and configuration in the
#    temporary directory, and an ssh-agent holding the client key, which DTS's
#    SSH library uses; ~/.ssh and the system's sshd configuration are not used;
#  - makes the "precompiled DPDK tree" DTS runs with --skip-setup:
#    /tmp/dpdk-vfbc-dts.XXXXXX/<arch>-linux-native-gcc/app/dpdk-testpmd is a
#    link to <build>/app/test-pmd/dpdk-testpmd-vfbc;
#  - writes DTS's conf.yaml and runs the suite with /usr/bin/python3;
#  - prints DTS's result summary (statistics.txt) and each test case's result.
# The exit status is DTS's: non-zero when a test case failed or DTS erred.
#
# The suite's environment variables pass through, for example
# VFBC_DTS_EXPECT_VF_MAC=02:00:5e:10:00:99 makes test_vf_mac_follows_mac_block
# expect a wrong address: DTS must then report that test case as failed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
output=
pkgs=(python3-fabric python3-scapy python3-warlock python3-yaml python3-typing-extensions
	openssh-server openssh-client sudo lshw lsof procps tar)

log() { echo "vfbc-dts: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
	sed -n '/^# Usage:/,/^#   --output/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$(realpath "$2"); shift 2 ;;
	--output) output=$(realpath -m "$2"); shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
dts_tree=$(realpath "$1")
shift
output=${output:-$build/dts-output}

if [ -f "$dts_tree/main.py" ] && [ -d "$dts_tree/framework" ]; then
	dts_src=$dts_tree
elif [ -f "$dts_tree/dts/main.py" ]; then
	dts_src=$dts_tree/dts
else
	die "$dts_tree is neither DTS (dts/ of DPDK) nor a DPDK tree that contains it"
fi
if [ -f "$dts_src/../VERSION" ] && [ "$(cat "$dts_src/../VERSION")" != 24.07.0 ]; then
	log "warning: $dts_src/../VERSION says $(cat "$dts_src/../VERSION"), not 24.07.0"
fi

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Everything this run starts or creates, undone by cleanup().
tmp=
precompiled=
sshd_pid=
agent_pid=
made_privsep=

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$sshd_pid" ]; then
		# sshd's own PID: $sshd_pid may be sudo's.
		[ -s "$tmp/sshd.pid" ] && { as_root kill "$(cat "$tmp/sshd.pid")" 2>/dev/null || true; }
		kill "$sshd_pid" 2>/dev/null || true
		wait "$sshd_pid" 2>/dev/null || true
	fi
	if [ -n "$agent_pid" ]; then
		kill "$agent_pid" 2>/dev/null || true
		wait "$agent_pid" 2>/dev/null || true
	fi
	[ -n "$made_privsep" ] && { rmdir /run/sshd 2>/dev/null || true; }
	[ -n "$precompiled" ] && rm -rf "$precompiled"
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# devtools/setup.sh installs what is missing of its packages and ours.
"$top/devtools/setup.sh" "${pkgs[@]}"
[ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null ||
	die "DTS runs testpmd with sudo: run as root or as a user with password-less sudo"

testpmd=$build/app/test-pmd/dpdk-testpmd-vfbc
if [ ! -x "$testpmd" ]; then
	BUILD_DIR=$build "$top/devtools/build.sh"
	[ -x "$testpmd" ] || die "no $testpmd: was the build configured with -Dtestpmd=false?"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vfbc-dts.XXXXXX")

# DTS, patched, with our suite.
cp -a "$dts_src" "$tmp/dts"
patch -s -d "$tmp" -p1 <"$top/devtools/dts-v24.07.patch" ||
	die "devtools/dts-v24.07.patch does not apply to $dts_src: is it DTS v24.07?"
cp "$top/dts/tests/TestSuite_vfbc.py" "$tmp/dts/tests/"

# The SSH server and the client key, all in $tmp.
user=$(id -un)
port=${VFBC_DTS_SSH_PORT:-22}
if ss -Hltn "sport = :$port" | grep -q .; then
	die "something already listens on TCP port $port: set VFBC_DTS_SSH_PORT to a free port"
fi
ssh-keygen -q -t ed25519 -N '' -C vfbc-dts-host -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N '' -C vfbc-dts-client -f "$tmp/client_key"
cp "$tmp/client_key.pub" "$tmp/authorized_keys"
cat >"$tmp/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
HostKey $tmp/host_key
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/authorized_keys
AllowUsers $user
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The keys live in a temporary directory, which sshd's ownership checks of a
# home directory's files do not apply to.
StrictModes no
# DTS copies files over SFTP.
Subsystem sftp internal-sftp
EOF
if [ ! -d /run/sshd ]; then
	as_root mkdir -m 0755 /run/sshd
	made_privsep=1
fi
if [ "$(id -u)" = 0 ]; then
	/usr/sbin/sshd -D -f "$tmp/sshd_config" -E "$tmp/sshd.log" </dev/null &
else
	sudo /usr/sbin/sshd -D -f "$tmp/sshd_config" -E "$tmp/sshd.log" </dev/null &
fi
sshd_pid=$!
# In the foreground (-D), as our child: a daemon would outlive us as a zombie
# where nothing reaps orphans.
ssh-agent -D -a "$tmp/agent.sock" >/dev/null &
agent_pid=$!
export SSH_AUTH_SOCK=$tmp/agent.sock
for _ in $(seq 100); do
	[ -S "$SSH_AUTH_SOCK" ] && break
	sleep 0.1
done
ssh-add -q "$tmp/client_key"
ssh_ok=
for _ in $(seq 100); do
	if ssh -q -p "$port" -i "$tmp/client_key" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o ConnectTimeout=2 "$user@127.0.0.1" true 2>/dev/null
	then
		ssh_ok=1
		break
	fi
	kill -0 "$sshd_pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$ssh_ok" ] || { cat "$tmp/sshd.log" >&2; die "the private sshd does not let us in"; }

# The precompiled DPDK tree. DTS with --skip-setup takes the last of
# /tmp/dpdk-* as the DPDK tree, and <arch>-linux-native-gcc as its build.
arch=$(uname -m)
precompiled=$(mktemp -d /tmp/dpdk-vfbc-dts.XXXXXX)
mkdir -p "$precompiled/$arch-linux-native-gcc/app"
dpdk_version=$(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)
echo "$dpdk_version" >"$precompiled/VERSION"
ln -s "$testpmd" "$precompiled/$arch-linux-native-gcc/app/dpdk-testpmd"
# shellcheck disable=SC2012 # the very command DTS runs
[ "$(ls -d /tmp/dpdk-* | tail -1)" = "$precompiled" ] ||
	die "DTS would take $(ls -d /tmp/dpdk-* | tail -1) for the DPDK tree, not $precompiled"
# DTS wants a tarball even when it does not extract one.
tar -C /tmp -cf "$tmp/$(basename "$precompiled").tar" "$(basename "$precompiled")"

cat >"$tmp/conf.yaml" <<EOF
# Written by devtools/dts.sh: SUT and Scapy TG are this host, without ports.
test_runs:
  - build_targets:
      - arch: $arch
        os: linux
        cpu: native
        compiler: gcc
    perf: false
    func: true
    skip_smoke_tests: true
    test_suites:
      - vfbc
    system_under_test_node:
      node_name: "SUT 1"
    traffic_generator_node: "TG 1"
nodes:
  - name: "SUT 1"
    hostname: "127.0.0.1:$port"
    user: $user
    arch: $arch
    os: linux
    lcores: ""
    use_first_core: true
    ports: []
  - name: "TG 1"
    hostname: "127.0.0.1:$port"
    user: $user
    arch: $arch
    os: linux
    ports: []
    traffic_generator:
      type: SCAPY
EOF

suite=(vfbc "$@")
log "DTS v24.07 from $dts_src, patched copy in $tmp/dts"
log "testpmd: $testpmd (DPDK $dpdk_version), vfbc build: $build"
rm -rf "$output"
mkdir -p "$output"
set +e
(cd "$tmp/dts" && VFBC_BUILD_DIR=$build /usr/bin/python3 main.py \
	--config-file "$tmp/conf.yaml" --output-dir "$output" \
	--skip-setup --tarball "$tmp/$(basename "$precompiled").tar" \
	--test-suite "${suite[@]}")
rc=$?
set -e

echo
echo "DTS test case results ($output/dts.log):"
grep -E "Test case execution (PASSED|FAILED|ERROR|BLOCKED|SKIPPED)|Test suite setup (successful|ERROR)" \
	"$output/dts.log" | sed 's/^[^-]*- //' || true
echo
echo "DTS summary ($output/statistics.txt):"
cat "$output/statistics.txt" 2>/dev/null || echo "(none: DTS ended before writing it)"
echo "DTS exit status: $rc"
exit "$rc"

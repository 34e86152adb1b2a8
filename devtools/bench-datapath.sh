#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Datapath throughput of vfbc PF <-> VF against net_memif (copy mode), with the
# stock testpmd; see app/test-vfbc/bench_datapath.py.
#
# Usage: devtools/bench-datapath.sh [--build DIR] [--seconds N] [--mode 1proc|2proc|all]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$top/build/drivers/net/vfbc/librte_net_vfbc.so" ]; then
	"$top/devtools/build.sh"
fi
exec /usr/bin/python3 "$top/app/test-vfbc/bench_datapath.py" --build "$top/build" "$@"

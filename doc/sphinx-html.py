#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Build the HTML guides with sphinx-build, from scratch.

Usage: sphinx-html.py SPHINX VERSION SRCDIR OUTDIR DOCTREEDIR DEPFILE [SPHINX_ARGS...]

Every run reads all sources again (-E), so a warning of an unchanged page
is never lost to Sphinx's cache, and writes DEPFILE, a Makefile rule that
makes OUTDIR depend on every file in SRCDIR, for ninja.
"""

import os
import shutil
import subprocess
import sys


def escape(path):
    """Escape a path for a Makefile rule."""
    return path.replace('\\', '\\\\').replace(' ', '\\ ').replace('$', '$$')


def main():
    sphinx, version, src, out, doctrees, depfile, *args = sys.argv[1:]

    sources = []
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        sources.extend(os.path.join(root, f) for f in sorted(files))
    with open(depfile, 'w') as dep:
        dep.write('{}: {}\n'.format(escape(out),
                                    ' '.join(escape(s) for s in sources)))

    for d in (out, doctrees):
        shutil.rmtree(d, ignore_errors=True)
    env = dict(os.environ, VFBC_VERSION=version)
    cmd = [sphinx, '-E', '-b', 'html', '-d', doctrees] + args + [src, out]
    ret = subprocess.run(cmd, env=env).returncode
    if ret != 0:
        # No half-built output that ninja could take as up to date.
        shutil.rmtree(out, ignore_errors=True)
    return ret


if __name__ == '__main__':
    sys.exit(main())

# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Sphinx configuration of the vfbc guides (built by doc/meson.build)."""

import configparser
import os
import re

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList


def project_version():
    """The version meson passes, else the one in the top meson.build."""
    version = os.environ.get('VFBC_VERSION')
    if version:
        return version
    meson_build = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               '..', '..', 'meson.build')
    with open(meson_build) as f:
        m = re.search(r"\bversion\s*:\s*'([^']+)'", f.read())
    return m.group(1) if m else 'unknown'


project = 'vfbc'
copyright = '2026, The vfbc authors'
version = release = project_version()
root_doc = master_doc = 'index'
highlight_language = 'none'
html_show_sourcelink = False
html_copy_source = False
html_title = 'vfbc {}'.format(version)

try:
    import sphinx_rtd_theme  # noqa: F401
    html_theme = 'sphinx_rtd_theme'
except ImportError:
    html_theme = 'classic'


class FeatureTable(Directive):
    """Table of the features the drivers declare.

    .. feature-table:: features

    reads every <driver>.ini file of the directory (relative to the page)
    but default.ini, and makes a table with one row per key of their
    [Features] sections, in the order the files list them, and one column
    per driver. A value is Y (supported), P (partially supported), N or
    empty; any other value is an error.
    """

    required_arguments = 1
    values = ('Y', 'P', 'N', '')

    def read_ini(self, path):
        ini = configparser.ConfigParser(interpolation=None)
        ini.optionxform = str
        with open(path) as f:
            ini.read_file(f)
        if not ini.has_section('Features'):
            raise self.error('{}: no [Features] section'.format(path))
        features = dict(ini['Features'])
        for key, value in features.items():
            if value not in self.values:
                raise self.error('{}: {} = {}: expected one of {}'.format(
                    path, key, value, ', '.join(v or '""' for v in self.values)))
        return features

    def run(self):
        env = self.state.document.settings.env
        _, path = env.relfn2path(self.arguments[0], env.docname)
        if not os.path.isdir(path):
            raise self.error('{}: not a directory'.format(path))
        drivers = {}
        for name in sorted(os.listdir(path)):
            if name.endswith('.ini') and name != 'default.ini':
                ini = os.path.join(path, name)
                env.note_dependency(ini)
                drivers[name[:-len('.ini')]] = self.read_ini(ini)
        if not drivers:
            raise self.error('{}: no driver .ini file'.format(path))
        features = []
        for table in drivers.values():
            features.extend(f for f in table if f not in features)

        lines = ['.. list-table::', '   :header-rows: 1', '',
                 '   * - Feature']
        lines.extend('     - ' + driver for driver in drivers)
        for feature in features:
            lines.append('   * - ' + feature)
            for table in drivers.values():
                value = table.get(feature, '')
                lines.append('     - ' + value if value else '     -')
        node = nodes.Element()
        self.state.nested_parse(StringList(lines, source=path),
                                self.content_offset, node)
        return node.children


def setup(app):
    app.add_directive('feature-table', FeatureTable)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}

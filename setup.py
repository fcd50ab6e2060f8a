"""Build the optional compiled hot loops (``dechaff._speedups``, ``dechaff._line_speedups``); the
rest is in pyproject.toml.

The extension is optional: without Cython or a C compiler the install still succeeds and
dechaff uses the pure-Python references, which give the same result, slower.
"""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # no Cython: the pure-Python walk is used
    extensions = []
else:
    extensions = cythonize(
        [
            Extension("dechaff._speedups", ["src/dechaff/_speedups.pyx"], optional=True),
            Extension("dechaff._line_speedups", ["src/dechaff/_line_speedups.pyx"], optional=True),
        ],
        compiler_directives={"language_level": "3"},
        quiet=True,
    )

setup(ext_modules=extensions)

"""Builds the mlp Python package: pure Python over libmlp's shared library, which `make lib` in
the repository builds and which is copied into the package as mlp/libmlp.so, with the mlp
executable as mlp/bin/mlp (mlp.tune's trials run it). Installs offline
(Debian's setuptools, numpy, scikit-learn; no package index):

    python3 -m venv --system-site-packages .venv
    .venv/bin/pip install --no-build-isolation ./python
"""

import glob
import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def shared_library():
    """libmlp's shared library from the repository's build folder (built by `make lib`)."""
    subprocess.run(["make", "-C", ROOT, "lib"], check=True)
    candidates = sorted(glob.glob(os.path.join(ROOT, "build", "lib", "libmlp.so*")))
    files = [p for p in candidates if not os.path.islink(p)]
    if not files:
        raise RuntimeError(f"make lib built no {ROOT}/build/lib/libmlp.so")
    return max(files, key=os.path.getmtime)


def command():
    """The mlp executable (build/mlp, `make`): mlp.tune runs its trials as `mlp train`."""
    subprocess.run(["make", "-C", ROOT, "build/mlp"], check=True)
    return os.path.join(ROOT, "build", "mlp")


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "mlp", "libmlp.so")
        shutil.copyfile(shared_library(), target)
        os.makedirs(os.path.join(self.build_lib, "mlp", "bin"), exist_ok=True)
        shutil.copy2(command(), os.path.join(self.build_lib, "mlp", "bin", "mlp"))


class PlatformDistribution(Distribution):
    """The wheel holds a native library, so it is tagged for this platform and Python."""

    def has_ext_modules(self):
        return True


setup(
    distclass=PlatformDistribution,
    name="mlp",
    version="0.1.0",
    description="Multilayer perceptrons trained by libmlp: a scikit-learn estimator and the "
                "mlp command's runs from Python",
    packages=["mlp"],
    python_requires=">=3.9",
    install_requires=["numpy", "scikit-learn"],
    cmdclass={"build_py": BuildWithLibrary},
    zip_safe=False,
)

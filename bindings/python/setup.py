"""Build hook: bundle libazaudio.so.0 into the package (and mark the wheel as platform-specific).

The library comes from, in order: the AZAUDIO_BUILD_LIBRARY environment variable (a path to libazaudio.so.0), or
build/lib/libazaudio.so.0 of the source tree this directory sits in, which is built with `make -C <tree> lib`
when missing. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
SONAME = "libazaudio.so.0"


def _library() -> Path:
    given = os.environ.get("AZAUDIO_BUILD_LIBRARY")
    if given:
        path = Path(given)
        if not path.is_file():
            raise SystemExit(f"AZAUDIO_BUILD_LIBRARY={given} is not a file")
        return path
    tree = HERE.parent.parent
    built = tree / "build" / "lib" / SONAME
    if not built.exists():
        if not (tree / "Makefile").exists() or not (tree / "include" / "azaudio.h").exists():
            raise SystemExit(
                f"cannot find {SONAME}: build this package from the libazaudio source tree, or set "
                "AZAUDIO_BUILD_LIBRARY to the library to bundle"
            )
        print(f"building {SONAME} with make -C {tree} lib")
        subprocess.run(["make", "-C", str(tree), "lib"], check=True)
    return built.resolve()


class BuildPyWithLibrary(build_py):
    """build_py that also copies libazaudio.so.0 into the built package."""

    def run(self) -> None:
        super().run()
        source = _library()
        target = Path(self.build_lib) / "azaudio" / SONAME
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, 0o755)
        print(f"bundled {source} as {target}")


class PlatformWheel(bdist_wheel):
    """The wheel holds a native library: tag it for this platform, for any Python 3 (ctypes needs no ABI)."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self) -> tuple[str, str, str]:
        _, _, platform = super().get_tag()
        if _built_bridge(self.bdist_dir):
            return LIMITED_TAG, "abi3", platform  # the compiled bridge: any CPython from 3.10 on
        return "py3", "none", platform


def _built_bridge(root: str | None) -> bool:
    return root is not None and any(Path(root).rglob("_cbridge*.so"))


# The optional compiled realtime bridge (azaudio/_cbridge*.c), against the limited API (one abi3 build for every
# CPython the package supports). optional=True: without a C compiler or Python headers the build goes on and the
# package uses its ctypes path (azaudio._fast). AZAUDIO_NO_EXTENSION=1 leaves it out on purpose.
LIMITED_API = "0x030A0000"
LIMITED_TAG = "cp310"
BRIDGE = Extension(
    "azaudio._cbridge",
    [
        "azaudio/_cbridge.c",
        "azaudio/_cbridge_deliver.c",
        "azaudio/_cbridge_field.c",
        "azaudio/_cbridge_send.c",
        "azaudio/_cbridge_batch.c",
    ],
    depends=["azaudio/_cbridge.h"],
    py_limited_api=True,
    define_macros=[("Py_LIMITED_API", LIMITED_API)],
    extra_compile_args=["-O2", "-std=c11"],
    optional=True,
)


class NativeDistribution(Distribution):
    """The package carries a native library: install it as platform-specific (platlib), as auditwheel expects."""

    def has_ext_modules(self) -> bool:
        return True


setup(
    cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel},
    distclass=NativeDistribution,
    ext_modules=[] if os.environ.get("AZAUDIO_NO_EXTENSION", "") not in ("", "0") else [BRIDGE],
)

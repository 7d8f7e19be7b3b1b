"""clinwgs: clinical whole-genome sequencing workflow for the NHS Genomic Medicine Service."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clinwgs")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

"""One release from a data dir: sources -> checks -> compute -> release store, published atomically."""

from wsis.build.derive import derive_into
from wsis.build.run import build_release, check_data_dir, check_inputs, read_all

__all__ = ["build_release", "check_data_dir", "check_inputs", "derive_into", "read_all"]

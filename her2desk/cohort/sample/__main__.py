"""``python -m her2desk.cohort.sample OUTDIR [--flat]``: write the sample study."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .study import generate_forms
from .writers import SAMPLE_NAME, write_flat_copy, write_sample_workbook


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m her2desk.cohort.sample",
                                     description="Write the synthetic sample study.")
    parser.add_argument("outdir", type=Path, help="folder for sample_study.xlsx")
    parser.add_argument("--flat", action="store_true", help="also write the flat Chinese copy")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    forms = generate_forms()
    path = write_sample_workbook(args.outdir / SAMPLE_NAME, forms)
    print(path)
    if args.flat:
        print(write_flat_copy(forms, args.outdir / "sample_study_flat.xlsx"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

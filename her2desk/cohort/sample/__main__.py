"""``python -m her2desk.cohort.sample OUTDIR [--flat]``: write the sample study.

Writes ``sample_study.xlsx`` and ``sample_study_planted.json`` (the record of planted
errors) into OUTDIR; ``resources/`` holds the shipped copies.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .study import generate_study
from .writers import (PLANTED_NAME, SAMPLE_NAME, write_flat_copy, write_planted_record,
                      write_sample_workbook)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m her2desk.cohort.sample",
                                     description="Write the synthetic sample study.")
    parser.add_argument("outdir", type=Path,
                        help="folder for sample_study.xlsx and sample_study_planted.json")
    parser.add_argument("--flat", action="store_true", help="also write the flat Chinese copy")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    forms, planted = generate_study()
    print(write_sample_workbook(args.outdir / SAMPLE_NAME, forms))
    print(write_planted_record(planted, args.outdir / PLANTED_NAME))
    if args.flat:
        print(write_flat_copy(forms, args.outdir / "sample_study_flat.xlsx"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

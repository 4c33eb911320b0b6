"""Write the bundled sample study's cache entries for the bundle frozen from this checkout.

    python packaging/build_sample_cache.py OUT_DIR [--for-checkout]

Two files (her2desk/cohort/study_cache.py explains the format and why it is safe):
``sample_study.h2cache`` (the study read, validated and derived) and
``sample_study.results.h2cache`` (its analyses with the default settings), keyed as the
frozen app looks them up (her2desk's version + "frozen", this Python, pandas and numpy), so
the first opening of the sample in a fresh installation reads and computes nothing.
build_bundle.sh runs it before PyInstaller; the spec puts both files in resources/.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build(out_dir: Path, *, for_bundle: bool = True) -> list[Path]:
    from her2desk.analysis.study import run_study
    from her2desk.cohort.loading import load_study
    from her2desk.cohort.settings import StudySettings
    from her2desk.cohort.study_cache import (SHIPPED_SAMPLE, SHIPPED_SAMPLE_RESULTS,
                                             build_shipped_sample, results_key,
                                             shipped_sample_key, write_entry)
    from her2desk.resources import sample_study_path

    out_dir.mkdir(parents=True, exist_ok=True)
    loaded_file = build_shipped_sample(out_dir / SHIPPED_SAMPLE, for_bundle=for_bundle)
    settings = StudySettings()
    loaded = load_study(sample_study_path(), settings, mapping={})
    results = run_study(loaded.cohort, settings, flowchart=loaded.flowchart)
    results_file = out_dir / SHIPPED_SAMPLE_RESULTS
    if not write_entry(results_file, results_key(shipped_sample_key(for_bundle=for_bundle),
                                                 settings), results):
        raise SystemExit(f"could not write {results_file}")
    return [loaded_file, results_file]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--for-checkout", action="store_true",
                    help="key them for this checkout instead of the bundle frozen from it")
    args = ap.parse_args(argv)
    for path in build(args.out_dir, for_bundle=not args.for_checkout):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

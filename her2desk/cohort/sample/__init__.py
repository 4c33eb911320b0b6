"""The synthetic sample study: a deterministic CRF that reproduces Ran et al. (2024).

``generate_forms()`` builds the five CRF forms (``forms[form] -> DataFrame`` of
canonical typed values with the codebook's columns) for 3,012 admitted women
and men, of whom exactly 828 are eligible (466 HR+/HER2+, 362 HR−/HER2+). The
eligible cohort reproduces every count of the paper's Tables 1–4, the
neoadjuvant response figures, the metastatic population, receptor conversion
and HER2 heterogeneity; survival times are drawn so that hazard ratios and
medians land near the published ones. Everything comes from one seeded
generator, so the same data come out on every run.

How the counts are met: each table variable is dealt out as an exact
multiset of levels (:func:`.dealing.deal`) and shuffled, independently where the paper
gives only margins and jointly where the study's logic ties variables together
(de novo MBC = stage IV; no surgery ⊂ de novo except one HR− patient; pCR by
ER/PR subgroup × regimen; metastatic sites and first sites through a small
integer program so that site, visceral-count and first-site margins hold at
once). Survival is built backwards from the end of follow-up: event times come
from exponential models with the published effects as multipliers, the
patients who die are the ones whose event time is shortest relative to their
potential follow-up (so the published numbers of deaths hold exactly), and
calendar dates are anchored last.

The excluded patients are plausible: mostly HER2-negative, and a few of each
other reason. A handful of **planted data errors** sit mostly in excluded patients or in a duplicated
row; two sit in eligible patients, in cells whose masking changes one DFS and one PFS
time but no published count. ``generate_study()`` returns the record of what it planted
(:class:`~.planted.PlantedError`: patient, sheet, field, rule, eligible).

``python -m her2desk.cohort.sample OUTDIR`` writes ``sample_study.xlsx`` and
``sample_study_planted.json`` (that record).

One module a job: :mod:`.targets` (the paper's counts), :mod:`.dealing` (exact-count
tools), :mod:`.eligible` and :mod:`.metastatic` (the eligible patients),
:mod:`.survival` (survival simulation and dates), :mod:`.excluded` (the excluded
patients), :mod:`.rows` (form rows), :mod:`.planted` (planted errors and their record),
:mod:`.study` (the whole study), :mod:`.writers` (workbook files).
"""
from .planted import PlantedError
from .study import generate_forms, generate_study
from .targets import CUTOFF, EXCLUSIONS, GROUPS, HR_NEG, HR_POS, N_ADMITTED, SEED, GroupSpec
from .writers import (PLANTED_NAME, SAMPLE_NAME, flat_headers, flat_table, write_flat_copy,
                      write_planted_record, write_sample_workbook)

__all__ = ["CUTOFF", "EXCLUSIONS", "GROUPS", "HR_NEG", "HR_POS", "N_ADMITTED", "PLANTED_NAME",
           "SAMPLE_NAME", "SEED", "GroupSpec", "PlantedError", "flat_headers", "flat_table",
           "generate_forms", "generate_study", "write_flat_copy", "write_planted_record",
           "write_sample_workbook"]

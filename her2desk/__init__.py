"""her2desk: CRF import, validation, eligibility and the study's analyses for HER2+ breast cancer cohorts."""
__version__ = "0.1.0"

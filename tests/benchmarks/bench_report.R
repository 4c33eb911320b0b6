# The analyses her2desk's run_study computes, done in R (survival package), for
# tests/benchmarks/bench_report.py.  Usage: Rscript bench_report.R JOBS_DIR
#
# JOBS_DIR/jobs.csv lists one job per row, each with its own CSV of the patients it uses
# (written by bench_report.py from the same cohort run_study saw):
#   cat     a categorical table row / pCR rate / grade distribution: chi-square (Yates on
#           2x2), or Fisher's exact test when an expected count is below 5 (Monte Carlo
#           P, 2000 replicates, beyond 2x2 as her2desk); overall and pairwise vs reference
#   cont    a continuous table row: Mann-Whitney U (2 groups) or Kruskal-Wallis
#   km      a survival comparison: KM per group (log CI) at 12/36/60 months and medians,
#           log-rank overall and pairwise vs reference, Cox HR vs reference (Efron)
#   revkm   reverse-KM median follow-up
#   cox     a Cox model (Efron) on factor covariates with cox.zph (terms = TRUE)
# Reading the CSVs is not timed; the analyses are, and the elapsed seconds are printed.
suppressMessages(library(survival))
dir <- commandArgs(TRUE)[1]
jobs <- read.csv(file.path(dir, "jobs.csv"), stringsAsFactors = FALSE, na.strings = "")
data <- lapply(jobs$file, function(f) read.csv(file.path(dir, f), stringsAsFactors = FALSE,
                                               na.strings = c("", "NA")))
split_levels <- function(x) if (is.na(x) || x == "") character(0) else strsplit(x, "|", fixed = TRUE)[[1]]

cat_test <- function(v, g) {
  tab <- table(v, g)
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  if (nrow(tab) < 2 || ncol(tab) < 2) return(NA)
  expected <- outer(rowSums(tab), colSums(tab)) / sum(tab)
  if (any(expected < 5)) {
    if (all(dim(tab) == 2)) fisher.test(tab)$p.value
    else fisher.test(tab, simulate.p.value = TRUE, B = 2000)$p.value
  } else suppressWarnings(chisq.test(tab, correct = TRUE)$p.value)
}

run_job <- function(job, d) {
  if (job$kind == "cat") {
    drop <- split_levels(job$drop)
    v <- d$v; v[v %in% drop] <- NA
    keep <- !is.na(v) & !is.na(d$g)
    v <- v[keep]; g <- d$g[keep]
    p <- cat_test(v, g)
    if (!is.na(job$ref) && job$ref %in% g) {
      for (lev in setdiff(unique(g), job$ref)) {
        sel <- g %in% c(lev, job$ref)
        p <- c(p, cat_test(v[sel], g[sel]))
      }
    }
    p
  } else if (job$kind == "cont") {
    keep <- !is.na(d$v) & !is.na(d$g)
    v <- d$v[keep]; g <- d$g[keep]
    if (length(unique(g)) == 2) wilcox.test(v ~ g, exact = FALSE, correct = TRUE)$p.value
    else if (length(unique(g)) > 2) kruskal.test(v, factor(g))$p.value
  } else if (job$kind == "km") {
    fit <- survfit(Surv(t, e) ~ g, data = d, conf.type = "log")
    s <- summary(fit, times = c(12, 36, 60), extend = TRUE)
    med <- quantile(fit, 0.5)
    out <- list(s$surv, med)
    if (length(unique(d$g)) >= 2 && any(d$e == 1)) {
      out$lr <- survdiff(Surv(t, e) ~ g, data = d)$chisq
      if (!is.na(job$ref) && job$ref %in% d$g) {
        for (lev in setdiff(unique(d$g), job$ref)) {
          sub <- d[d$g %in% c(lev, job$ref), ]
          out[[paste0("lr_", lev)]] <- survdiff(Surv(t, e) ~ g, data = sub)$chisq
        }
        d$g <- relevel(factor(d$g), ref = job$ref)
        out$cox <- coef(coxph(Surv(t, e) ~ g, data = d, ties = "efron"))
      }
    }
    out
  } else if (job$kind == "revkm") {
    quantile(survfit(Surv(t, 1 - e) ~ 1, data = d), 0.5)
  } else if (job$kind == "cox") {
    vars <- strsplit(job$vars, ",", fixed = TRUE)[[1]]
    refs <- strsplit(job$refs, ",", fixed = TRUE)[[1]]
    drops <- strsplit(job$drop, ",", fixed = TRUE)[[1]]
    for (i in seq_along(vars)) {
      x <- d[[vars[i]]]
      x[x %in% split_levels(drops[i])] <- NA
      lv <- sort(setdiff(unique(x[!is.na(x)]), refs[i]))
      d[[vars[i]]] <- factor(x, levels = c(refs[i], lv))
    }
    f <- as.formula(paste("Surv(t, e) ~", paste(vars, collapse = " + ")))
    fit <- coxph(f, data = d, ties = "efron")
    list(coef(fit), cox.zph(fit, terms = TRUE)$table)
  }
}

set.seed(20240101)
elapsed <- system.time({
  results <- lapply(seq_len(nrow(jobs)), function(i) run_job(jobs[i, ], data[[i]]))
})[["elapsed"]]
cat(sprintf("%.3f %d\n", elapsed, nrow(jobs)))

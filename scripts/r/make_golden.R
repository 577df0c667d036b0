# Golden outputs of R `survey` for the synthetic household ICT survey (tests/data/survey/household.csv).
# Usage: Rscript scripts/r/make_golden.R tests/data/survey/household.csv tests/survey/golden/household_golden.csv
# Needs: r-cran-survey (Debian). CI does not run this; it compares against the committed output.
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$freq_user <- ifelse(is.na(d$q12), NA, as.numeric(d$q12 %in% c(1, 2)))
rc <- function(prefix) grep(paste0("^", prefix, "_[0-9]+$"), names(d), value = TRUE)
psu_stratum <- tapply(d$stratum, d$psu, function(x) x[1])
nh <- table(psu_stratum)
jkn_rscales <- as.numeric((nh[as.character(psu_stratum)] - 1) / nh[as.character(psu_stratum)])

taylor <- list(
  strat_clus = list(f = function() svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)),
  strat_clus_fpc = list(f = function() svydesign(id = ~psu, strata = ~stratum, weights = ~w, fpc = ~fpc_psu,
                                                 data = d, nest = TRUE)),
  twostage_fpc = list(f = function() svydesign(id = ~psu + hh, strata = ~stratum, weights = ~w,
                                               fpc = ~fpc_psu + fpc_hh, data = d, nest = TRUE)),
  clus_nostrata = list(f = function() svydesign(id = ~psu, weights = ~w, data = d)),
  elements_strat = list(f = function() svydesign(id = ~1, strata = ~stratum, weights = ~w, data = d)),
  lonely_remove = list(f = function() svydesign(id = ~psu, strata = ~stratum_l, weights = ~w, data = d, nest = TRUE),
                       lonely = "remove"),
  lonely_certainty = list(f = function() svydesign(id = ~psu, strata = ~stratum_l, weights = ~w, data = d,
                                                   nest = TRUE), lonely = "certainty"),
  lonely_adjust = list(f = function() svydesign(id = ~psu, strata = ~stratum_l, weights = ~w, data = d, nest = TRUE),
                       lonely = "adjust"),
  lonely_average = list(f = function() svydesign(id = ~psu, strata = ~stratum_l, weights = ~w, data = d,
                                                 nest = TRUE), lonely = "average")
)
rep <- list(
  rep_JK1 = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("jk1")], type = "JK1",
                                            scale = 29 / 30, combined.weights = TRUE)),
  rep_JK1_mse = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("jk1")], type = "JK1",
                                                scale = 29 / 30, combined.weights = TRUE, mse = TRUE)),
  rep_JKn = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("jkn")], type = "JKn",
                                            rscales = jkn_rscales, combined.weights = TRUE)),
  rep_BRR = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("brr")], type = "BRR",
                                            combined.weights = FALSE)),
  rep_Fay = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("fay")], type = "Fay",
                                            rho = 0.5, combined.weights = FALSE)),
  rep_bootstrap = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("boot")],
                                                  type = "bootstrap", combined.weights = FALSE)),
  rep_sdr = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("sdr")],
                                            type = "successive-difference", combined.weights = FALSE)),
  rep_ACS = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("sdr")], type = "ACS",
                                            combined.weights = FALSE, mse = TRUE)),
  rep_other = list(f = function() svrepdesign(data = d, weights = ~w, repweights = d[, rc("boot")], type = "other",
                                              scale = 0.05, rscales = 1, combined.weights = FALSE))
)
inds <- list(
  internet_use = list(v = "internet_use", stat = "proportion", uni = NULL),
  ict_skill = list(v = "ict_skill", stat = "proportion", uni = "age >= 15"),
  freq_user = list(v = "freq_user", stat = "proportion", uni = NULL),
  income = list(v = "income", stat = "mean", uni = NULL),
  hh_internet_total = list(v = "hh_internet", stat = "total", uni = NULL),
  ict_share = list(v = "spend_ict", stat = "ratio", uni = NULL, den = "income")
)
bys <- list(character(0), "sex", "area", "age_group", c("sex", "area"))
methods <- c(logit = "logit", "korn-graubard" = "beta", wald = "mean")
out <- list()
add <- function(...) out[[length(out) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)
fmt <- function(x) formatC(as.numeric(x), digits = 17, format = "g")
run_case <- function(case, spec) {
  options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
  des <- spec$f()
  for (code in names(inds)) {
    ind <- inds[[code]]
    keep <- !is.na(d[[ind$v]])
    if (!is.null(ind$uni)) keep <- keep & with(d, eval(parse(text = ind$uni)))
    if (!is.null(ind$den)) keep <- keep & !is.na(d[[ind$den]])
    sub <- subset(des, keep)
    fy <- as.formula(paste0("~", ind$v))
    for (b in bys) {
      label <- paste(b, collapse = ",")
      if (length(b) == 0) {
        sub$variables$one <- "all"
        bf <- ~one
      } else bf <- as.formula(paste0("~", paste(b, collapse = "+")))
      if (ind$stat == "ratio") {
        r <- svyby(fy, bf, sub, svyratio, denominator = as.formula(paste0("~", ind$den)))
        est <- coef(r); se <- SE(r); deff <- rep(NA, length(est))
      } else {
        fun <- if (ind$stat == "total") svytotal else svymean
        r <- svyby(fy, bf, sub, fun, deff = TRUE)
        est <- coef(r); se <- SE(r); deff <- deff(r)
      }
      keys <- if (length(b) == 0) rep("", length(est)) else
        apply(r[, b, drop = FALSE], 1, function(x) paste(paste0(b, "=", trimws(x)), collapse = ";"))
      add(case = case, indicator = code, by = label, domain = keys, quantity = "estimate", value = fmt(est))
      add(case = case, indicator = code, by = label, domain = keys, quantity = "se", value = fmt(se))
      if (!all(is.na(deff)))
        add(case = case, indicator = code, by = label, domain = keys, quantity = "deff", value = fmt(deff))
      if (ind$stat == "proportion") {
        for (m in names(methods)) {
          cp <- svyby(fy, bf, sub, svyciprop, vartype = "ci", method = methods[[m]])
          add(case = case, indicator = code, by = label, domain = keys, quantity = paste0(m, "_low"),
              value = fmt(cp$ci_l))
          add(case = case, indicator = code, by = label, domain = keys, quantity = paste0(m, "_high"),
              value = fmt(cp$ci_u))
        }
      }
    }
  }
}
for (case in names(taylor)) run_case(case, taylor[[case]])
for (case in names(rep)) suppressWarnings(run_case(case, rep[[case]]))
res <- do.call(rbind, out)
write.csv(res, args[2], row.names = FALSE, quote = TRUE)
cat("wrote", nrow(res), "golden values with survey", as.character(packageVersion("survey")), "\n")

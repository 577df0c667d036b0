# Golden outputs of R `survey` for the synthetic household ICT survey (tests/data/survey/household.csv),
# and the same survey exported as statistics offices hand it over (read by tests/survey/test_csv_input.py):
#   household_r.csv   R write.csv: comma, NA for missing, UTF-8
#   household_eu.csv  R write.csv2: semicolon, decimal comma, empty cells for missing, Latin-1
# Both add `region` (accented names) and `region_na` (region with some NA) for the domain cases.
# Usage (rewrites committed files, so only on request):
#   WSIS_REGENERATE_GOLDEN=1 Rscript scripts/r/make_golden.R
# Needs: r-cran-survey 4.1 (Debian). CI does not run this; it compares against the committed output.
if (Sys.getenv("WSIS_REGENERATE_GOLDEN") != "1") {
  cat("golden files are rewritten only on request: set WSIS_REGENERATE_GOLDEN=1\n")
  quit(status = 2)
}
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
src <- if (length(args) >= 1) args[1] else "tests/data/survey/household.csv"
golden <- if (length(args) >= 2) args[2] else "tests/survey/golden/household_golden.csv"
d <- read.csv(src, stringsAsFactors = FALSE)
regions <- c("Côte-Nord", "Île-du-Lac", "Forêt-Sèche", "Plaine", "Vallée-Haute", "Région-Sud")
d$region <- regions[d$hh %% 6 + 1]  # households of every PSU in every region
d$region_na <- ifelse(seq_len(nrow(d)) %% 23 == 0, NA, d$region)
exp_cols <- setdiff(names(d), "freq_user")
write.csv(d[, exp_cols], file.path(dirname(src), "household_r.csv"), row.names = FALSE)
write.csv2(d[, exp_cols], file.path(dirname(src), "household_eu.csv"), row.names = FALSE, na = "",
           fileEncoding = "latin1")
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
bys <- list(character(0), "sex", "area", "age_group", c("sex", "area"), "region_na", c("sex", "region_na"))
# parity F/M of internet use (has NAs): svycontrast on svyby, over the replicates for replicate designs
parity_cases <- c("strat_clus", "rep_bootstrap", "rep_JK1", "rep_BRR", "rep_Fay", "rep_JKn", "rep_JK1_mse")
methods <- c(logit = "logit", "korn-graubard" = "beta", wald = "mean")
out <- list()
add <- function(...) out[[length(out) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)
fmt <- function(x) formatC(as.numeric(x), digits = 17, format = "g")
run_case <- function(case, spec) {
  options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
  des <- spec$f()
  for (code in names(inds)) {
    ind <- inds[[code]]
    # the universe is a subset of the design; missing values are dropped inside each domain (na.rm = TRUE),
    # so the domain design (and its degrees of freedom) still holds the rows with a missing value
    sub <- if (is.null(ind$uni)) des else subset(des, with(d, eval(parse(text = ind$uni))))
    fy <- as.formula(paste0("~", ind$v))
    for (b in bys) {
      label <- paste(b, collapse = ",")
      if (length(b) == 0) {
        sub$variables$one <- "all"
        bf <- ~one
      } else bf <- as.formula(paste0("~", paste(b, collapse = "+")))
      if (ind$stat == "ratio") {
        r <- svyby(fy, bf, sub, svyratio, denominator = as.formula(paste0("~", ind$den)), na.rm = TRUE)
        est <- coef(r); se <- SE(r); deff <- rep(NA, length(est))
      } else {
        fun <- if (ind$stat == "total") svytotal else svymean
        r <- svyby(fy, bf, sub, fun, deff = TRUE, na.rm = TRUE)
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
          # R's glm can fail on a replicate of a small domain; such intervals are left out (and reported)
          cp <- tryCatch(svyby(fy, bf, sub, svyciprop, vartype = "ci", method = methods[[m]], na.rm = TRUE),
                         error = function(e) {
                           message("no ", m, " interval: ", case, " ", code, " by ", label, ": ", conditionMessage(e))
                           NULL
                         })
          if (is.null(cp)) next
          add(case = case, indicator = code, by = label, domain = keys, quantity = paste0(m, "_low"),
              value = fmt(cp$ci_l))
          add(case = case, indicator = code, by = label, domain = keys, quantity = paste0(m, "_high"),
              value = fmt(cp$ci_u))
        }
      }
    }
  }
  if (case %in% parity_cases) {
    # svyby(covmat = TRUE) fails with na.rm = TRUE in survey 4.1.1 (influence rows), so drop NAs first
    dn <- subset(des, !is.na(internet_use))
    b <- svyby(~internet_use, ~sex, dn, svymean, covmat = TRUE, return.replicates = inherits(des, "svyrep.design"))
    p <- svycontrast(b, quote(F / M))
    add(case = case, indicator = "internet_use.parity", by = "sex", domain = "sex=F/M", quantity = "estimate",
        value = fmt(coef(p)))
    add(case = case, indicator = "internet_use.parity", by = "sex", domain = "sex=F/M", quantity = "se",
        value = fmt(SE(p)))
  }
}
for (case in names(taylor)) run_case(case, taylor[[case]])
for (case in names(rep)) suppressWarnings(run_case(case, rep[[case]]))
res <- do.call(rbind, out)
write.csv(res, golden, row.names = FALSE, quote = TRUE)
cat("wrote", nrow(res), "golden values with survey", as.character(packageVersion("survey")), "\n")

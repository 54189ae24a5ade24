# Reference for scripts/bench/arima.ts: R's auto.arima (forecast package, default settings) on
# each series of a manifest, with the order it picks, its AICc and the seconds it took (the
# median of `repeats` runs).
#   Rscript scripts/bench/arima.R MANIFEST.json OUTPUT.json
suppressMessages(library(forecast))
suppressMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
manifest <- fromJSON(args[1], simplifyVector = FALSE)

results <- lapply(manifest$series, function(task) {
  x <- ts(unlist(task$values), frequency = task$period)
  seconds <- numeric(0)
  fit <- NULL
  for (i in seq_len(manifest$repeats)) {
    started <- proc.time()[["elapsed"]]
    fit <- auto.arima(x)
    seconds <- c(seconds, proc.time()[["elapsed"]] - started)
  }
  list(
    name = task$name,
    order = as.numeric(fit$arma[c(1, 6, 2, 3, 7, 4)]),
    constant = any(names(coef(fit)) %in% c("intercept", "drift")),
    aicc = fit$aicc,
    seconds = median(seconds)
  )
})

writeLines(toJSON(list(
  r = R.version.string,
  forecast = as.character(packageVersion("forecast")),
  results = results
), auto_unbox = TRUE, digits = NA, null = "null"), args[2])

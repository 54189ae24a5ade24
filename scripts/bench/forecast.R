# Reference forecasts for scripts/bench/forecast.ts: R's ets, auto.arima, stlf and seasonal naive
# on every train/test split of a manifest, with their 80% and 95% intervals and the time each took.
#   Rscript scripts/bench/forecast.R MANIFEST.json OUTPUT.json
suppressMessages(library(forecast))
suppressMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
manifest <- fromJSON(args[1], simplifyVector = FALSE)

timed <- function(expr) {
  started <- proc.time()[["elapsed"]]
  fc <- tryCatch(expr, error = function(e) NULL)
  seconds <- proc.time()[["elapsed"]] - started
  if (is.null(fc)) return(list(mean = NULL, lo = NULL, hi = NULL, seconds = seconds))
  list(
    mean = as.numeric(fc$mean),
    lo = as.numeric(fc$lower[, "80%"]),
    hi = as.numeric(fc$upper[, "80%"]),
    lo95 = as.numeric(fc$lower[, "95%"]),
    hi95 = as.numeric(fc$upper[, "95%"]),
    seconds = seconds
  )
}

results <- lapply(manifest, function(task) {
  x <- ts(unlist(task$train), frequency = task$period)
  h <- task$h
  seasonal <- task$period > 1 && length(x) > 2 * task$period
  list(
    id = task$id,
    ets = timed(forecast(ets(x), h = h, level = c(80, 95))),
    arima = timed(forecast(auto.arima(x), h = h, level = c(80, 95))),
    stlf = if (seasonal) timed(stlf(x, h = h, level = c(80, 95))) else list(mean = NULL, seconds = 0),
    snaive = timed(snaive(x, h = h, level = c(80, 95)))
  )
})

writeLines(toJSON(list(
  r = R.version.string,
  forecast = as.character(packageVersion("forecast")),
  results = results
), auto_unbox = TRUE, digits = NA, null = "null"), args[2])

# Reference forecasts for scripts/bench/forecast.ts: R's ets, auto.arima, stlf and seasonal naive
# on every train/test split of a manifest, with the time each took.
#   Rscript scripts/bench/forecast.R MANIFEST.json OUTPUT.json
suppressMessages(library(forecast))
suppressMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
manifest <- fromJSON(args[1], simplifyVector = FALSE)

timed <- function(expr) {
  started <- proc.time()[["elapsed"]]
  value <- tryCatch(as.numeric(expr), error = function(e) NULL)
  list(mean = value, seconds = proc.time()[["elapsed"]] - started)
}

results <- lapply(manifest, function(task) {
  x <- ts(unlist(task$train), frequency = task$period)
  h <- task$h
  seasonal <- task$period > 1 && length(x) > 2 * task$period
  list(
    id = task$id,
    ets = timed(forecast(ets(x), h = h)$mean),
    arima = timed(forecast(auto.arima(x), h = h)$mean),
    stlf = if (seasonal) timed(stlf(x, h = h)$mean) else list(mean = NULL, seconds = 0),
    snaive = timed(snaive(x, h = h)$mean)
  )
})

writeLines(toJSON(list(
  r = R.version.string,
  forecast = as.character(packageVersion("forecast")),
  results = results
), auto_unbox = TRUE, digits = NA, null = "null"), args[2])

/**
 * Lockstep's public entry. Strategies, notebooks and user code import from here only
 * (`import { defineStrategy } from 'lockstep'`).
 */
export * from './core/errors.ts';
export * from './core/events.ts';
export * from './core/fill.ts';
export * from './core/instrument.ts';
export * from './core/order.ts';
export * from './core/order-event.ts';
export * from './core/rng.ts';
export * from './core/time.ts';
export type { Clock, TimerEvent } from './engine/clock.ts';
export type { Logger, LogRecord } from './engine/logger.ts';
export type { PositionView } from './engine/portfolio.ts';
export type { RoundTrip } from './engine/trade-log.ts';
export { defineStrategy } from './engine/strategy.ts';
export { loadStrategy } from './engine/load-strategy.ts';
export type { Context, OrderOptions, PortfolioView, Strategy, StrategyDefinition } from './engine/strategy.ts';
export type { Bracket, BracketRequest, BracketResult, OcoResult } from './engine/contingent-orders.ts';
export { SimClock } from './engine/sim-clock.ts';
export { cappedKelly, fixedFractionQty, realizedVolatility, volatilityTargetQty, wholeLots, type SizingTerms } from './engine/position-sizing.ts';
export { rebalanceTo, targetPosition, type RebalanceOptions } from './engine/rebalance.ts';
export { calendarPeriod, type CalendarPeriod } from './engine/calendar-period.ts';
export { correlationMatrix } from './analytics/correlation-matrix.ts';
export type { PortfolioResult, SleeveResult, SleeveSeries } from './backtest/portfolio-result.ts';
export { coreMetrics, type CoreMetrics } from './analytics/core-metrics.ts';
export { openBars, type BarStream } from './data/read-bars.ts';
export { Catalog, type CatalogPart } from './data/catalog.ts';
export { CatalogSql, type SqlResult } from './data/catalog-sql.ts';
export { verifyCatalog, type Finding, type StreamReport } from './data/catalog-verify.ts';
export { readBinanceParquet } from './data/binance-files.ts';
export { runBacktest, type RunBacktestOptions } from './session/run-backtest.ts';
export { fillCount, orderCount, tradeCount, type RunResult } from './backtest/run-result.ts';
export type { SessionConfig, SessionConfigInput } from './config/session-config.ts';
export { crossedAbove, crossedBelow, CrossDetector } from './engine/cross-detector.ts';
// Streaming indicators come from trading-signals; re-exported so strategies need one import.
export { EMA, RSI, BollingerBands, ATR, MACD } from 'trading-signals';
// SMA: trading-signals' interface, O(1) exact window sum (math.fsum / n).
export { SMA } from './engine/sma.ts';
export { z } from './core/zod.ts';
// Analytics and reports (results → numbers, DataFrames, HTML).
export { performanceSummary, type PerformanceSummary, type PerformanceInput } from './analytics/performance-summary.ts';
export {
  equityFrame, returnsFrame, rowsFrame, returnsTable, tradesFrame, fillsFrame, trialsFrame, equityTable, tradesTable, fillsTable, trialsTable, dataFrameHtml, type RunSeries, type TrialRow,
} from './analytics/dataframes.ts';
export { probabilisticSharpeRatio } from './analytics/probabilistic-sharpe-ratio.ts';
export { deflatedSharpeRatio, expectedMaxSharpe } from './analytics/deflated-sharpe-ratio.ts';
export { backtestOverfitting, type OverfittingReport } from './analytics/backtest-overfitting.ts';
export { simpleReturns } from './analytics/simple-returns.ts';
export { underwater } from './analytics/underwater.ts';
export { monthlyReturns } from './analytics/monthly-returns.ts';
export { yearlyReturns } from './analytics/yearly-returns.ts';
export { worstDrawdowns, type DrawdownEpisode } from './analytics/worst-drawdowns.ts';
export { relativeStats, type RelativeStats } from './analytics/relative-stats.ts';
export { autocorrelation } from './analytics/autocorrelation.ts';
export { partialAutocorrelation } from './analytics/partial-autocorrelation.ts';
export { ljungBox } from './analytics/ljung-box.ts';
export { adfTest, adfPValue, type AdfResult } from './analytics/adf-test.ts';
export { hurstExponent } from './analytics/hurst-exponent.ts';
export { regimeModel, type RegimeModel } from './analytics/regime-model.ts';
export { crossSectionalIC, informationCoefficient, quantileReturns, signalTurnover, spearman, type CrossSectionalIC } from './analytics/signal-analysis.ts';
export { shuffleTrades, blockBootstrap, type MonteCarloSummary } from './analytics/monte-carlo.ts';
export { monteCarloFigure } from './analytics/report/monte-carlo-report.ts';
export { tearsheetHtml } from './analytics/report/tearsheet.ts';
export { compareHtml } from './analytics/report/compare.ts';
export { readRun, type SavedRun } from './backtest/read-run.ts';
export { reportRunOf } from './backtest/report-of-run.ts';
export { writeTearsheet, writeComparison } from './backtest/write-report.ts';
export { writeRunResult } from './backtest/write-result.ts';
export * from './core/search-space.ts';
// Execution helpers usable by any strategy, in backtest and live.
export { QuoteLadder } from './exec/quote-ladder.ts';
// ML signals: one feature module for research and strategies; ONNX models with their cards.
export { BarFeatures, BAR_FEATURES } from './ml/bar-features.ts';
export { SignalModel, type ModelCard } from './ml/onnx-model.ts';
export { buildBarDataset, readDataset, writeDataset, type Dataset } from './ml/dataset.ts';
export { trainModel, type TrainOptions } from './ml/train-model.ts';
export { ExecAlgo, Executor, type ExecOptions, type ExecReport } from './exec/exec-algo.ts';
export { Twap, Vwap, volumeProfile, type ScheduleOptions } from './exec/schedule-algos.ts';
export { Pov, Iceberg } from './exec/participation-algos.ts';
export { implementationShortfall, type Shortfall } from './exec/implementation-shortfall.ts';
export { SymbolResolver, type Listing } from './core/symbol-resolver.ts';
// Notebook display: plotly figures, metrics and tables as HTML fragments (tslab `display.html`).
export { figureHtml, metricsHtml, tableHtml, resetFigureLibrary } from './analytics/report/notebook-html.ts';
export { tearsheetFigures } from './analytics/report/tearsheet.ts';
export { optimizationFigures } from './analytics/report/optimization-report.ts';
export { walkForwardFigures } from './analytics/report/walkforward-report.ts';
// Research from code: the engines of `lockstep optimize` and `lockstep walkforward`.
export { optimizeStrategy, walkForwardStrategy, progressLines, reportFold, type StudyOptions, type WalkForwardOptions } from './optimize/research.ts';
// Paper/live sessions, the loopback exchange and session parity from code (`lockstep live`, `venue serve`, `replay`).
export { runLive, type LiveResult, type RunLiveOptions } from './session/run-live.ts';
export { parseSessionConfig, sessionConfigJsonSchema } from './config/session-config.ts';
export { startLoopbackVenue, type LoopbackVenue, type LoopbackVenueOptions } from './live/loopback/start-venue.ts';
export { loadHistoryArchive, type HistoryArchive } from './live/loopback/history-archive.ts';
export { downloadHistory, type DownloadOptions, type DownloadResult } from './live/history-download.ts';
export { connectHistoryExchange } from './live/connect-exchange.ts';
export { replaySession, type SessionParity } from './session/replay-session.ts';
export { writeSynthL2, type SynthFilesOptions } from './data/synth-files.ts';

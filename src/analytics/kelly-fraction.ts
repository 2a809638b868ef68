import { averageLoss } from './average-loss.ts';
import { averageWin } from './average-win.ts';
import { winRate } from './win-rate.ts';

/**
 * Kelly fraction from trade outcomes: W − (1 − W) / R, with W the win rate and R the
 * average win over the absolute average loss. NaN without both winners and losers.
 */
export function kellyFraction(netPnls: readonly number[]): number {
  const w = winRate(netPnls);
  const r = averageWin(netPnls) / -averageLoss(netPnls);
  if (!(r > 0)) return Number.NaN;
  return w - (1 - w) / r;
}

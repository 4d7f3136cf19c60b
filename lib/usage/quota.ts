export type Quota = {
  used: number;
  limit: number;
  remaining: number;
  /** 0–100, one decimal; can pass 100 only if the limit was lowered mid-month, so it is capped. */
  percent: number;
};

/** The quota bar's numbers from this month's billable calls and the plan's monthly limit. */
export function quotaSummary(used: number, limit: number): Quota {
  const remaining = Math.max(0, limit - used);
  const percent = limit <= 0 ? 100 : Math.min(100, Math.round((used / limit) * 1000) / 10);
  return { used, limit, remaining, percent };
}

/** Failed calls as a share of all calls, 0–100 with one decimal; 0 when there were no calls. */
export function errorRate(calls: number, failures: number): number {
  return calls === 0 ? 0 : Math.round((failures / calls) * 1000) / 10;
}

/** Deterministic, plausible market data for the sample upstream (no network, no randomness). */

export type Token = { symbol: string; name: string; basePrice: number; category: string };

const TOKENS: readonly Token[] = [
  { symbol: "BTC", name: "Bitcoin", basePrice: 67_250, category: "layer-1" },
  { symbol: "ETH", name: "Ethereum", basePrice: 3_480, category: "layer-1" },
  { symbol: "SOL", name: "Solana", basePrice: 162.4, category: "layer-1" },
  { symbol: "BNB", name: "BNB", basePrice: 585.1, category: "exchange" },
  { symbol: "XRP", name: "XRP", basePrice: 0.52, category: "payments" },
  { symbol: "ADA", name: "Cardano", basePrice: 0.45, category: "layer-1" },
  { symbol: "AVAX", name: "Avalanche", basePrice: 34.8, category: "layer-1" },
  { symbol: "DOGE", name: "Dogecoin", basePrice: 0.16, category: "meme" },
  { symbol: "LINK", name: "Chainlink", basePrice: 17.9, category: "oracle" },
  { symbol: "DOT", name: "Polkadot", basePrice: 7.1, category: "layer-0" },
  { symbol: "UNI", name: "Uniswap", basePrice: 9.8, category: "defi" },
  { symbol: "ARB", name: "Arbitrum", basePrice: 1.12, category: "layer-2" },
];

const BY_SYMBOL = new Map(TOKENS.map((t) => [t.symbol, t]));

/** A stable number in [0, 1) from a string, so every symbol gets its own but repeatable shape. */
function seed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Looks a symbol up case-insensitively. */
export function findToken(symbol: string | null): Token | undefined {
  return symbol ? BY_SYMBOL.get(symbol.toUpperCase()) : undefined;
}

/** GET /v2/tokens */
export function tokenList() {
  return {
    data: TOKENS.map((t, i) => ({ id: i + 1, symbol: t.symbol, name: t.name, category: t.category })),
    count: TOKENS.length,
  };
}

/** GET /v2/price: moves a little every minute, identical for everyone within the minute. */
export function price(token: Token, now = new Date()) {
  const minute = Math.floor(now.getTime() / 60_000);
  const s = seed(token.symbol);
  const wave = Math.sin(minute / 37 + s * 6.28) * 0.02 + Math.sin(minute / 5 + s * 3.1) * 0.004;
  const value = token.basePrice * (1 + wave);
  const dayAgo = token.basePrice * (1 + Math.sin((minute - 1440) / 37 + s * 6.28) * 0.02);
  const digits = value < 10 ? 4 : 2;
  return {
    symbol: token.symbol,
    name: token.name,
    price_usd: round(value, digits),
    change_24h_pct: round(((value - dayAgo) / dayAgo) * 100, 2),
    volume_24h_usd: Math.round(token.basePrice * 1_000_000 * (1 + s)),
    timestamp: new Date(minute * 60_000).toISOString(),
  };
}

/** GET /v2/trader-grades and /v2/investor-grades: a 0–100 grade that changes daily. */
export function grade(token: Token, kind: "trader" | "investor", now = new Date()) {
  const day = now.toISOString().slice(0, 10);
  const s = seed(`${kind}:${token.symbol}:${day}`);
  const score = round(35 + s * 60, 1);
  const label = score >= 80 ? "strong buy" : score >= 65 ? "buy" : score >= 50 ? "hold" : "sell";
  return {
    symbol: token.symbol,
    [`${kind}_grade`]: score,
    signal: label,
    components: {
      momentum: round(seed(`m:${token.symbol}:${day}`) * 100, 1),
      fundamentals: round(seed(`f:${token.symbol}:${day}`) * 100, 1),
      liquidity: round(seed(`l:${token.symbol}:${day}`) * 100, 1),
    },
    date: day,
  };
}

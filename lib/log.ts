import { pino } from "pino";

/** Where the servers' operational messages go. */
export type Logger = {
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
};

/**
 * `text`: plain lines, info on stdout and problems on stderr (a terminal, `npm start`).
 * `json`: one JSON object per line on stdout with level, time and pid (LOG_FORMAT=json,
 * for log collectors), written by pino.
 */
export function createLogger(format: "text" | "json", name: string): Logger {
  if (format === "json") {
    const log = pino({ name });
    return {
      info: (message) => log.info(message),
      warn: (message) => log.warn(message),
      error: (message) => log.error(message),
    };
  }
  return {
    info: (message) => console.log(message),
    warn: (message) => console.error(message),
    error: (message) => console.error(message),
  };
}

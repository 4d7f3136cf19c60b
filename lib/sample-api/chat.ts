import type { ServerResponse } from "node:http";
import { z } from "zod";

/** The subset of the OpenAI chat request the sample model reads. */
const chatRequest = z.object({
  model: z.string().min(1),
  messages: z
    .array(z.object({ role: z.string(), content: z.union([z.string(), z.array(z.unknown()), z.null()]) }))
    .min(1),
  stream: z.boolean().optional(),
});

export type ChatRequest = z.infer<typeof chatRequest>;

/** Parses a chat body; returns an error message for a 400 when it is not a valid request. */
export function parseChat(body: string): ChatRequest | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return "Body must be JSON";
  }
  const result = chatRequest.safeParse(json);
  return result.success ? result.data : (result.error.issues[0]?.message ?? "Invalid request");
}

function words(text: string): string[] {
  return text.split(/(?<= )/);
}

function replyFor(request: ChatRequest): { text: string; promptTokens: number } {
  const last = request.messages.at(-1)?.content;
  const prompt = typeof last === "string" ? last : JSON.stringify(last ?? "");
  const promptTokens = request.messages.reduce(
    (n, m) => n + Math.ceil((typeof m.content === "string" ? m.content : "").length / 4) + 4,
    0,
  );
  const quoted = prompt.length > 60 ? `${prompt.slice(0, 57)}...` : prompt;
  const text = `This is the Tollgate sample model. You asked: "${quoted}". Markets are calm today; BTC and ETH trade near their weekly averages.`;
  return { text, promptTokens };
}

function usage(promptTokens: number, text: string) {
  const completionTokens = words(text).length;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** The non-streaming chat.completion object. */
export function completion(request: ChatRequest, id: string) {
  const { text, promptTokens } = replyFor(request);
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null },
    ],
    usage: usage(promptTokens, text),
  };
}

/**
 * Streams the reply as Server-Sent Events, one word per chunk with a pause between
 * them (like a real model), then a chunk carrying `usage`, then `data: [DONE]`.
 * Stops early when the client goes away.
 */
export async function streamCompletion(
  request: ChatRequest,
  id: string,
  res: ServerResponse,
  delayMs: number,
): Promise<void> {
  const { text, promptTokens } = replyFor(request);
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: string | null, extra: object = {}) =>
    `data: ${JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created,
      model: request.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...extra,
    })}\n\n`;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
  });
  res.flushHeaders();
  const send = (data: string) => !res.destroyed && res.write(data);
  send(chunk({ role: "assistant", content: "" }, null));
  for (const word of words(text)) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    send(chunk({ content: word }, null));
  }
  send(chunk({}, "stop"));
  send(
    `data: ${JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created,
      model: request.model,
      choices: [],
      usage: usage(promptTokens, text),
    })}\n\n`,
  );
  send("data: [DONE]\n\n");
  res.end();
}

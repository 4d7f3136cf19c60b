import http from "node:http";

export type SampleApi = { url: string; close: () => Promise<void> };

/** PLACEHOLDER until issue #4. */
export async function startSampleApi(port: number, host = "127.0.0.1"): Promise<SampleApi> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The largest JSON-RPC body accepted on /mcp and /sse/message, chunked or not (as McpAgent's own limit). */
export const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

/** The body as text, or `null` when it is larger than `max` bytes. */
export async function readBounded(request: Request, max = MAX_MCP_BODY_BYTES): Promise<string | null> {
  const declared = request.headers.get('content-length');
  if (Number(declared ?? 0) > max) return null;
  if (!request.body) return '';
  // A declared length is enforced by the runtime: read at once (as text: in workerd, cheaper than
  // bytes and a decoder). Chunked bodies are counted below.
  if (declared !== null) return request.text();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** How this server names itself: to MCP clients, and as a client to a backend MCP server. */
export const SERVER_INFO = { name: 'remote-mcp', version: '0.1.0' } as const;

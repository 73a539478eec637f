export const TEST_PUBLIC_URL = 'https://mcp.example.com';

// Lets tests call the Worker through `exports.default` from `cloudflare:workers` with its real type.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index');
  }
}

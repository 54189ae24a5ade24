// The one Content Security Policy of the built lab. It is sent as a header by scripts/serve.mjs
// (so it also covers workers, which do not inherit a page's <meta> policy) and written into
// index.html at build time for static hosts that cannot set headers.
// 'wasm-unsafe-eval' lets tfjs and onnxruntime compile WebAssembly; nothing needs 'unsafe-eval'.
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  // https: lets a user import a dataset from a web address (the server must allow CORS).
  "connect-src 'self' blob: data: https:",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

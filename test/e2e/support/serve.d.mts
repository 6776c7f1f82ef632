/** Absolute path of the repository root. */
export declare const REPO_ROOT: string

/** Bundles one browser entry with the SDK (from `dist/`) and its dependencies inlined; resolves with the JS source. */
export declare function bundleBrowserApp(options: { entry: string; define?: Record<string, string> }): Promise<string>

/** A running static HTTP server. */
export interface StaticServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly origin: string
  readonly port: number
  /** Every request served, oldest first. */
  readonly requests: Array<{ method: string; path: string; status: number }>
  /** In-memory files (path → content); they take precedence over `root`. Mutable. */
  readonly files: Record<string, string>
  /** Absolute URL for a path on this server. */
  url(path?: string): string
  close(): Promise<void>
}

/**
 * Serves `root` plus in-memory `files`; extensionless unknown paths get `fallback` (default `/index.html`).
 * Every answer has `Cache-Control: cacheControl` (default `no-store`).
 */
export declare function startStaticServer(options: {
  root: string
  files?: Record<string, string>
  port?: number
  host?: string
  fallback?: string
  cacheControl?: string
}): Promise<StaticServer>

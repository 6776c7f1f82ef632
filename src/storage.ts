/**
 * Storage adapters for the session, with the reference SDK's promise-based `IStorage` interface.
 * Browser globals are read when a method runs, never at import or construction time.
 *
 * @since 0.1.0
 */

/**
 * Where the SDK keeps its data. Implement it to store the session elsewhere (cookies, IndexedDB…).
 *
 * @since 0.1.0
 * @category models
 */
export interface IStorage {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
  removeItem(key: string): Promise<void>
}

/** The storage area, or `undefined` where there is none (server-side rendering, Node). */
const webStorage = (name: "localStorage" | "sessionStorage"): Storage | undefined =>
  (globalThis as Partial<Record<typeof name, Storage>>)[name]

/**
 * Web Storage where the page has it. Without one (server-side rendering) there is nothing to read
 * or remove, so reads find nothing; only a write fails.
 */
abstract class WebStorage implements IStorage {
  protected abstract readonly area: "localStorage" | "sessionStorage"
  async getItem(key: string): Promise<string | null> {
    return webStorage(this.area)?.getItem(key) ?? null
  }
  async setItem(key: string, value: string): Promise<void> {
    const storage = webStorage(this.area)
    if (storage === undefined) throw new Error(`${this.area} is not available in this environment`)
    storage.setItem(key, value)
  }
  async removeItem(key: string): Promise<void> {
    webStorage(this.area)?.removeItem(key)
  }
}

/**
 * Keeps the session in `window.localStorage`: shared by the tabs of the app, kept until sign-out.
 * The default.
 *
 * @since 0.1.0
 * @category storage
 */
export class LocalStorage extends WebStorage {
  protected readonly area = "localStorage"
}

/**
 * Keeps the session in `window.sessionStorage`: one tab, until the tab closes.
 *
 * @since 0.1.0
 * @category storage
 */
export class SessionStorage extends WebStorage {
  protected readonly area = "sessionStorage"
}

/**
 * Keeps the session in memory: lost on reload. For tests, previews and server-side rendering.
 *
 * @since 0.1.0
 * @category storage
 */
export class MemoryStorage implements IStorage {
  private readonly items = new Map<string, string>()
  async getItem(key: string): Promise<string | null> {
    return this.items.get(key) ?? null
  }
  async setItem(key: string, value: string): Promise<void> {
    this.items.set(key, value)
  }
  async removeItem(key: string): Promise<void> {
    this.items.delete(key)
  }
}

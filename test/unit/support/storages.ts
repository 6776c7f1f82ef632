/**
 * The storages the contract suites run over: the shipped `IStorage` adapters (memory, and
 * happy-dom's `localStorage` and `sessionStorage`, emptied for each test) and adapters whose every
 * call fails, synchronously or by rejecting.
 */
import { type IStorage, LocalStorage, MemoryStorage, SessionStorage } from "../../../src/storage.js"

/** A shipped adapter under its name; `make` gives a fresh one over an empty area. */
export interface StorageBackend {
  readonly name: string
  readonly make: () => IStorage
}

/** Memory, `localStorage` and `sessionStorage`. */
export const storageBackends: ReadonlyArray<StorageBackend> = [
  { name: "MemoryStorage", make: () => new MemoryStorage() },
  {
    name: "LocalStorage",
    make: () => {
      localStorage.clear()
      return new LocalStorage()
    }
  },
  {
    name: "SessionStorage",
    make: () => {
      sessionStorage.clear()
      return new SessionStorage()
    }
  }
]

/** An adapter whose every call throws `cause` (`"throws"`) or returns a promise rejected with it (`"rejects"`). */
export const failingStorage = (how: "throws" | "rejects", cause: unknown): IStorage => {
  const fail = (): Promise<never> => {
    if (how === "throws") throw cause
    return Promise.reject(cause)
  }
  return { getItem: fail, setItem: fail, removeItem: fail }
}

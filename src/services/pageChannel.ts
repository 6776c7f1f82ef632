/**
 * A `BroadcastChannel` that is closed while its page is hidden (`pagehide`) and opened again when
 * the page is shown (`pageshow`). Chromium evicts a page from the back/forward cache when a message
 * reaches one of its open channels (`broadcastchannel-message`), so without this another tab's
 * sign-in or sign-out would cost the page its instant restore; a page shown again reads the
 * session anyway (`SessionStore.watchOtherTabs`), so the messages it missed are not needed.
 */

/** The part of `BroadcastChannel` the session broadcast uses. */
export interface PageChannel {
  /** Posts to the other tabs; dropped while the page is hidden. */
  readonly postMessage: (message: unknown) => void
  readonly addEventListener: (type: "message", listener: (event: MessageEvent) => void) => void
  readonly removeEventListener: (type: "message", listener: (event: MessageEvent) => void) => void
  /** Closes the channel for good and stops following the page's visibility. */
  readonly close: () => void
}

/** Opens the channel `name` in this page; its listeners stay subscribed across a hide and a show. */
export const openPageChannel = (name: string): PageChannel => {
  const listeners = new Set<(event: MessageEvent) => void>()
  let channel: BroadcastChannel | undefined
  const hide = () => {
    channel?.close()
    channel = undefined
  }
  const show = () => {
    if (channel !== undefined) return
    channel = new BroadcastChannel(name)
    channel.onmessage = (event) => {
      for (const listener of listeners) listener(event)
    }
  }
  show()
  window.addEventListener("pagehide", hide)
  window.addEventListener("pageshow", show)
  return {
    postMessage: (message) => channel?.postMessage(message),
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
    close: () => {
      window.removeEventListener("pagehide", hide)
      window.removeEventListener("pageshow", show)
      hide()
    }
  }
}

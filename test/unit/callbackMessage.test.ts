import { describe, expect, it } from "@effect/vitest"
import { CALLBACK_MESSAGE_SOURCE, isCallbackMessage } from "../../src/callbackMessage.js"

describe("isCallbackMessage", () => {
  it("accepts our marker with a non-empty string url", () => {
    expect(CALLBACK_MESSAGE_SOURCE).toBe("monocloud-auth-web-js")
    expect(isCallbackMessage({ source: CALLBACK_MESSAGE_SOURCE, url: "https://app.example/callback?code=1" })).toBe(
      true
    )
  })

  it("rejects anything else", () => {
    const rejected: ReadonlyArray<unknown> = [
      undefined,
      null,
      "https://app.example/callback?code=1",
      { url: "https://app.example/callback?code=1" },
      { source: "another-sdk", url: "https://app.example/callback?code=1" },
      { source: CALLBACK_MESSAGE_SOURCE },
      { source: CALLBACK_MESSAGE_SOURCE, url: "" },
      { source: CALLBACK_MESSAGE_SOURCE, url: 42 },
      { source: CALLBACK_MESSAGE_SOURCE, url: new URL("https://app.example/callback?code=1") }
    ]
    for (const data of rejected) expect(isCallbackMessage(data)).toBe(false)
  })
})

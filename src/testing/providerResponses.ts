/**
 * Plays the provider's side of an authorize request in tests: reads the request, scripts the
 * token (and UserInfo) replies on the scripted server, and answers with the callback URL the
 * provider would redirect to.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { ScriptedAuthorizationServer, TokenReplyOptions } from "./ScriptedAuthorizationServer.js"

/**
 * How the simulated provider answers an authorize request.
 *
 * @since 0.1.0
 * @category testing
 */
export interface AuthorizeAnswer {
  /** Answer with this OAuth error (e.g. `login_required`) instead of a code. */
  readonly error?: string | undefined
  /** Options of the scripted token reply (subject, scope, refresh token, ID token claims…). */
  readonly token?: TokenReplyOptions | undefined
  /** UserInfo claims to script, or `false` to script no UserInfo call. Default: `{ sub }`. */
  readonly userInfo?: Readonly<Record<string, unknown>> | false | undefined
  /** Replace the `state` sent back (to test state checks). */
  readonly state?: string | undefined
  /** Replace or drop (`null`) the `iss` sent back (RFC 9207). */
  readonly iss?: string | null | undefined
}

/**
 * The callback URL for an authorize URL, with the token and UserInfo replies scripted on `server`.
 * An authorize URL with a `request_uri` is read from the parameters pushed to `server`.
 *
 * @since 0.1.0
 * @category testing
 */
export const answerAuthorize = async (
  server: ScriptedAuthorizationServer,
  authorizeUrl: string,
  answer: AuthorizeAnswer = {}
): Promise<string> => {
  const sent = new URL(authorizeUrl).searchParams
  const requestUri = sent.get("request_uri")
  const request = requestUri === null ? sent : server.pushedRequest(requestUri)
  if (request === undefined) throw new Error(`answerAuthorize: ${requestUri} was not pushed to the scripted server`)
  const callback = new URL(request.get("redirect_uri") ?? "")
  callback.searchParams.set("state", answer.state ?? request.get("state") ?? "")
  if (answer.iss !== null) callback.searchParams.set("iss", answer.iss ?? server.issuer)
  if (answer.error !== undefined) {
    callback.searchParams.set("error", answer.error)
    return callback.href
  }
  callback.searchParams.set("code", "test-authorization-code")
  const sub = answer.token?.sub ?? "user-1"
  server.expect("token", await server.tokenReply({ nonce: request.get("nonce") ?? undefined, ...answer.token, sub }))
  if (answer.userInfo !== false) server.expect("userinfo", server.userInfoReply({ sub, ...answer.userInfo }))
  return callback.href
}

/**
 * {@link answerAuthorize} as the `respond` function of the silent-frame and popup test layers.
 *
 * @since 0.1.0
 * @category testing
 */
export const authorizeResponder =
  (
    server: ScriptedAuthorizationServer,
    answer: AuthorizeAnswer = {}
  ): ((authorizeUrl: string) => Effect.Effect<string>) =>
  (authorizeUrl) =>
    Effect.promise(() => answerAuthorize(server, authorizeUrl, answer))

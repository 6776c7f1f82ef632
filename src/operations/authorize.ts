/**
 * `authorize`: an `effect/http` `HttpClient` for the app's own APIs that carries the session's
 * access token, for Effect users (the promise client has `client.fetch`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { refusedToken } from "../util/bearerChallenge.js"
import {
  getTokens,
  type AuthorizedRequestOptions,
  type GetTokensError,
  type GetTokensRequirements
} from "./getTokens.js"

/**
 * Makes `client` send `Authorization: Bearer` with the access token `getTokens(options)` returns
 * (refreshed first when it is about to expire). When the API answers `401` with
 * `WWW-Authenticate: Bearer error="invalid_token"`, it asks for a new token once and sends the
 * request again; any other answer is returned as it is. Fails with the client's own errors, or
 * with `getTokens`'s when no token can be had.
 *
 * @example
 * const api = (yield* HttpClient.HttpClient).pipe(MonoCloud.authorize({ resource: "https://api.example.com" }))
 * const response = yield* api.get("https://api.example.com/orders")
 *
 * @see {@link https://www.rfc-editor.org/rfc/rfc6750#section-3.1 | RFC 6750 §3.1} (the `invalid_token` challenge)
 * @since 0.1.0
 * @category operations
 */
export const authorize =
  (options: AuthorizedRequestOptions = {}) =>
  <E, R>(
    client: HttpClient.HttpClient.With<E, R>
  ): HttpClient.HttpClient.With<E | GetTokensError, R | GetTokensRequirements> =>
    HttpClient.transform(client, (_unauthorized, request) => {
      const send = (forceRefresh: boolean) =>
        Effect.flatMap(getTokens({ ...options, forceRefresh }), (tokens) =>
          client.execute(HttpClientRequest.bearerToken(request, tokens.accessToken))
        )
      return Effect.flatMap(send(false), (response) =>
        refusedToken(response.status, response.headers["www-authenticate"]) ? send(true) : Effect.succeed(response)
      )
    })

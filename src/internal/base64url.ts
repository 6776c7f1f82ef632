/**
 * Base64url encoding without padding (RFC 4648 §5).
 */

/** Encodes bytes as base64url without padding. */
export const base64UrlEncode = (bytes: Uint8Array): string => {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

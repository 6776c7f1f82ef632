/**
 * HTML tweaks for the test OpenID Provider: keep every page offline and make
 * the RP-initiated logout confirmation automatable.
 */

const REMOTE_FONT =
  /@import\s+url\(\s*["']?https?:\/\/fonts\.[^)]*\)\s*;?|<link[^>]+fonts\.(googleapis|gstatic)\.com[^>]*>/gi

/** Removes remote web-font references from an HTML document. */
export function stripRemoteFonts(html) {
  return html.replace(REMOTE_FONT, "")
}

/** Koa middleware rewriting every HTML response of the provider through `stripRemoteFonts`. */
export async function offlineHtml(ctx, next) {
  await next()
  if (typeof ctx.body === "string" && /html/i.test(ctx.type)) {
    ctx.body = stripRemoteFonts(ctx.body)
  }
}

const page = (title, body) => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto}button{display:block;width:100%;margin:.5rem 0;padding:.6rem}</style>
</head><body>${body}</body></html>`

/**
 * Builds `features.rpInitiatedLogout.logoutSource`. The page has the usual
 * "Yes, sign me out" / "No, stay signed in" buttons; when `autoConfirm()`
 * returns true it presses "Yes" by itself so redirect and popup sign-out need
 * no user action.
 * @param {() => boolean} autoConfirm
 */
export function logoutSource(autoConfirm) {
  return async (ctx, form) => {
    const script = autoConfirm() ? `<script>document.getElementById("logout-yes").click()</script>` : ""
    ctx.type = "html"
    ctx.body = page(
      "Sign out",
      `<h1>Sign out of ${ctx.host}?</h1>${form}
<button id="logout-yes" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button id="logout-no" type="submit" form="op.logoutForm">No, stay signed in</button>${script}`
    )
  }
}

/** `features.rpInitiatedLogout.postLogoutSuccessSource`: shown when no post_logout_redirect_uri was given. */
export async function postLogoutSuccessSource(ctx) {
  ctx.type = "html"
  ctx.body = page("Signed out", `<h1 id="signed-out">Signed out</h1>`)
}

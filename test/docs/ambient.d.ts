// Globals that documentation fragments may use without declaring them (see extract.mjs). Keep
// this list short: an example should rather be complete or declare what it needs itself.
declare const render: (value: unknown) => void
declare const signInButton: HTMLButtonElement

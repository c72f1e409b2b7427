import { href } from "../paths.ts";

/**
 * The one page without a session: a named user logs in with email and password; the admin
 * token (`npm start` prints it) stays as the break-glass way in.
 */
export function LoginPage(props: { next: string; error?: string; email?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Log in · Vitrine dashboard</title>
        <style>{`body{font:15px system-ui,sans-serif;background:#f9fafb;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:24px;width:340px}
input{width:100%;padding:8px;margin:8px 0 14px;border:1px solid #d1d5db;border-radius:6px;font:inherit}
button{padding:8px 16px;border:0;border-radius:6px;background:#2563eb;color:#fff;font:inherit;cursor:pointer}
details{margin-top:20px;border-top:1px solid #e5e7eb;padding-top:12px}
.error{color:#b91c1c}`}</style>
      </head>
      <body>
        <main>
          <h1 style="font-size:20px;margin-top:0">Vitrine dashboard</h1>
          {props.error ? (
            <p class="error" role="alert">
              {props.error}
            </p>
          ) : null}
          <form method="post" action={href("/login")}>
            <label for="email">Email</label>
            <input
              id="email"
              name="email"
              type="email"
              autocomplete="username"
              value={props.email ?? ""}
              required
            />
            <label for="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
            />
            <input type="hidden" name="next" value={props.next} />
            <button type="submit">Log in</button>
          </form>
          {/* Open: on a new install (and in the demo) the token is the only way in. */}
          <details open>
            <summary>Use the admin token</summary>
            <form method="post" action={href("/login")}>
              <label for="token">Admin token</label>
              <input id="token" name="token" type="password" autocomplete="off" required />
              <input type="hidden" name="next" value={props.next} />
              <button type="submit">Log in with the token</button>
            </form>
          </details>
        </main>
      </body>
    </html>
  );
}

package io.vitals.http.server;

/** The page a browser gets instead of a 401's JSON: asks for the token and keeps it in a cookie for this site. */
final class SignIn {

    static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Vitals: sign in</title>
            <style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:28em;color:#223}
            input{font:inherit;width:100%;padding:.4em;margin:.5em 0}button{font:inherit;padding:.4em 1.2em}</style></head>
            <body><h1>Vitals</h1><p>This server asks for a token. Paste yours (an administrator adds it to the tokens file).</p>
            <form id="f"><input id="t" type="password" autocomplete="current-password" placeholder="token" autofocus>
            <button>Sign in</button></form>
            <script>document.getElementById('f').onsubmit=function(e){e.preventDefault();
            document.cookie='vitals_token='+encodeURIComponent(document.getElementById('t').value)+';path=/;SameSite=Strict';
            location.reload();};</script></body></html>
            """;

    private SignIn() {
    }
}

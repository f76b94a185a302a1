package io.vitals.http.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/** The one shape of every error Vitals answers over HTTP: {@code {"error": "<one line>"}}. */
final class JsonError {

    private JsonError() {
    }

    static void send(HttpServletResponse response, int status, String reason) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(("{\"error\":\"" + escape(reason) + "\"}\n").getBytes(StandardCharsets.UTF_8));
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "a token is needed";
            case 403 -> "forbidden";
            case 404 -> "not found; the API is under /api (see /api/openapi.json)";
            case 405 -> "method not allowed";
            case 414 -> "the request's address is too long";
            case 431 -> "the request's headers are too large";
            case 500 -> "internal error; the reason is in Vitals' log (data/log/vitals.log)";
            case 503 -> "not available yet";
            default -> "HTTP status " + status;
        };
    }

    /** A value from the request, short and on one line. */
    static String clip(String text) {
        String oneLine = text.replaceAll("[\\p{Cntrl}]", "?");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 80) + "...";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}

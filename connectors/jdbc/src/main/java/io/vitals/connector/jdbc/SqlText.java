package io.vitals.connector.jdbc;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configured query: checked to be one statement that only reads (a SELECT, or a WITH ending
 * in one, with no data-changing keyword outside strings, quoted names and comments), with its
 * {@code :cursor} placeholders turned into JDBC parameters.
 */
final class SqlText {

    /** Words by which a statement that starts with SELECT or WITH could still change data (a WITH ... DELETE, a SELECT INTO). */
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "merge", "upsert", "drop", "alter", "create",
            "truncate", "grant", "revoke", "attach", "detach", "pragma", "vacuum", "reindex", "into");

    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    /** The query for JDBC ({@code :cursor} as {@code ?}) and how many parameters it has. */
    record Prepared(String sql, int cursorParameters) {
    }

    private SqlText() {
    }

    /**
     * @throws IllegalArgumentException when the query is not one read-only SELECT
     */
    static Prepared prepare(String query) {
        String q = query == null ? "" : query.trim();
        if (q.isEmpty()) {
            throw new IllegalArgumentException("query is required: a SELECT, e.g. query = SELECT id, account_id, name, ts FROM events"
                    + " WHERE id > :cursor ORDER BY id");
        }
        StringBuilder code = new StringBuilder(); // the query with strings, quoted names and comments blanked
        StringBuilder sql = new StringBuilder();
        int parameters = 0;
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int end = i + 1;
                while (end < n) {
                    if (q.charAt(end) == close) {
                        if (close != ']' && end + 1 < n && q.charAt(end + 1) == close) {
                            end += 2; // a doubled quote inside
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                if (end >= n) {
                    throw new IllegalArgumentException("query has an unclosed " + (c == '\'' ? "string" : "quoted name") + ": " + q);
                }
                sql.append(q, i, end + 1);
                code.append(' ');
                i = end + 1;
            } else if (c == '-' && i + 1 < n && q.charAt(i + 1) == '-') {
                int end = q.indexOf('\n', i);
                end = end < 0 ? n : end;
                sql.append(q, i, end);
                code.append(' ');
                i = end;
            } else if (c == '/' && i + 1 < n && q.charAt(i + 1) == '*') {
                int end = q.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("query has an unclosed /* comment");
                }
                sql.append(q, i, end + 2);
                code.append(' ');
                i = end + 2;
            } else if (c == ':' && q.startsWith(":cursor", i) && (i == 0 || q.charAt(i - 1) != ':')
                    && (i + 7 >= n || !Character.isLetterOrDigit(q.charAt(i + 7)) && q.charAt(i + 7) != '_')) {
                sql.append('?');
                code.append(" ? ");
                parameters++;
                i += 7;
            } else {
                sql.append(c);
                code.append(c);
                i++;
            }
        }
        String body = code.toString().trim();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).trim();
        }
        if (body.contains(";")) {
            throw new IllegalArgumentException("query must be one statement (no ';' inside)");
        }
        String lower = body.toLowerCase(Locale.ROOT);
        String first = lower.replaceFirst("^\\(+\\s*", "");
        if (!first.startsWith("select") && !first.startsWith("with")) {
            throw new IllegalArgumentException("query must be a SELECT (or WITH ... SELECT): the connector only reads; got '"
                    + abbreviate(q) + "'");
        }
        Matcher words = WORD.matcher(lower);
        while (words.find()) {
            String w = words.group();
            if (WRITES.contains(w) || (w.equals("replace") && lower.startsWith("into", skipSpaces(lower, words.end())))) {
                throw new IllegalArgumentException("query must only read, but it says " + w.toUpperCase(Locale.ROOT)
                        + " (outside a string): the connector only runs a SELECT");
            }
        }
        String out = sql.toString().trim();
        while (out.endsWith(";")) {
            out = out.substring(0, out.length() - 1).trim();
        }
        return new Prepared(out, parameters);
    }

    private static int skipSpaces(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String abbreviate(String q) {
        String one = q.replaceAll("\\s+", " ");
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
}

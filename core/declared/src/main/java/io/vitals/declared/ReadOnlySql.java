package io.vitals.declared;

import java.util.Locale;

/**
 * The text check a declared KPI's SQL must pass before the store even sees it: one statement, a
 * query (SELECT, or WITH ... SELECT), nothing after it. The store then runs it on a read-only
 * connection, so even a query that slipped through could not write; this check is what makes the
 * refusal clear and early.
 */
final class ReadOnlySql {

    private ReadOnlySql() {
    }

    /** The SQL without a trailing semicolon. @throws IllegalArgumentException with the reason it is refused */
    static String check(String sql) {
        String code = blankOutLiteralsAndComments(sql);
        String trimmed = code.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("the SQL is empty");
        }
        int semicolon = trimmed.indexOf(';');
        if (semicolon >= 0 && semicolon < trimmed.length() - 1) {
            throw new IllegalArgumentException("only one SQL statement is allowed; found more after a ';'");
        }
        String first = firstWord(trimmed, 0);
        if (first.equals("with")) {
            String main = statementAfterWith(trimmed);
            if (!main.equals("select")) {
                throw new IllegalArgumentException("a declared KPI may only read: its WITH must end in a SELECT, not " + main.toUpperCase(Locale.ROOT));
            }
        } else if (!first.equals("select")) {
            throw new IllegalArgumentException("a declared KPI may only read: its SQL must be a SELECT (or WITH ... SELECT), not "
                    + first.toUpperCase(Locale.ROOT));
        }
        String kept = sql.strip();
        return kept.endsWith(";") ? kept.substring(0, kept.length() - 1).strip() : kept;
    }

    /** The keyword of the statement a WITH clause leads to: the first word at depth 0 after the CTEs. */
    private static String statementAfterWith(String code) {
        int depth = 0;
        boolean seenParen = false;
        for (int i = 4; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(') {
                depth++;
                seenParen = true;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && seenParen && Character.isLetter(c)) {
                String word = firstWord(code, i);
                if (!word.equals("as") && !word.equals("materialized") && !word.equals("not")) {
                    return word;
                }
                i += word.length() - 1;
            } else if (depth == 0 && c == ',') {
                seenParen = false; // another CTE follows
            }
        }
        return "nothing";
    }

    private static String firstWord(String code, int from) {
        int i = from;
        while (i < code.length() && !Character.isLetter(code.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < code.length() && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_')) {
            i++;
        }
        return code.substring(start, i).toLowerCase(Locale.ROOT);
    }

    /** The SQL with string literals, quoted names and comments replaced by spaces, so only code is left. */
    static String blankOutLiteralsAndComments(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? sql.length() : end + 2;
                out.append(" ".repeat(end - i));
                i = end;
            } else if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < sql.length()) {
                    if (sql.charAt(j) == c) {
                        if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
                            j += 2; // an escaped quote
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(sql.length(), j + 1);
                out.append(" ".repeat(end - i));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}

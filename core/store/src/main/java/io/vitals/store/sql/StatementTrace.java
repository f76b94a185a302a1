package io.vitals.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Appends every KPI query the store runs, as it ran (segment scope applied, parameters bound), to
 * a file in the form the database's own command-line tool reads ({@code sqlite3} or {@code psql}):
 * so the benchmark can time the very same SQL outside Vitals, and a person can rerun a number by
 * hand. Off unless the framework property {@code vitals.store.trace} names a file.
 */
final class StatementTrace {

    /** The command-line tool the trace is written for. */
    enum Shell { SQLITE3, PSQL }

    private final Path file;
    private final Shell shell;

    StatementTrace(Path file, Shell shell) {
        this.file = file;
        this.shell = shell;
    }

    synchronized void record(String sql, Map<String, Object> params) {
        StringBuilder script = new StringBuilder(shell == Shell.SQLITE3 ? ".parameter clear\n" : "");
        // only what the statement names: the store binds :from, :to, :fromDay and :toDay to every query
        new TreeMap<>(params).entrySet().stream().filter(p -> names(sql, p.getKey())).forEach(p -> {
            String name = p.getKey();
            Object value = p.getValue();
            script.append(shell == Shell.SQLITE3
                    ? ".parameter set :" + name + " " + literal(value)
                    : "\\set " + name + " " + psqlLiteral(value)).append('\n');
        });
        script.append(sql.strip()).append("\n;\n");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            out.write(script.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the statement trace " + file, e);
        }
    }

    static boolean names(String sql, String parameter) {
        return Pattern.compile(":" + Pattern.quote(parameter) + "(?![A-Za-z0-9_])").matcher(sql).find();
    }

    /** A value as the sqlite3 shell's {@code .parameter set} takes it: an SQL expression, quoted as one argument. */
    static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        String sql = "'" + value.toString().replace("'", "''") + "'";
        return "\"" + sql.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * A value as psql's {@code \set} takes it, so that {@code :name} in the statement becomes an SQL
     * literal: the argument is quoted for psql (quotes doubled, backslashes escaped) around the SQL literal.
     */
    static String psqlLiteral(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Boolean || value instanceof Number) {
            return value.toString();
        }
        String sql = "'" + value.toString().replace("'", "''") + "'";
        return "'" + sql.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}

package io.vitals.connector.salesforce;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configured SOQL query: {@code {fields}} filled with the fields the mapping reads, and
 * {@code {since}} left for the high-water mark of each sync (a SOQL datetime literal such as
 * {@code 2025-06-01T08:00:00Z}, no quotes). {@link #fingerprint()} tells a query apart from the one
 * a stored high-water mark was read with, so a changed query (new fields) starts from the beginning.
 * {@link #includesDeleted()}: the query selects IsDeleted, so it is sent to queryAll, which also
 * answers the records in the recycle bin (IsDeleted = true); one that does not is sent to query,
 * which leaves them out, so that they never pass for live records.
 */
record Soql(String template, String expanded, boolean incremental, boolean includesDeleted, String fingerprint) {

    /** The {@code {since}} of a first sync: everything. */
    static final String BEGINNING = "1970-01-01T00:00:00Z";

    private static final Pattern SELECT = Pattern.compile("(?is)^SELECT\\s+(.+?)\\s+FROM\\s+[A-Za-z][A-Za-z0-9_]*\\b.*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}]*\\}");
    private static final Pattern ORDER_BY_MODSTAMP = Pattern.compile("(?is).*\\bORDER\\s+BY\\s+SystemModstamp\\b(?!\\s+DESC).*");
    private static final Pattern MODSTAMP = Pattern.compile("(?i)\\bSystemModstamp\\b");
    private static final Pattern IS_DELETED = Pattern.compile("(?i)^\\s*IsDeleted\\s*$");

    /** @throws IllegalArgumentException naming {@code key} when the query cannot work */
    static Soql parse(String key, String configured, List<String> fields) {
        String template = configured == null ? "" : configured.trim().replaceAll("\\s+", " ");
        Matcher select = SELECT.matcher(template);
        if (!select.matches()) {
            throw new IllegalArgumentException(key + " must be a SOQL query SELECT <fields or {fields}> FROM <object> ...; got '"
                    + template + "'");
        }
        Matcher p = PLACEHOLDER.matcher(template);
        while (p.find()) {
            if (!p.group().equals("{fields}") && !p.group().equals("{since}")) {
                throw new IllegalArgumentException(key + " has the placeholder " + p.group() + "; only {fields} and {since} are known");
            }
        }
        String expanded = template.replace("{fields}", String.join(", ", fields));
        boolean incremental = template.contains("{since}");
        if (incremental) {
            if (!ORDER_BY_MODSTAMP.matcher(template).matches()) {
                throw new IllegalArgumentException(key + " uses {since}, so it must ORDER BY SystemModstamp (ascending, then Id),"
                        + " as the default does; got '" + template + "'");
            }
            Matcher selected = SELECT.matcher(expanded);
            if (!selected.matches() || !MODSTAMP.matcher(selected.group(1)).find()) {
                throw new IllegalArgumentException(key + " uses {since}, so it must select SystemModstamp (or select {fields});"
                        + " got '" + template + "'");
            }
        }
        Matcher selected = SELECT.matcher(expanded);
        boolean includesDeleted = selected.matches() && Arrays.stream(selected.group(1).split(","))
                .anyMatch(f -> IS_DELETED.matcher(f).matches());
        return new Soql(template, expanded, incremental, includesDeleted, fingerprint(expanded));
    }

    /** The query to send: everything changed at or after {@code since} (null: from the beginning). */
    String text(String since) {
        return expanded.replace("{since}", since == null ? BEGINNING : since);
    }

    private static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

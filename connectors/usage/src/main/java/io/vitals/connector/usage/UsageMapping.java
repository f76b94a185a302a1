package io.vitals.connector.usage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.SourcePage;
import io.vitals.model.ProductUser;
import io.vitals.model.UsageEvent;

/**
 * Maps Segment-style calls, one JSON object per line, to usage events and product users:
 *
 * <ul>
 * <li>{@code track}: a {@link UsageEvent} (id: {@code messageId}, else {@code <file>:<line>}) of
 * {@code userId} for the account found at the first of the account paths that has one
 * ({@code context.groupId}, {@code properties.accountId}, {@code properties.groupId} by default),
 * at {@code timestamp};</li>
 * <li>{@code identify}: the user's account (the account paths, then {@code traits.company.id}) and
 * creation time ({@code traits.createdAt} or {@code traits.created_at}: ISO 8601 or epoch seconds or
 * milliseconds; else the call's time);</li>
 * <li>{@code group}: the user ({@code userId}) belongs to the account {@code groupId};</li>
 * <li>{@code page}, {@code screen}, {@code alias}: read and passed over.</li>
 * </ul>
 *
 * Every user a page names becomes one {@link ProductUser} of that page: its account is the one the
 * page's last call naming the user gave, its creation time the earliest the page shows (the store
 * keeps the earliest across pages). A line that cannot be mapped is rejected with the file, the
 * line number and the reason.
 */
final class UsageMapping {

    static final String TYPE = "type";
    static final String EVENT = "event";
    static final String USER = "userId";
    static final String ANONYMOUS = "anonymousId";
    static final String MESSAGE = "messageId";
    static final String TIMESTAMP = "timestamp";
    static final String GROUP = "groupId";
    static final List<String> CREATED = List.of("traits.createdAt", "traits.created_at");
    static final String COMPANY = "traits.company.id";
    static final Set<String> PASSED_OVER = Set.of("page", "screen", "alias");

    /** How event names are written to the store. */
    enum EventNames {
        /** As the call names them ("Report Built"). */
        ASIS,
        /** Lower case with underscores ("report_built"), as the KPIs' defaults (create_report) are written. */
        SNAKE_CASE
    }

    private final String source;
    private final String customerSource;
    private final List<String> accountPaths;
    private final List<String> identifyAccountPaths;
    private final EventNames names;
    private final EventFields fields;

    UsageMapping(String source, String customerSource, List<String> accountPaths, EventNames names, JsonFactory json) {
        this.source = source;
        this.customerSource = customerSource;
        this.accountPaths = List.copyOf(accountPaths);
        List<String> identify = new ArrayList<>(accountPaths);
        if (!identify.contains(COMPANY)) {
            identify.add(COMPANY);
        }
        this.identifyAccountPaths = List.copyOf(identify);
        this.names = names;
        List<String> wanted = new ArrayList<>(List.of(TYPE, EVENT, USER, ANONYMOUS, MESSAGE, TIMESTAMP, GROUP));
        wanted.addAll(CREATED);
        wanted.addAll(identifyAccountPaths);
        this.fields = new EventFields(json, wanted);
    }

    Page page() {
        return new Page();
    }

    /** A user as a page has seen it. */
    private static final class Seen {
        String account;
        Instant createdAt;
        String raw;
    }

    /** A line that cannot be mapped, with the reason. */
    private static final class Unmappable extends Exception {
        private static final long serialVersionUID = 1L;

        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** One page being filled, line by line. */
    final class Page {
        private final SourcePage page = new SourcePage();
        private final Map<String, Seen> users = new LinkedHashMap<>();
        private long lines;

        /** How many lines the page holds. */
        long lines() {
            return lines;
        }

        /** Maps one line ({@code line} is its number in the file, from 1). */
        void line(String file, long line, byte[] bytes, int length) {
            lines++;
            String raw = new String(bytes, 0, length, StandardCharsets.UTF_8);
            String where = file + " line " + line;
            try {
                Map<String, String> f;
                try {
                    f = fields.read(bytes, length);
                } catch (EventFields.NotAnObject e) {
                    throw new Unmappable(where + " " + e.getMessage());
                }
                String type = f.get(TYPE);
                if (type == null && f.containsKey(EVENT)) {
                    type = "track";
                }
                if (type == null) {
                    throw new Unmappable(where + ": no type (track, identify or group) and no event");
                }
                switch (type) {
                    case "track" -> track(f, file, line, where, raw);
                    case "identify" -> identify(f, where, raw);
                    case "group" -> group(f, where, raw);
                    default -> {
                        if (!PASSED_OVER.contains(type)) {
                            throw new Unmappable(where + ": type '" + type + "' is no Segment call this source reads (track,"
                                    + " identify, group; page, screen and alias are passed over)");
                        }
                    }
                }
            } catch (Unmappable e) {
                page.reject(raw, e.getMessage());
            }
        }

        private void track(Map<String, String> f, String file, long line, String where, String raw) throws Unmappable {
            String user = user(f, "track", where);
            String event = f.get(EVENT);
            if (event == null || event.isBlank()) {
                throw new Unmappable(where + ": track call without event");
            }
            Instant at = timestamp(f, where);
            String account = account(f, accountPaths);
            if (account == null) {
                throw new Unmappable(where + ": no account in " + String.join(", ", accountPaths));
            }
            String id = f.get(MESSAGE);
            if (id == null || id.isBlank()) {
                id = file + ":" + line;
            }
            UsageEvent e;
            try {
                e = new UsageEvent(source, id, 0, user, name(event), at);
            } catch (IllegalArgumentException | NullPointerException bad) {
                throw new Unmappable(where + ": " + bad.getMessage());
            }
            page.event(e, CustomerKey.of(customerSource, account), raw);
            seen(user, account, at, raw);
        }

        private void identify(Map<String, String> f, String where, String raw) throws Unmappable {
            String user = user(f, "identify", where);
            Instant at = timestamp(f, where);
            String account = account(f, identifyAccountPaths);
            if (account == null) {
                throw new Unmappable(where + ": identify of user " + user + " names no account (" + String.join(", ",
                        identifyAccountPaths) + "); a product user needs its account");
            }
            Instant created = at;
            for (String trait : CREATED) {
                String v = f.get(trait);
                if (v != null && !v.isBlank()) {
                    created = createdAt(v, trait, where);
                    break;
                }
            }
            seen(user, account, created, raw);
        }

        private void group(Map<String, String> f, String where, String raw) throws Unmappable {
            String user = user(f, "group", where);
            String group = f.get(GROUP);
            if (group == null || group.isBlank()) {
                throw new Unmappable(where + ": group call without groupId");
            }
            seen(user, group.trim(), timestamp(f, where), raw);
        }

        private void seen(String user, String account, Instant at, String raw) {
            Seen s = users.computeIfAbsent(user, u -> new Seen());
            s.account = account;
            s.raw = raw;
            if (s.createdAt == null || at.isBefore(s.createdAt)) {
                s.createdAt = at;
            }
        }

        /** The page with a product user for every user it named. */
        SourcePage finish(String cursor) {
            for (Map.Entry<String, Seen> u : users.entrySet()) {
                Seen s = u.getValue();
                page.user(new ProductUser(source, u.getKey(), 0, s.createdAt), CustomerKey.of(customerSource, s.account), s.raw);
            }
            users.clear();
            return page.read(lines).cursor(cursor);
        }

        /** Keeps a row that is no line (a file cut short) in the rejects. */
        void reject(String raw, String reason) {
            page.reject(raw, reason);
        }
    }

    private static String user(Map<String, String> f, String call, String where) throws Unmappable {
        String user = f.get(USER);
        if (user == null || user.isBlank()) {
            throw new Unmappable(where + ": " + call + " call without userId" + (f.containsKey(ANONYMOUS)
                    ? " (anonymousId only: an anonymous visitor is no product user)" : ""));
        }
        return user.trim();
    }

    private static String account(Map<String, String> f, List<String> paths) {
        for (String p : paths) {
            String v = f.get(p);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static Instant timestamp(Map<String, String> f, String where) throws Unmappable {
        String t = f.get(TIMESTAMP);
        if (t == null || t.isBlank()) {
            throw new Unmappable(where + ": no timestamp");
        }
        Instant at = iso(t.trim());
        if (at == null) {
            throw new Unmappable(where + ": timestamp '" + t + "' is not an ISO 8601 time with its zone, such as"
                    + " 2026-01-10T12:00:00.123Z");
        }
        return at;
    }

    private static Instant iso(String t) {
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    /** A createdAt trait: ISO 8601 (a date is its midnight UTC), or epoch seconds, or epoch milliseconds. */
    private static Instant createdAt(String v, String trait, String where) throws Unmappable {
        String t = v.trim();
        if (t.matches("\\d{1,16}(\\.\\d+)?")) {
            double n = Double.parseDouble(t);
            return n >= 100_000_000_000d ? Instant.ofEpochMilli((long) n) : Instant.ofEpochSecond((long) n);
        }
        Instant at = iso(t);
        if (at == null) {
            try {
                at = LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new Unmappable(where + ": " + trait + " '" + v + "' is not a time (ISO 8601, or epoch seconds or"
                        + " milliseconds)");
            }
        }
        return at;
    }

    /** The event's name as the store keeps it. */
    String name(String event) {
        String e = event.trim();
        if (names == EventNames.ASIS) {
            return e;
        }
        StringBuilder out = new StringBuilder();
        char previous = ' ';
        for (char c : e.toCharArray()) {
            if (Character.isUpperCase(c) && (Character.isLowerCase(previous) || Character.isDigit(previous))) {
                out.append('_');
            }
            if (Character.isLetterOrDigit(c)) {
                out.append(Character.toLowerCase(c));
            } else if (out.length() > 0 && out.charAt(out.length() - 1) != '_') {
                out.append('_');
            }
            previous = c;
        }
        while (out.length() > 0 && out.charAt(out.length() - 1) == '_') {
            out.setLength(out.length() - 1);
        }
        return out.length() == 0 ? e.toLowerCase(Locale.ROOT) : out.toString();
    }
}

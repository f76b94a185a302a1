package io.vitals.store.sql;

import java.util.ArrayList;
import java.util.List;

import io.vitals.connector.CustomerKey;

/**
 * The record a reject would have been, kept with it while its customer is not in the store: its table,
 * its column values (numbers and text, as the page writer binds them) and the customer it waits for. Text
 * of our own making: each value a type letter and its text, separated by the ASCII unit separator.
 */
record PendingRow(String table, Object[] values, CustomerKey customer, Long at) {

    private static final char SEP = '\u001f';

    String encode() {
        StringBuilder out = new StringBuilder(table).append(SEP).append(at == null ? "N" : "L" + at);
        for (Object v : values) {
            out.append(SEP);
            if (v == null) {
                out.append('N');
            } else if (v instanceof Integer i) {
                out.append('I').append(i);
            } else if (v instanceof Long l) {
                out.append('L').append(l);
            } else if (v instanceof Number n) {
                out.append('L').append(n.longValue());
            } else {
                out.append('S').append(v.toString().replace(SEP, ' '));
            }
        }
        return out.toString();
    }

    static PendingRow decode(String text, CustomerKey customer) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == SEP) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        Object at = value(parts.get(1));
        Object[] values = new Object[parts.size() - 2];
        for (int i = 2; i < parts.size(); i++) {
            values[i - 2] = value(parts.get(i));
        }
        return new PendingRow(parts.get(0), values, customer, (Long) at);
    }

    private static Object value(String part) {
        return switch (part.charAt(0)) {
            case 'N' -> null;
            case 'I' -> Integer.valueOf(part.substring(1));
            case 'L' -> Long.valueOf(part.substring(1));
            default -> part.substring(1);
        };
    }

    static String key(CustomerKey k) {
        return k.source() + SEP + (k.externalId() == null ? "" : k.externalId()) + SEP + (k.email() == null ? "" : k.email())
                + (k.through() == null ? "" : SEP + k.through());
    }

    static CustomerKey customer(String key) {
        String[] p = key.split(String.valueOf(SEP), -1);
        return new CustomerKey(p[0], p[1].isEmpty() ? null : p[1], p[2].isEmpty() ? null : p[2], p.length > 3 ? p[3] : null);
    }
}

package io.vitals.kpi;

import java.util.Collection;

/** Asked for a KPI id that no installed KPI has; the message lists the ids that exist. */
public class UnknownKpiException extends InvalidQueryException {
    private static final long serialVersionUID = 1L;
    private final String id;

    public UnknownKpiException(String id, Collection<String> known) {
        super("unknown KPI '" + id + "'" + suggestion(id, known) + "; known KPIs: "
                + (known.isEmpty() ? "(none installed)" : String.join(", ", known)));
        this.id = id;
    }

    /** " (did you mean 'nps'?)" when one known id is within two edits of what was typed. */
    static String suggestion(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(typed, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    public String id() {
        return id;
    }
}

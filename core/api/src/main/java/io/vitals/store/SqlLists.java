package io.vitals.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A list of values in SQL as bound parameters, never pasted into the text. */
public final class SqlLists {

    private SqlLists() {
    }

    /**
     * {@code column IN (:prefix0, :prefix1, ...)}, binding each value into {@code params}. An empty
     * list matches nothing ({@code 1 = 0}); callers for whom empty means "any" leave the condition out.
     */
    public static String in(String column, String prefix, Collection<?> values, Map<String, Object> params) {
        if (values.isEmpty()) {
            return "1 = 0";
        }
        List<String> names = new ArrayList<>();
        int i = 0;
        for (Object value : values) {
            String name = prefix + i++;
            names.add(":" + name);
            params.put(name, value);
        }
        return column + " IN (" + String.join(", ", names) + ")";
    }
}

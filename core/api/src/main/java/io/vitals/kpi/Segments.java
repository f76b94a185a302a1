package io.vitals.kpi;

import java.util.List;
import java.util.SortedMap;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The segments a user can pick from: every key a {@link Segment} may use (plan, region, csm,
 * industry, cohort and every customer attribute present) with the values customers have, so a
 * filter can be offered as a choice rather than typed.
 */
@ProviderType
public interface Segments {

    /** At most this many values per key; a key with more ends its list with "...". */
    int MAX_VALUES = 20;

    /** Each segment key with its values, sorted. */
    SortedMap<String, List<String>> values();
}

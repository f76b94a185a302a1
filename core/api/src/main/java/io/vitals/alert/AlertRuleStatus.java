package io.vitals.alert;

import java.util.List;

/**
 * One configured rule ({@code etc/vitals.alert-<name>.cfg}): what it watches, the channels it
 * delivers to, the status it last confirmed (null before its first evaluation), and its problem
 * when it is misconfigured or could not be evaluated.
 */
public record AlertRuleStatus(String name, String kpi, String segment, String subset, List<String> channels,
        String status, String problem) {

    public AlertRuleStatus {
        channels = List.copyOf(channels);
    }
}

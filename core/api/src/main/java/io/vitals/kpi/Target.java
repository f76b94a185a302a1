package io.vitals.kpi;

import java.util.Objects;

/**
 * A target for a KPI, for all customers or for one segment. The KPI's direction gives its sense:
 * for a KPI where higher is better, a value at or above {@code target} is green, one at or above
 * {@code warning} yellow, and anything lower red (the reverse where lower is better). Without a
 * warning level, yellow is within 10 % of the target's size.
 */
public record Target(String kpi, Segment segment, double target, Double warning, String origin) {

    public Target {
        Objects.requireNonNull(kpi, "kpi");
        segment = segment == null ? Segment.ALL : segment;
    }

    /** The warning level in force: the configured one, or 10 % of the target's size away from it. */
    public double warningLevel(Direction direction) {
        if (warning != null) {
            return warning;
        }
        double margin = Math.abs(target) * 0.1;
        return direction == Direction.LOWER_IS_BETTER ? target + margin : target - margin;
    }

    public TargetStatus status(Double value, Direction direction) {
        if (value == null) {
            return TargetStatus.NONE;
        }
        double warn = warningLevel(direction);
        return switch (direction) {
            case HIGHER_IS_BETTER -> value >= target ? TargetStatus.GREEN : value >= warn ? TargetStatus.YELLOW : TargetStatus.RED;
            case LOWER_IS_BETTER -> value <= target ? TargetStatus.GREEN : value <= warn ? TargetStatus.YELLOW : TargetStatus.RED;
            case NEUTRAL -> Math.abs(value - target) <= Math.abs(warn - target) ? TargetStatus.GREEN : TargetStatus.RED;
        };
    }
}

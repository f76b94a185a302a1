package io.vitals.kpi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a KPI describes itself: identity, where it sits in the catalogue, which way is good, the
 * formula in words, the parameters in force and the data it reads.
 */
public record KpiDefinition(String id, String name, Category category, Unit unit, Direction direction,
        String description, String formula, List<KpiParameter> parameters, List<String> dataNeeded,
        List<String> drillDowns) {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    public KpiDefinition {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("KPI id '" + id + "' must be lower-case words joined by dashes, e.g. customer-churn-rate");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(direction, "direction");
        description = description == null ? "" : description;
        formula = formula == null ? "" : formula;
        parameters = List.copyOf(parameters == null ? List.of() : parameters);
        dataNeeded = List.copyOf(dataNeeded == null ? List.of() : dataNeeded);
        drillDowns = List.copyOf(drillDowns == null ? List.of() : drillDowns);
    }

    /** Whether {@code kpi:customers} can list the customers behind this KPI; the first subset is the default. */
    public boolean hasDrillDown() {
        return !drillDowns.isEmpty();
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    public boolean higherIsBetter() {
        return direction == Direction.HIGHER_IS_BETTER;
    }

    public static final class Builder {
        private final String id;
        private String name;
        private Category category;
        private Unit unit;
        private Direction direction = Direction.NEUTRAL;
        private String description = "";
        private String formula = "";
        private final List<KpiParameter> parameters = new ArrayList<>();
        private final List<String> dataNeeded = new ArrayList<>();
        private final List<String> drillDowns = new ArrayList<>();

        private Builder(String id) {
            this.id = id;
        }

        public Builder name(String v) { this.name = v; return this; }
        public Builder category(Category v) { this.category = v; return this; }
        public Builder unit(Unit v) { this.unit = v; return this; }
        public Builder direction(Direction v) { this.direction = v; return this; }
        public Builder description(String v) { this.description = v; return this; }
        public Builder formula(String v) { this.formula = v; return this; }
        public Builder parameter(String name, Object value, Object defaultValue, String description) {
            parameters.add(KpiParameter.of(name, value, defaultValue, description));
            return this;
        }
        public Builder needs(String... tables) { dataNeeded.addAll(List.of(tables)); return this; }
        /** The subsets of customers a drill-down can list, the default first (e.g. detractors, passives, promoters). */
        public Builder drillDown(String... subsets) { drillDowns.addAll(List.of(subsets)); return this; }

        public KpiDefinition build() {
            return new KpiDefinition(id, name, category, unit, direction, description, formula, parameters, dataNeeded,
                    drillDowns);
        }
    }
}

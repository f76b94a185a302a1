package io.vitals.declared;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import io.vitals.kpi.Category;
import io.vitals.kpi.Direction;
import io.vitals.kpi.KpiDefinition;
import io.vitals.kpi.Unit;

/**
 * A KPI declared in a file, {@code deploy/<name>.kpi}, in YAML:
 *
 * <pre>
 * id: urgent-ticket-share
 * name: Customers with an open urgent ticket
 * category: support
 * unit: percent
 * direction: lower
 * description: The share of paying customers waiting on an urgent ticket at the end of the period.
 * sql: |
 *   SELECT count(DISTINCT t.customer_id) AS numerator, count(DISTINCT p.customer_id) AS denominator
 *   FROM ...
 * </pre>
 *
 * The SQL answers one row: a {@code value}, or a {@code numerator} and a {@code denominator}
 * (multiplied by {@code scale}, 100 for percentages); {@code sample_size} may be added. The
 * platform binds {@code :from} and {@code :to} and applies the segment.
 */
record KpiFile(KpiDefinition definition, String sql, int sqlLine, Map<String, Object> parameters, double scale,
        String customers, int customersLine, String version) {

    static final Set<String> KEYS = Set.of("id", "name", "category", "unit", "direction", "description", "formula",
            "version", "parameters", "sql", "scale", "customers");

    /** What is wrong with a KPI file, and on which line (0 when the whole file). */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        Invalid(String reason, int line) {
            super(reason);
            this.line = line;
        }
    }

    static KpiFile parse(String text) throws Invalid {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new Invalid("not valid YAML: " + (e.getProblem() == null ? e.getMessage() : e.getProblem()),
                    mark == null ? 0 : mark.getLine() + 1);
        } catch (RuntimeException e) {
            throw new Invalid("not valid YAML: " + e.getMessage(), 0);
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new Invalid("a KPI file is a YAML mapping of keys (id, name, category, unit, sql, ...)", 1);
        }
        Map<String, ScalarNode> values = new LinkedHashMap<>();
        MappingNode parameters = null;
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new Invalid("keys must be plain words", line(tuple.getKeyNode()));
            }
            String key = keyNode.getValue();
            if (values.containsKey(key) || (key.equals("parameters") && parameters != null)) {
                throw new Invalid("duplicate key '" + key + "'", line(keyNode));
            }
            if (!KEYS.contains(key)) {
                throw new Invalid("unknown key '" + key + "'; the keys are " + String.join(", ", KEYS.stream().sorted().toList()),
                        line(keyNode));
            }
            if (key.equals("parameters")) {
                if (!(tuple.getValueNode() instanceof MappingNode p)) {
                    throw new Invalid("parameters must be a mapping of name: value", line(tuple.getValueNode()));
                }
                parameters = p;
            } else if (tuple.getValueNode() instanceof ScalarNode value) {
                values.put(key, value);
            } else {
                throw new Invalid("'" + key + "' must be a single value", line(tuple.getValueNode()));
            }
        }
        String id = required(values, "id", mapping);
        KpiDefinition.Builder definition = KpiDefinition.builder(id).name(required(values, "name", mapping));
        Unit unit = choice(values, "unit", Unit.class, mapping);
        definition.category(category(values, mapping)).unit(unit)
                .direction(direction(values))
                .description(optional(values, "description", ""));
        String sql = required(values, "sql", mapping);
        definition.formula(optional(values, "formula", sql.strip().replaceAll("\\s+", " ")));
        Map<String, Object> params = new LinkedHashMap<>();
        if (parameters != null) {
            for (NodeTuple t : parameters.getValue()) {
                String name = ((ScalarNode) t.getKeyNode()).getValue();
                if (!name.matches("[a-zA-Z][a-zA-Z0-9_]*") || name.equals("from") || name.equals("to")) {
                    throw new Invalid("parameter '" + name + "' must be a plain name other than from and to", line(t.getKeyNode()));
                }
                if (!(t.getValueNode() instanceof ScalarNode v)) {
                    throw new Invalid("parameter '" + name + "' must be a single value", line(t.getValueNode()));
                }
                params.put(name, number(v.getValue()));
                definition.parameter(name, v.getValue(), v.getValue(), "declared in the file");
            }
        }
        double scale;
        try {
            scale = values.containsKey("scale") ? Double.parseDouble(values.get("scale").getValue().trim()) : unit == Unit.PERCENT ? 100 : 1;
        } catch (NumberFormatException e) {
            throw new Invalid("scale must be a number", line(values.get("scale")));
        }
        String customers = optional(values, "customers", null);
        if (customers != null) {
            definition.drillDown("all");
        }
        definition.needs("declared SQL");
        KpiDefinition built;
        try {
            built = definition.build();
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage(), line(values.get("id")));
        }
        return new KpiFile(built, sql, sqlLine(values.get("sql")), params, scale, customers,
                customers == null ? 0 : sqlLine(values.get("customers")), version(values));
    }

    /** The file's version, which ranks it against a bundle offering the same id; null when it has none. */
    private static String version(Map<String, ScalarNode> values) throws Invalid {
        String text = optional(values, "version", null);
        if (text == null) {
            return null;
        }
        try {
            return org.osgi.framework.Version.parseVersion(text.trim()).toString();
        } catch (IllegalArgumentException e) {
            throw new Invalid("version '" + text + "' is not a version such as 1.2.0", line(values.get("version")));
        }
    }

    private static Object number(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException notNumber) {
                return text;
            }
        }
    }

    private static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** A block scalar's text starts on the line after its indicator. */
    private static int sqlLine(ScalarNode node) {
        int line = line(node);
        Character style = node.getScalarStyle() == null ? null : node.getScalarStyle().getChar();
        return style != null && (style == '|' || style == '>') ? line + 1 : line;
    }

    private static String required(Map<String, ScalarNode> values, String key, MappingNode file) throws Invalid {
        ScalarNode node = values.get(key);
        if (node == null || node.getValue().isBlank()) {
            throw new Invalid("'" + key + "' is missing", node == null ? line(file) : line(node));
        }
        return node.getValue();
    }

    private static String optional(Map<String, ScalarNode> values, String key, String fallback) {
        ScalarNode node = values.get(key);
        return node == null || node.getValue().isBlank() ? fallback : node.getValue();
    }

    private static <E extends Enum<E>> E choice(Map<String, ScalarNode> values, String key, Class<E> type, MappingNode file)
            throws Invalid {
        String text = required(values, key, file).trim().toUpperCase(Locale.ROOT);
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(key + " '" + values.get(key).getValue() + "' is not one of "
                    + String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList()),
                    line(values.get(key)));
        }
    }

    private static Category category(Map<String, ScalarNode> values, MappingNode file) throws Invalid {
        String text = required(values, "category", file);
        try {
            return Category.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage(), line(values.get("category")));
        }
    }

    private static Direction direction(Map<String, ScalarNode> values) throws Invalid {
        String text = optional(values, "direction", "neutral").trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "higher", "higher_is_better", "up" -> Direction.HIGHER_IS_BETTER;
            case "lower", "lower_is_better", "down" -> Direction.LOWER_IS_BETTER;
            case "neutral" -> Direction.NEUTRAL;
            default -> throw new Invalid("direction '" + text + "' is not one of higher, lower, neutral", line(values.get("direction")));
        };
    }
}

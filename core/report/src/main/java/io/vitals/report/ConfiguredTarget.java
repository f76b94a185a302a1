package io.vitals.report;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.vitals.kpi.Segment;
import io.vitals.kpi.Target;

/**
 * One target, from one configuration file: {@code etc/vitals.target-<name>.cfg} (or in
 * {@code deploy/}). A new file adds a target, an edit changes it, deleting the file removes it.
 *
 * <pre>
 * kpi = nps
 * target = 30
 * warning = 20          # optional; default: within 10 % of the target
 * segment = plan=pro    # optional; key=value, several joined by commas
 * </pre>
 */
@Component(service = ConfiguredTarget.class, configurationPid = ConfiguredTarget.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ConfiguredTarget.Config.class, factory = true)
public class ConfiguredTarget {

    static final String FACTORY_PID = "vitals.target";

    @ObjectClassDefinition(name = "KPI target", description = "A target for one KPI, for all customers or one segment.")
    public @interface Config {
        @AttributeDefinition(description = "The KPI's id, e.g. nps.")
        String kpi();

        @AttributeDefinition(description = "The target value, in the KPI's unit (e.g. 30 for NPS, 2.5 for a 2.5 % churn rate).")
        String target();

        @AttributeDefinition(description = "Where yellow turns red. Empty: 10 % of the target's size beyond it.")
        String warning() default "";

        @AttributeDefinition(description = "Only for this segment, e.g. plan=pro,region=EMEA. Empty: all customers.")
        String segment() default "";

        String felix_fileinstall_filename() default "";
    }

    private volatile Target target;

    @Activate
    public ConfiguredTarget(Config config) {
        this.target = parse(config);
    }

    @Modified
    void modified(Config config) {
        this.target = parse(config);
    }

    public Target target() {
        return target;
    }

    static Target parse(Config c) {
        String file = c.felix_fileinstall_filename();
        String where = file.isBlank() ? "target configuration" : file.substring(file.lastIndexOf('/') + 1);
        if (c.kpi() == null || c.kpi().isBlank()) {
            throw new IllegalArgumentException(where + ": 'kpi' is missing; e.g. kpi = nps");
        }
        double value = number(where, "target", c.target());
        Double warning = c.warning().isBlank() ? null : number(where, "warning", c.warning());
        Segment segment = c.segment().isBlank() ? Segment.ALL : Segment.parse(List.of(c.segment().split(",")));
        return new Target(c.kpi().trim(), segment, value, warning, where);
    }

    private static double number(String where, String name, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(where + ": '" + name + "' must be a number, got '" + text + "'");
        }
    }
}

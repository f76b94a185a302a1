package io.vitals.runtime.platform;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Why a component failed to activate, in words a user can act on: a configured value that does not
 * fit the type its metatype declares ({@code promoterMin = abc}) is named with what it should be;
 * otherwise the component's own complaint, the deepest cause SCR recorded.
 */
final class ComponentFailures {

    private ComponentFailures() {
    }

    static String reason(Bundle bundle, ComponentConfigurationDTO configuration, MetaTypeService metatype) {
        return typeProblem(bundle, configuration.properties, metatype).orElseGet(() -> deepestCause(configuration.failure));
    }

    /** The first configured value its attribute's type refuses, as "key = 'value' is not a whole number". */
    static Optional<String> typeProblem(Bundle bundle, Map<String, Object> properties, MetaTypeService metatype) {
        if (metatype == null || bundle == null) {
            return Optional.empty();
        }
        Object factory = properties.get("service.factoryPid");
        Object pid = factory != null ? factory : properties.get("service.pid");
        MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
        if (info == null || pid == null) {
            return Optional.empty();
        }
        ObjectClassDefinition ocd;
        try {
            ocd = info.getObjectClassDefinition(String.valueOf(pid), null);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        AttributeDefinition[] attributes = ocd == null ? null : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition ad : attributes == null ? new AttributeDefinition[0] : attributes) {
            Object raw = properties.get(ad.getID());
            if (!(raw instanceof String text)) {
                continue;
            }
            Optional<String> wrong = wrong(ad, text.trim());
            if (wrong.isPresent()) {
                return Optional.of(ad.getID() + " = '" + io.vitals.kpi.Texts.clip(text) + "' " + wrong.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> wrong(AttributeDefinition ad, String text) {
        String[] options = ad.getOptionValues();
        try {
            switch (ad.getType()) {
                case AttributeDefinition.INTEGER, AttributeDefinition.SHORT, AttributeDefinition.BYTE -> Integer.parseInt(text);
                case AttributeDefinition.LONG -> Long.parseLong(text);
                case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> Double.parseDouble(text);
                case AttributeDefinition.BOOLEAN -> {
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        return Optional.of("is not true or false");
                    }
                }
                default -> {
                    if (options != null && options.length > 0 && !Arrays.asList(options).contains(text)) {
                        return Optional.of("is not one of " + String.join(", ", options));
                    }
                }
            }
        } catch (NumberFormatException e) {
            return Optional.of(switch (ad.getType()) {
                case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "is not a number";
                default -> "is not a whole number";
            });
        }
        return Optional.empty();
    }

    /** The message of the deepest "Caused by" of SCR's recorded failure, without the exception's class. */
    static String deepestCause(String failure) {
        if (failure == null || failure.isBlank()) {
            return "its activation failed (the log has the exception)";
        }
        String line = failure.lines().findFirst().orElse(failure);
        for (String l : failure.lines().toList()) {
            if (l.startsWith("Caused by: ")) {
                line = l.substring("Caused by: ".length());
            }
        }
        String message = line.replaceFirst("^[\\w.$]+(Exception|Error)(: )?", "").trim();
        return io.vitals.kpi.Texts.clip(message.isEmpty() ? line : message, 400);
    }

    static Map<String, String> text(Map<String, Object> properties) {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> out.put(k, v instanceof Object[] a ? String.join(",", Arrays.stream(a).map(String::valueOf).toList())
                : String.valueOf(v)));
        return out;
    }
}

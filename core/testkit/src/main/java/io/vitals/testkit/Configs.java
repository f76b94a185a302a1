package io.vitals.testkit;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A component property type (a DS configuration annotation) built from properties the way
 * Declarative Services builds it: {@code felix_fileinstall_filename()} reads
 * {@code felix.fileinstall.filename}, absent keys give the annotation's defaults, text is
 * converted to the method's type. For constructing components in tests:
 * {@code new StripeSource(Configs.of(StripeSource.Config.class, Map.of("apiKey", "env:KEY")), home)}.
 */
public final class Configs {

    private Configs() {
    }

    public static <A extends Annotation> A of(Class<A> type, Map<String, ?> properties) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            if (method.getDeclaringClass() == Object.class || method.getDeclaringClass() == Annotation.class) {
                return switch (method.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> type.getSimpleName() + properties;
                    case "hashCode" -> properties.hashCode();
                    case "equals" -> p == args[0];
                    default -> throw new IllegalArgumentException("not a configuration method: " + method.getName());
                };
            }
            Object value = properties.get(key(method));
            if (value == null) {
                return method.getDefaultValue();
            }
            return convert(value, method.getReturnType());
        });
        return type.cast(proxy);
    }

    /** DS's mapping of a method name to a property key: '_' is '.', '__' is '_', '$' is dropped. */
    static String key(Method m) {
        return m.getName().replace("$", "").replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(Object value, Class<?> type) {
        if (type.isInstance(value)) {
            return value;
        }
        String v = String.valueOf(value).trim();
        if (type == String.class) {
            return String.valueOf(value);
        }
        if (type == int.class || type == Integer.class) {
            return Integer.parseInt(v);
        }
        if (type == long.class || type == Long.class) {
            return Long.parseLong(v);
        }
        if (type == double.class || type == Double.class) {
            return Double.parseDouble(v);
        }
        if (type == boolean.class || type == Boolean.class) {
            return Boolean.parseBoolean(v);
        }
        if (type.isEnum()) {
            return Enum.valueOf((Class<? extends Enum>) type, v);
        }
        if (type == String[].class) {
            return v.isEmpty() ? new String[0] : v.split("\\s*,\\s*");
        }
        throw new IllegalArgumentException("no conversion of '" + v + "' to " + type.getSimpleName());
    }
}

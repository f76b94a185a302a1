package io.vitals.connector.file;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** A component property type built from properties the way Declarative Services does it (felix_x_y reads felix.x.y). */
final class Configs {

    private Configs() {
    }

    static <A extends Annotation> A of(Class<A> type, Map<String, ?> properties) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            if (method.getDeclaringClass() == Object.class || method.getDeclaringClass() == Annotation.class) {
                return switch (method.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> type.getSimpleName() + properties;
                    case "hashCode" -> properties.hashCode();
                    case "equals" -> p == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            }
            Object value = properties.get(key(method));
            if (value == null) {
                return method.getDefaultValue();
            }
            return convert(String.valueOf(value), method.getReturnType());
        });
        return type.cast(proxy);
    }

    private static String key(Method m) {
        return m.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    private static Object convert(String v, Class<?> type) {
        if (type == String.class) {
            return v;
        }
        if (type == int.class) {
            return Integer.parseInt(v.trim());
        }
        if (type == long.class) {
            return Long.parseLong(v.trim());
        }
        if (type == boolean.class) {
            return Boolean.parseBoolean(v.trim());
        }
        throw new IllegalArgumentException("no conversion to " + type);
    }
}

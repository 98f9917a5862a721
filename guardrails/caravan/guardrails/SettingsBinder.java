package caravan.guardrails;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a guardrail's own settings (a banned list's terms, a webhook's URL) onto its settings bean, by setter,
 * whatever the name's case or separators ({@code max_tokens}, {@code maxTokens} and {@code MAXTOKENS} are one
 * setting). The values come as text (a route's URI parameters, the environment) or as JSON values (the admin
 * API); a list setting takes a JSON array or comma-separated text. A setting the bean does not have, or a
 * value of the wrong kind, is an error naming it: a misspelt setting never silently turns a guardrail off.
 */
public final class SettingsBinder {

    private SettingsBinder() {
    }

    /** Binds {@code settings} onto {@code bean} and returns it; {@code guardrail} names it in errors. */
    public static <T> T bind(T bean, Map<String, ?> settings, String guardrail) {
        for (Map.Entry<String, ?> setting : settings.entrySet()) {
            Method setter = setter(bean.getClass(), setting.getKey());
            if (setter == null) {
                throw new IllegalArgumentException("guardrail '" + guardrail + "' has no setting '" + setting.getKey() + "'");
            }
            Object value;
            try {
                value = convert(setting.getValue(), setter.getParameterTypes()[0]);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("guardrail '" + guardrail + "' setting '" + setting.getKey() + "': "
                        + e.getMessage());
            }
            try {
                setter.invoke(bean, value);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw new IllegalArgumentException("guardrail '" + guardrail + "' setting '" + setting.getKey() + "': "
                        + (cause == null ? e.toString() : cause.getMessage()));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return bean;
    }

    private static Method setter(Class<?> type, String name) {
        String wanted = "set" + normal(name);
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() == 1 && normal(method.getName()).equals(wanted)) {
                return method;
            }
        }
        return null;
    }

    private static String normal(String name) {
        return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    private static Object convert(Object value, Class<?> type) {
        if (type == List.class) {
            if (value instanceof List<?> list) {
                List<String> texts = new ArrayList<>(list.size());
                list.forEach(item -> texts.add(String.valueOf(item)));
                return texts;
            }
            return Arrays.stream(String.valueOf(value).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        String text = String.valueOf(value).trim();
        if (type == String.class) {
            return text;
        }
        if (type == boolean.class) {
            if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("expected true or false, not '" + text + "'");
            }
            return Boolean.parseBoolean(text);
        }
        try {
            if (type == int.class) {
                return Integer.parseInt(text);
            }
            if (type == long.class) {
                return Long.parseLong(text);
            }
            if (type == double.class) {
                return Double.parseDouble(text);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, not '" + text + "'");
        }
        throw new IllegalStateException("unsupported setting type " + type);
    }
}

package caravan.api;

import org.apache.camel.CamelContext;

/**
 * How Caravan's Camel extensions (the {@code provider:}, {@code model:} and {@code mirror:} components,
 * the edge engine) find the services they share: by type in the context's registry, where the gateway's
 * configuration classes bound them. Camel creates the extensions itself (they are discovered, with
 * no-argument constructors), so this is the one place that says what is missing when a runtime did not
 * run those classes.
 */
public final class ContextServices {

    static final String CONFIGURATION_CLASSES = "caravan.GatewayConfiguration,caravan.TelemetryConfiguration,"
            + "caravan.RoutingConfiguration";

    private ContextServices() {
    }

    public static <T> T require(CamelContext context, Class<T> type, String who) {
        T found = context.getRegistry().findSingleByType(type);
        if (found == null) {
            throw new IllegalStateException(who + " needs the gateway's " + type.getSimpleName() + ", which its "
                    + "configuration classes bind: name them in camel.main.configuration-classes ("
                    + CONFIGURATION_CLASSES + "), as the gateway's application.properties does");
        }
        return found;
    }

    /** A setting from the gateway's properties, or {@code fallback} when unset. */
    public static String setting(CamelContext context, String name, String fallback) {
        return context.getPropertiesComponent().resolveProperty(name).map(String::trim)
                .filter(value -> !value.isEmpty()).orElse(fallback);
    }

    public static long number(CamelContext context, String name, long fallback) {
        return Long.parseLong(setting(context, name, Long.toString(fallback)));
    }
}

package caravan.catalog;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * Providers are routes: {@code routes/providers/<name>.yaml} holds a provider's route, with id
 * {@code provider-<name>} and endpoint {@code direct:provider-<name>}, calling the provider's Kamelet.
 * Adding, removing or editing one is a YAML change that the running gateway picks up.
 */
public final class ProviderRoutes {

    public static final String ID_PREFIX = "provider-";

    private ProviderRoutes() {
    }

    public static boolean exists(CamelContext context, String provider) {
        // asked on every call: the route status is a map lookup, where getRoute copies and scans all routes
        return context.getRouteController().getRouteStatus(ID_PREFIX + provider) != null;
    }

    /** The names of the providers this gateway has routes for, in route id order. */
    public static List<String> names(CamelContext context) {
        return context.getRoutes().stream()
                .map(Route::getRouteId)
                .filter(id -> id.startsWith(ID_PREFIX))
                .map(id -> id.substring(ID_PREFIX.length()))
                .sorted()
                .toList();
    }
}

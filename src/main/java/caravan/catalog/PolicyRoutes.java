package caravan.catalog;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * Named routes are routes in group {@code policies} (by convention in {@code routes/policies/}): a request
 * whose {@code model} is a named route's id is sent to that route's endpoint, so apps call
 * {@code "model": "support"} and a YAML edit decides which models serve it.
 */
public final class PolicyRoutes {

    public static final String GROUP = "policies";

    private PolicyRoutes() {
    }

    /** The named route with this id, or null. */
    public static Route named(CamelContext context, String name) {
        // asked on every call with the request's model, which mostly names no route: the route status is a
        // map lookup, where getRoute copies and scans all routes
        if (context.getRouteController().getRouteStatus(name) == null) {
            return null;
        }
        Route route = context.getRoute(name);
        return route != null && GROUP.equals(route.getGroup()) ? route : null;
    }

    public static List<String> names(CamelContext context) {
        return context.getRoutes().stream().filter(route -> GROUP.equals(route.getGroup()))
                .map(Route::getRouteId).sorted().toList();
    }
}

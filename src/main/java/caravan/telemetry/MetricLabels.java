package caravan.telemetry;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import caravan.catalog.ModelCatalog;

/**
 * The values a metric label (and a row of the dashboard's tables) may take: only what the gateway itself
 * knows. Providers and named routes it has routes for; models its catalog lists or its routes name;
 * tenants, error types and the dated names providers answer with up to a fixed number each. Anything
 * else, which a client or an upstream made up, is counted as {@value #OTHER}: no request can add series
 * of its own, however many model names it tries.
 */
public final class MetricLabels {

    public static final String OTHER = "other";
    /** Distinct values admitted where the gateway cannot list them in advance. */
    static final int MAX_TENANTS = 1000;
    static final int MAX_ERROR_TYPES = 64;
    /** Dated names a provider answers one requested model with (gpt-4o-mini-2024-07-18). */
    static final int MAX_RESPONSE_MODELS = 8;

    private final ModelCatalog catalog;
    private final Predicate<String> knownProvider;
    private final Predicate<String> knownRoute;
    private final Set<String> routedModels = ConcurrentHashMap.newKeySet();
    private final BoundedValues tenants = new BoundedValues(MAX_TENANTS);
    private final BoundedValues errorTypes = new BoundedValues(MAX_ERROR_TYPES);
    private final Map<String, BoundedValues> responseModels = new ConcurrentHashMap<>();

    /**
     * @param knownProvider whether a provider route of that name exists
     * @param knownRoute    whether a named route of that name exists
     */
    public MetricLabels(ModelCatalog catalog, Predicate<String> knownProvider, Predicate<String> knownRoute) {
        this.catalog = catalog;
        this.knownProvider = knownProvider;
        this.knownRoute = knownRoute;
    }

    /** A route names this model ({@code model:provider/model}): it has a label of its own. */
    public void routed(String provider, String model) {
        routedModels.add(provider + "/" + model);
    }

    public String provider(String provider) {
        return provider == null || provider.isEmpty() ? "" : knownProvider.test(provider) ? provider : OTHER;
    }

    public String route(String route) {
        return route == null || route.isEmpty() ? "" : knownRoute.test(route) ? route : OTHER;
    }

    public String model(String provider, String model) {
        if (model == null || model.isEmpty()) {
            return "";
        }
        boolean known = provider != null && (catalog != null && catalog.lists(provider, model)
                || routedModels.contains(provider + "/" + model));
        return known ? model : OTHER;
    }

    /**
     * The model a provider says answered: the requested one, a known one, or a dated version of the
     * (known) requested one, up to {@value #MAX_RESPONSE_MODELS} of them per requested model.
     */
    public String responseModel(String provider, String requestModelLabel, String responseModel) {
        if (responseModel == null || responseModel.isEmpty() || responseModel.equals(requestModelLabel)) {
            return requestModelLabel == null ? "" : requestModelLabel;
        }
        String known = model(provider, responseModel);
        if (!OTHER.equals(known) || OTHER.equals(requestModelLabel) || requestModelLabel.isEmpty()
                || !responseModel.startsWith(requestModelLabel)) {
            return known;
        }
        return responseModels.computeIfAbsent(provider + "/" + requestModelLabel,
                key -> new BoundedValues(MAX_RESPONSE_MODELS)).admit(responseModel);
    }

    public String tenant(String tenant) {
        return tenant == null || tenant.isEmpty() ? "" : tenants.admit(tenant);
    }

    public String errorType(String errorType) {
        return errorType == null || errorType.isEmpty() ? "" : errorTypes.admit(errorType);
    }

    /** The first {@code max} distinct values keep their names; later newcomers are {@value #OTHER}. */
    private static final class BoundedValues {
        private final int max;
        private final Set<String> admitted = ConcurrentHashMap.newKeySet();

        BoundedValues(int max) {
            this.max = max;
        }

        String admit(String value) {
            if (admitted.contains(value)) {
                return value;
            }
            if (admitted.size() >= max) {
                return OTHER;
            }
            admitted.add(value);
            return value;
        }
    }
}
